import pino from 'pino';
import { createHttpClient, stix, type CommonSettings } from '../../../core';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import { runConnectorOnce, type DirectoryFile } from '../../../core/testing/run-connector';
import openphish from '../connector';

/**
 * A small feed written for these tests with the real feed's shape: one URL per line, LF endings and a final newline,
 * http and https, query strings, trailing slashes, a quote that the pattern must escape, and a repeated URL.
 */
const FEED = [
  'https://secure-login.example-bank.test/',
  'http://send-usdt-0001.example.app/',
  'https://wallet-verify.example.net/?naps',
  'http://www.promo-2024.example.org/',
  "https://example.com/o'brien/signin.php?id=42&ref=mail",
  'http://send-usdt-0001.example.app/',
  '',
].join('\n');
const T0 = new Date('2024-06-01T12:00:00Z');
const at = (d: Date) => (): Date => d;
const DAY = 86_400_000;

let server: SourceServer;
beforeEach(async () => {
  server = await startSourceServer();
});
afterEach(async () => {
  await server.close();
});

const env = () => ({ OPENPHISH_URL: server.url('/feed.txt') });
const indicatorPatterns = (file: DirectoryFile): unknown[] => (file.bundle as { objects: { type: string; pattern?: string }[] }).objects.filter((o) => o.type === 'indicator').map((o) => o.pattern);

