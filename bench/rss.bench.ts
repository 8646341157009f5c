/**
 * The RSS connector's hot path on a generated 50,000-item RSS 2.0 feed (about 30 MB, escaped HTML in every
 * description): bytes -> text (charset detection), XML -> items, items -> dated items -> STIX reports (HTML to
 * Markdown included). Baseline, measured in the same run: the same bytes decoded and tokenised by the XML parser
 * alone, with no handler. Each case runs in its own child process so that its peak memory (max RSS) is its own.
 * Run: `npm run bench` (or `npm run build && node dist/bench/rss.bench.js`). Only local work: no network.
 */
import { execFileSync } from 'node:child_process';
import { SaxesParser } from 'saxes';
import { decodeFeed } from '../connectors/rss/charset';
import { dateItems, itemToReport } from '../connectors/rss/convert';
import { parseFeed } from '../connectors/rss/parse';

const ITEMS = 50_000;
const ROUNDS = 3;
const URL = 'http://127.0.0.1/bench.xml';

function generatedFeed(count: number): Buffer {
  const parts = [`<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Bench feed</title><link>https://bench.example/</link><description>d</description>`];
  const newest = Date.UTC(2024, 3, 23, 8, 0, 0);
  for (let i = 0; i < count; i++) {
    const date = new Date(newest - i * 60_000).toUTCString().replace('GMT', '+0000');
    parts.push(
      `<item><title>Advisory ${i}: remote code execution in product ${i % 97}</title><link>https://bench.example/a/${i}</link>` +
        `<description>A flaw in &lt;b&gt;component ${i}&lt;/b&gt; lets an attacker run code.&lt;br&gt;&#xA;&lt;ul&gt;&lt;li&gt;&lt;a href=&#34;https://vendor.example/${i}&#34;&gt;Vendor advisory&lt;/a&gt;&lt;/li&gt;&lt;li&gt;CVSS 9.8&lt;/li&gt;&lt;/ul&gt;</description>` +
        `<category>rce</category><category>product-${i % 97}</category><guid isPermaLink="false">bench-${i}</guid><pubDate>${date}</pubDate></item>`,
    );
  }
  parts.push('</channel></rss>');
  return Buffer.from(parts.join(''), 'utf8');
}

function baseline(bytes: Buffer): number {
  const parser = new SaxesParser();
  parser.write(decodeFeed(bytes, 'application/rss+xml', URL).text).close();
  return ITEMS;
}

function connector(bytes: Buffer): number {
  const feed = parseFeed(decodeFeed(bytes, 'application/rss+xml', URL).text, URL);
  const opts = { feedTitle: feed.title ?? URL, reportTypes: ['threat-report'], markingIds: [] };
  let reports = 0;
  for (const dated of dateItems(feed, URL, new Date())) if (itemToReport(dated, opts).type === 'report') reports += 1;
  if (reports !== ITEMS) throw new Error(`expected ${ITEMS} reports, got ${reports}`);
  return reports;
}

interface CaseResult {
  ms: number;
  items: number;
  maxRssMb: number;
}

/** In a child: one case, ROUNDS times; the median time and the process's peak RSS. */
function runCase(name: string): CaseResult {
  const bytes = generatedFeed(ITEMS);
  const fn = name === 'baseline' ? baseline : connector;
  const times: number[] = [];
  let items = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    items = fn(bytes);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, items, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

function inChild(name: string): CaseResult {
  return JSON.parse(execFileSync(process.execPath, [__filename, name], { encoding: 'utf8', timeout: 300_000 })) as CaseResult;
}

const requested = process.argv[2];
if (requested === 'baseline' || requested === 'connector') {
  process.stdout.write(JSON.stringify(runCase(requested)));
} else {
  const base = inChild('baseline');
  const ours = inChild('connector');
  const rate = (r: CaseResult): string => `${Math.round(r.items / (r.ms / 1000)).toLocaleString('en-US')} items/s`;
  process.stdout.write(`rss: ${ITEMS.toLocaleString('en-US')}-item feed (${(generatedFeed(ITEMS).length / 1048576).toFixed(1)} MB), median of ${ROUNDS}\n`);
  process.stdout.write(`  baseline  decode + XML tokenise only     ${base.ms.toFixed(0).padStart(6)} ms  ${rate(base).padStart(16)}  peak RSS ${base.maxRssMb.toFixed(0)} MB\n`);
  process.stdout.write(`  connector decode, parse, date, map      ${ours.ms.toFixed(0).padStart(6)} ms  ${rate(ours).padStart(16)}  peak RSS ${ours.maxRssMb.toFixed(0)} MB\n`);
  process.stdout.write(`  ratio connector/baseline: time ${(ours.ms / base.ms).toFixed(2)}x, peak RSS ${(ours.maxRssMb / base.maxRssMb).toFixed(2)}x\n`);
}
