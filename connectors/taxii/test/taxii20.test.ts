import { runConnectorOnce } from '../../../core/testing/run-connector';
import taxii from '../connector';
import { countIds, indicators21, objects20, type JsonObject } from './fixtures';
import { startTaxiiServer, type TaxiiServer, type TaxiiServerOptions } from './taxii-server';

const COLLECTION = '91a7b528-80eb-42ed-a74d-c6fbd5a26116';
const ACCEPT_20 = 'application/vnd.oasis.stix+json; version=2.0';

let server: TaxiiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(objects: JsonObject[], options: Partial<TaxiiServerOptions> = {}): Promise<TaxiiServer> {
  server = await startTaxiiServer({ version: '2.0', collections: [{ id: COLLECTION, title: 'High Value Indicator Collection', objects }], ...options });
  return server;
}

function env(s: TaxiiServer, extra: Record<string, string> = {}): Record<string, string> {
  return { TAXII_SERVER_URL: s.apiRootUrl, TAXII_COLLECTION: COLLECTION, TAXII_VERSION: '2.0', ...extra };
}

function ranges(s: TaxiiServer): (string | undefined)[] {
  return s.objectsRequests(COLLECTION).map((q) => q.headers.range as string | undefined);
}

function expectAllOnce(objects: JsonObject[], count: number): void {
  const counts = countIds(objects);
  expect(counts.size).toBe(count);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
}