describe('openphish connector', () => {
  it('imports each distinct URL as a url observable and a phishing indicator based on it, by OpenPhish', async () => {
    server.route('GET', '/feed.txt', { body: FEED, headers: { 'content-type': 'text/plain' } });
    const r = await runConnectorOnce(openphish, { env: env(), now: at(T0) });
    expect(r.exitCode).toBe(0);
    const author = r.objects.find((o) => o.type === 'identity');
    expect(author).toMatchObject({ name: 'OpenPhish', identity_class: 'organization' });
    expect(r.objects.filter((o) => o.type === 'url')).toHaveLength(5);
    const indicators = r.objects.filter((o) => o.type === 'indicator');
    expect(indicators).toHaveLength(5);
    const quoted = indicators.find((o) => String(o.name).includes("o'brien"))!;
    expect(quoted).toMatchObject({
      pattern: "[url:value = 'https://example.com/o\\'brien/signin.php?id=42&ref=mail']",
      labels: ['phishing'],
      created_by_ref: author!.id,
      object_marking_refs: [stix.tlpMarkingId('TLP:CLEAR')],
      valid_from: T0.toISOString(),
    });
    const observable = r.objects.find((o) => o.type === 'url' && o.value === "https://example.com/o'brien/signin.php?id=42&ref=mail")!;
    expect(r.objects.some((o) => o.type === 'relationship' && o.relationship_type === 'based-on' && o.source_ref === quoted.id && o.target_ref === observable.id)).toBe(true);
    expect(r.objects.some((o) => o.type === 'marking-definition' && o.name === 'TLP:CLEAR')).toBe(true);
    expect(Object.keys((r.state as { sent: Record<string, string> }).sent)).toHaveLength(5);
    expect((r.state as { sent: Record<string, string> }).sent['https://secure-login.example-bank.test/']).toBe(T0.toISOString());
  });

  it('sends only URLs that are new since the last run; an unchanged feed sends nothing', async () => {
    server.route('GET', '/feed.txt', { body: FEED });
    const first = await runConnectorOnce(openphish, { env: env(), now: at(T0) });
    const again = await runConnectorOnce(openphish, { env: env(), now: at(new Date(T0.getTime() + 6 * 3_600_000)), outDir: first.outDir, statePath: first.statePath });
    expect(again.exitCode).toBe(0);
    expect(again.files).toHaveLength(first.files.length);

    server.route('GET', '/feed.txt', { body: `https://new-phish.example.io/login\n${FEED}` });
    const later = await runConnectorOnce(openphish, { env: env(), now: at(new Date(T0.getTime() + DAY)), outDir: first.outDir, statePath: first.statePath });
    expect(later.files).toHaveLength(first.files.length + 1);
    expect(indicatorPatterns(later.files[later.files.length - 1]!)).toEqual(["[url:value = 'https://new-phish.example.io/login']"]);
    expect(Object.keys((later.state as { sent: Record<string, string> }).sent)).toHaveLength(6);
  });

  it('keeps the state bounded: a URL that left the feed is forgotten after 7 days, not before', async () => {
    server.route('GET', '/feed.txt', { body: FEED });
    const first = await runConnectorOnce(openphish, { env: env(), now: at(T0) });
    const shorter = 'http://send-usdt-0001.example.app/\n';
    server.route('GET', '/feed.txt', { body: shorter });

    const soon = await runConnectorOnce(openphish, { env: env(), now: at(new Date(T0.getTime() + 6 * DAY)), outDir: first.outDir, statePath: first.statePath });
    expect(Object.keys((soon.state as { sent: object }).sent)).toHaveLength(5);
    const week = await runConnectorOnce(openphish, { env: env(), now: at(new Date(T0.getTime() + 8 * DAY)), outDir: first.outDir, statePath: first.statePath });
    expect(week.files).toHaveLength(first.files.length);
    expect(week.state).toEqual({ sent: { 'http://send-usdt-0001.example.app/': T0.toISOString() } });
  });

  it('delivers a large feed in batches of 500, the state growing with each', async () => {
    const many = Array.from({ length: 1201 }, (_, i) => `https://phish-${i}.example.test/login`).join('\n');
    server.route('GET', '/feed.txt', { body: many });
    const r = await runConnectorOnce(openphish, { env: env(), now: at(T0) });
    expect(r.exitCode).toBe(0);
    expect(r.files.map((f) => indicatorPatterns(f).length)).toEqual([500, 500, 201]);
    expect(Object.keys((r.state as { sent: object }).sent)).toHaveLength(1201);
  });

  it('skips a line that is not a URL with a warning naming it, and imports the rest', async () => {
    server.route('GET', '/feed.txt', { body: `${FEED}not a url at all\nftp://files.example.test/x\n` });
    const r = await runConnectorOnce(openphish, { env: env(), now: at(T0) });
    expect(r.exitCode).toBe(0);
    expect(r.objects.filter((o) => o.type === 'indicator')).toHaveLength(5);
    const warnings = r.logs.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warnings).toEqual([`${server.url('/feed.txt')} line 7: "not a url at all" is not an http(s) URL, skipped`, `${server.url('/feed.txt')} line 8: "ftp://files.example.test/x" is not an http(s) URL, skipped`]);
  });

  it('fails with one line naming the URL when the body is a web page, and keeps the state', async () => {
    server.route('GET', '/feed.txt', { body: FEED });
    const first = await runConnectorOnce(openphish, { env: env(), now: at(T0) });
    server.route('GET', '/feed.txt', { body: '<!DOCTYPE html>\n<html><body>Rate limited</body></html>\n' });
    const r = await runConnectorOnce(openphish, { env: env(), now: at(new Date(T0.getTime() + DAY)), outDir: first.outDir, statePath: first.statePath });
    expect(r.exitCode).toBe(1);
    expect(r.logs.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([
      `run failed: ${server.url('/feed.txt')} line 1: this is markup, not a list of URLs (starts with "<!DOCTYPE html>"); state left at the last confirmed batch`,
    ]);
    expect(r.state).toEqual(first.state);
  });

  it('keeps the state when the feed comes back empty', async () => {
    server.route('GET', '/feed.txt', { body: FEED });
    const first = await runConnectorOnce(openphish, { env: env(), now: at(T0) });
    server.route('GET', '/feed.txt', { body: '' });
    const r = await runConnectorOnce(openphish, { env: env(), now: at(new Date(T0.getTime() + 30 * DAY)), outDir: first.outDir, statePath: first.statePath });
    expect(r.exitCode).toBe(0);
    expect(r.state).toEqual(first.state);
    expect(r.logs.some((l) => l.level === 'warn' && String(l.msg).includes('lists no URL'))).toBe(true);
  });

  it('check fetches the feed once and says how many URLs it lists', async () => {
    server.route('GET', '/feed.txt', { body: `${FEED}garbage line\n` });
    const config = { url: server.url('/feed.txt'), tlp: 'TLP:CLEAR' as const };
    const lines = await openphish.check!({ config, settings: {} as CommonSettings, log: pino({ level: 'silent' }), http: createHttpClient({ retries: 0 }), signal: new AbortController().signal });
    expect(lines).toEqual([{ target: server.url('/feed.txt'), ok: true, detail: '5 phishing URL(s), 1 line(s) that are not URLs' }]);
    expect(server.requestsTo('/feed.txt')).toHaveLength(1);
  });
});
