/**
 * The TAXII connector pulling 100,000 objects from the local TAXII server (loopback only), in pages of 1,000, through
 * the whole runtime: paging, screening, delivery to the directory sink, a checkpoint per page. Baseline, measured in
 * the same run: the same pages fetched and parsed with Node's own HTTP client and nothing else. The server runs in one
 * child process and each case in another, so each case's peak memory (max RSS) is its own; the 10,000-object case
 * shows that memory does not grow with the collection. Run: `npm run bench` (or `npm run build && node dist/bench/taxii.bench.js`).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runConnectorProcess } from '../core/runtime/process';
import taxii from '../connectors/taxii/connector';
import { indicators21 } from '../connectors/taxii/test/fixtures';
import { startTaxiiServer } from '../connectors/taxii/test/taxii-server';

const LARGE = 100_000;
const SMALL = 10_000;
const PAGE = 1_000;
const CASE_TIMEOUT_MS = 180_000;

interface CaseResult {
  objects: number;
  ms: number;
  maxRssMb: number;
}

type Version = '2.1' | '2.0';
const ACCEPT: Record<Version, string> = { '2.1': 'application/taxii+json;version=2.1', '2.0': 'application/vnd.oasis.stix+json; version=2.0' };

/** Child: a TAXII server per version holding a large and a small collection, until the parent goes away. */
async function serve(): Promise<void> {
  const urls: Record<string, string> = {};
  for (const version of ['2.1', '2.0'] as const) {
    const server = await startTaxiiServer({ version, pageCap: PAGE, collections: [{ id: 'large', title: 'large' }, { id: 'small', title: 'small' }] });
    for (let from = 0; from < LARGE; from += PAGE) server.add('large', indicators21(PAGE, { from }));
    server.add('small', indicators21(SMALL, { series: 2 }));
    urls[version] = server.apiRootUrl;
  }
  process.send?.(urls);
  process.on('disconnect', () => process.exit(0));
}

function getJson(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: { objects?: unknown[]; more?: boolean; next?: string } }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as never }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Baseline: the same pages, fetched and parsed, nothing else (no validation, no delivery, no state). */
async function baseline(apiRoot: string, version: Version, collection: string): Promise<number> {
  const objectsUrl = `${apiRoot}collections/${collection}/objects/`;
  let count = 0;
  if (version === '2.1') {
    let next: string | undefined;
    do {
      const page = await getJson(`${objectsUrl}?limit=${PAGE}${next ? `&next=${encodeURIComponent(next)}` : ''}`, { accept: ACCEPT[version] });
      count += page.body.objects?.length ?? 0;
      next = page.body.more ? page.body.next : undefined;
    } while (next !== undefined);
    return count;
  }
  for (let start = 0; ; start += PAGE) {
    const page = await getJson(objectsUrl, { accept: ACCEPT[version], range: `items=${start}-${start + PAGE - 1}` });
    if (page.status === 416) return count;
    count += page.body.objects?.length ?? 0;
    const total = Number(/\/(\d+)$/.exec(String(page.headers['content-range']))?.[1]);
    if (page.status === 200 || start + PAGE >= total) return count;
  }
}

/** The connector, run once as `octi-connector run taxii` would, on the directory sink. */
async function connector(apiRoot: string, version: Version, collection: string): Promise<{ objects: number; maxRssKb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'octi-bench-taxii-'));
  try {
    const env = {
      TAXII_SERVER_URL: apiRoot, TAXII_COLLECTION: collection, TAXII_VERSION: version, TAXII_PAGE_SIZE: String(PAGE),
      CONNECTOR_RUN_AND_TERMINATE: 'true', CONNECTOR_LOG_LEVEL: 'warn',
      CONNECTOR_SEND_TO_DIRECTORY_PATH: join(dir, 'out'), CONNECTOR_STATE_PATH: join(dir, 'state.json'),
    };
    const discard = new Writable({ write: (_chunk, _enc, cb) => cb() });
    const code = await runConnectorProcess(taxii, { env, cwd: dir, logDestination: discard as never });
    const maxRssKb = process.resourceUsage().maxRSS;
    if (code !== 0) throw new Error(`connector exited ${code}`);
    let objects = 0;
    for (const file of readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.json'))) {
      objects += (JSON.parse(readFileSync(join(dir, 'out', file), 'utf8')) as { bundle: { objects: unknown[] } }).bundle.objects.length;
    }
    return { objects, maxRssKb };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Child: one case, printed as one JSON line. */
async function runCase(kind: string, apiRoot: string, version: Version, collection: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  let result: CaseResult;
  if (kind === 'baseline') {
    const objects = await baseline(apiRoot, version, collection);
    result = { objects, ms: Number(process.hrtime.bigint() - t0) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  } else {
    const { objects, maxRssKb } = await connector(apiRoot, version, collection);
    result = { objects, ms: Number(process.hrtime.bigint() - t0) / 1e6, maxRssMb: maxRssKb / 1024 };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function measure(kind: string, apiRoot: string, version: Version, collection: string): CaseResult {
  const out = execFileSync(process.execPath, [__filename, '--case', kind, apiRoot, version, collection], { timeout: CASE_TIMEOUT_MS, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as CaseResult;
}

function rate(r: CaseResult): number {
  return r.objects / (r.ms / 1000);
}

function line(name: string, r: CaseResult): string {
  return `${name.padEnd(34)} objects=${String(r.objects).padStart(6)}  ${Math.round(rate(r)).toString().padStart(7)} objects/s  peak RSS ${r.maxRssMb.toFixed(0).padStart(4)} MB`;
}

export async function run(): Promise<void> {
  const server: ChildProcess = fork(__filename, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const urls = await new Promise<Record<Version, string>>((resolve, reject) => {
      server.once('message', (m) => resolve(m as Record<Version, string>));
      server.once('exit', (code) => reject(new Error(`TAXII server exited ${code}`)));
    });
    for (const version of ['2.1', '2.0'] as const) {
      const base = measure('baseline', urls[version], version, 'large');
      const ours = measure('connector', urls[version], version, 'large');
      if (ours.objects !== LARGE || base.objects !== LARGE) throw new Error(`expected ${LARGE} objects, got baseline ${base.objects}, connector ${ours.objects}`);
      console.log(line(`taxii ${version} baseline (raw pages)`, base));
      console.log(line(`taxii ${version} connector`, ours));
      console.log(`taxii ${version} connector/baseline throughput ratio=${(rate(ours) / rate(base)).toFixed(2)}x  memory ratio=${(ours.maxRssMb / base.maxRssMb).toFixed(2)}x`);
    }
    const small = measure('connector', urls['2.1'], '2.1', 'small');
    console.log(line(`taxii 2.1 connector, ${SMALL} objects`, small));
  } finally {
    server.disconnect();
    server.kill();
  }
}

const [, , mode, ...rest] = process.argv;
if (require.main === module) {
  const task = mode === '--serve' ? serve() : mode === '--case' ? runCase(rest[0]!, rest[1]!, rest[2] as Version, rest[3]!) : run();
  task.catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