describe('taxii connector, TAXII 2.0', () => {
  it('pages 2,500 STIX 2.0 objects with Range items=a-b over 206 answers, exactly once, lifted to STIX 2.1', async () => {
    const s = await serve(objects20(2500), { pageCap: 100 });
    const r = await runConnectorOnce(taxii, { env: env(s, { TAXII_PAGE_SIZE: '250' }) });
    expect(r.exitCode).toBe(0);
    expect(r.files).toHaveLength(25);
    expectAllOnce(r.objects, 2500);
    expect(ranges(s).slice(0, 3)).toEqual(['items=0-249', 'items=100-349', 'items=200-449']);
    expect(s.objectsRequests(COLLECTION).every((q) => q.headers.accept === ACCEPT_20)).toBe(true);
    const indicator = r.objects.find((o) => o.type === 'indicator')!;
    expect(indicator).toMatchObject({ spec_version: '2.1', indicator_types: ['malicious-activity'], pattern_type: 'stix' });
    expect(r.objects.find((o) => o.type === 'malware')).toMatchObject({ spec_version: '2.1', is_family: true, malware_types: ['remote-access-trojan'] });
    expect(r.state).toEqual({ added_after_start: s.datesAdded(COLLECTION).at(-1), current_state_cursor: null });
  });

  it("follows the server's own page size when none is configured", async () => {
    const s = await serve(objects20(450), { pageCap: 100 });
    const r = await runConnectorOnce(taxii, { env: env(s) });
    expect(r.exitCode).toBe(0);
    expectAllOnce(r.objects, 450);
    expect(ranges(s)).toEqual([undefined, 'items=100-199', 'items=200-299', 'items=300-399', 'items=400-499']);
  });

  it('checkpoints the next range start as a decimal string and resumes there after a kill', async () => {
    const stop = new AbortController();
    const s = await serve(objects20(1000), { pageCap: 100, onObjectsRequest: (n) => n === 4 && stop.abort() });
    const killed = await runConnectorOnce(taxii, { env: env(s, { TAXII_PAGE_SIZE: '100', TAXII_IMPORT_FROM_DATE: '2024-01-01' }), signal: stop.signal });
    expect(killed.exitCode).toBe(0);
    expect(killed.files).toHaveLength(3);
    expect(killed.state).toEqual({ added_after_start: '2024-01-01T00:00:00.000Z', current_state_cursor: '300' });

    const resumed = await runConnectorOnce(taxii, { env: env(s, { TAXII_PAGE_SIZE: '100' }), outDir: killed.outDir, statePath: killed.statePath });
    expect(resumed.exitCode).toBe(0);
    const afterKill = s.objectsRequests(COLLECTION).slice(4);
    expect(afterKill[0]!.headers.range).toBe('items=300-399');
    expect(afterKill[0]!.query.added_after).toBe('2024-01-01T00:00:00.000Z');
    expectAllOnce(resumed.objects, 1000);
    expect(resumed.state).toEqual({ added_after_start: s.datesAdded(COLLECTION).at(-1), current_state_cursor: null });
  });

  it('resumes after a kill without a configured page size, asking ranges from the saved start that the server caps', async () => {
    const stop = new AbortController();
    const s = await serve(objects20(700), { pageCap: 100, onObjectsRequest: (n) => n === 4 && stop.abort() });
    const killed = await runConnectorOnce(taxii, { env: env(s), signal: stop.signal });
    expect(killed.state).toEqual({ added_after_start: null, current_state_cursor: '300' });

    const resumed = await runConnectorOnce(taxii, { env: env(s), outDir: killed.outDir, statePath: killed.statePath });
    expect(resumed.exitCode).toBe(0);
    expect(ranges(s).slice(4)).toEqual(['items=300-1299', 'items=400-1399', 'items=500-1499', 'items=600-1599']);
    expectAllOnce(resumed.objects, 700);
    expect(resumed.state).toEqual({ added_after_start: s.datesAdded(COLLECTION).at(-1), current_state_cursor: null });
  });

  it('asks for what was added since the last walk, and nothing more on an unchanged collection', async () => {
    const s = await serve(objects20(150), { pageCap: 100 });
    const first = await runConnectorOnce(taxii, { env: env(s) });
    const again = await runConnectorOnce(taxii, { env: env(s), outDir: first.outDir, statePath: first.statePath });
    expect(again.files).toHaveLength(first.files.length);
    expect(s.objectsRequests(COLLECTION).at(-1)!.query.added_after).toBe(first.state!.added_after_start);
    s.add(COLLECTION, objects20(11, { series: 21 }).slice(1));
    const later = await runConnectorOnce(taxii, { env: env(s), outDir: first.outDir, statePath: first.statePath });
    expectAllOnce(later.objects, 160);
  });

  it('takes a 200 as the whole collection when the server ignores Range', async () => {
    const s = await serve(objects20(300), { pageCap: 100, ignoreRange: true });
    const r = await runConnectorOnce(taxii, { env: env(s, { TAXII_PAGE_SIZE: '100' }) });
    expect(r.exitCode).toBe(0);
    expect(r.files).toHaveLength(1);
    expectAllOnce(r.objects, 300);
    expect(r.state).toEqual({ added_after_start: s.datesAdded(COLLECTION).at(-1), current_state_cursor: null });
  });

  it('falls back to the "items a-b" spelling for a server that refuses "items=a-b"', async () => {
    const s = await serve(objects20(250), { pageCap: 100, rangeSpelling: 'items ' });
    const r = await runConnectorOnce(taxii, { env: env(s, { TAXII_PAGE_SIZE: '100' }) });
    expect(r.exitCode).toBe(0);
    expectAllOnce(r.objects, 250);
    expect(ranges(s)).toEqual(['items=0-99', 'items 0-99', 'items 100-199', 'items 200-299']);
  });

  it('walks until a 416 when Content-Range gives no total, keeping the last page date for the next walk', async () => {
    const s = await serve(objects20(230), { pageCap: 100, contentRange: 'no-total' });
    const r = await runConnectorOnce(taxii, { env: env(s, { TAXII_PAGE_SIZE: '100' }) });
    expect(r.exitCode).toBe(0);
    expectAllOnce(r.objects, 230);
    expect(ranges(s)).toEqual(['items=0-99', 'items=100-199', 'items=200-299', 'items=230-329']);
    expect(r.state).toEqual({ added_after_start: s.datesAdded(COLLECTION).at(-1), current_state_cursor: null });
  });

  it('passes STIX 2.1 objects served by a 2.0 server through unchanged', async () => {
    const objects = indicators21(30);
    const s = await serve(objects, { pageCap: 100 });
    const r = await runConnectorOnce(taxii, { env: env(s) });
    expect(r.objects).toEqual(objects);
  });

  it('names the version to set when a 2.1 server answers 406 to the 2.0 media type', async () => {
    server = await startTaxiiServer({ version: '2.1', collections: [{ id: COLLECTION, title: 'x', objects: [] }] });
    const r = await runConnectorOnce(taxii, { env: env(server) });
    expect(r.exitCode).toBe(1);
    expect(String(r.logs.find((l) => l.level === 'error')?.msg)).toContain('set TAXII_VERSION=2.1');
  });
});
