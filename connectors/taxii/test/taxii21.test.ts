import { runConnectorOnce, type ConnectorRunResult } from '../../../core/testing/run-connector';
import taxii from '../connector';
import { countIds, indicators21, type JsonObject } from './fixtures';
import { startTaxiiServer, type TaxiiServer, type TaxiiServerOptions } from './taxii-server';

const COLLECTION = '365fed99-08fa-fdcd-a1b3-fb247eb41d01';
const ACCEPT_21 = 'application/taxii+json;version=2.1';

let server: TaxiiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(objects: JsonObject[], options: Partial<TaxiiServerOptions> = {}): Promise<TaxiiServer> {
  server = await startTaxiiServer({ version: '2.1', collections: [{ id: COLLECTION, title: 'Indicators', objects }], ...options });
  return server;
}

function env(s: TaxiiServer, extra: Record<string, string> = {}): Record<string, string> {
  return { TAXII_SERVER_URL: s.apiRootUrl, TAXII_COLLECTION: COLLECTION, ...extra };
}

function lastDate(s: TaxiiServer): string {
  return s.datesAdded(COLLECTION).at(-1)!;
}

/** Each id of the collection delivered exactly once, over all the given runs. */
function expectExactlyOnce(runs: ConnectorRunResult[], expected: number): void {
  const counts = countIds(runs.at(-1)!.objects);
  expect(counts.size).toBe(expected);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
}

describe('taxii connector, TAXII 2.1', () => {
  it('delivers 3,000 objects exactly once, one batch per server-capped page, following next', async () => {
    const s = await serve(indicators21(3000), { pageCap: 100 });
    const r = await runConnectorOnce(taxii, { env: env(s, { TAXII_PAGE_SIZE: '1000' }) });
    expect(r.exitCode).toBe(0);
    expect(r.files).toHaveLength(30);
    expectExactlyOnce([r], 3000);
    expect(r.state).toEqual({ added_after_start: lastDate(s), current_state_cursor: null });
    const requests = s.objectsRequests(COLLECTION);
    expect(requests).toHaveLength(30);
    expect(requests[0]!.query).toEqual({ limit: '1000' });
    expect(requests.slice(1).every((q) => q.query.next !== undefined && q.query.added_after === undefined && q.query.limit === '1000')).toBe(true);
    expect(requests.every((q) => q.headers.accept === ACCEPT_21)).toBe(true);
    expect(r.files.every((f) => f.update === true)).toBe(true);
  });

  it('sends nothing on an unchanged collection, then only what was added, asking added_after = the last date added', async () => {
    const s = await serve(indicators21(250));
    const first = await runConnectorOnce(taxii, { env: env(s) });
    const again = await runConnectorOnce(taxii, { env: env(s), outDir: first.outDir, statePath: first.statePath });
    expect(again.exitCode).toBe(0);
    expect(again.files).toHaveLength(first.files.length);
    expect(s.objectsRequests(COLLECTION).at(-1)!.query.added_after).toBe(first.state!.added_after_start);

    s.add(COLLECTION, indicators21(5, { from: 250 }));
    const later = await runConnectorOnce(taxii, { env: env(s), outDir: first.outDir, statePath: first.statePath });
    expect(later.files).toHaveLength(first.files.length + 1);
    expectExactlyOnce([later], 255);
    expect(later.state).toEqual({ added_after_start: lastDate(s), current_state_cursor: null });
  });

  it('starts from TAXII_IMPORT_FROM_DATE as the first added_after', async () => {
    const s = await serve(indicators21(20));
    const r = await runConnectorOnce(taxii, { env: env(s, { TAXII_IMPORT_FROM_DATE: '2030-01-01' }) });
    expect(r.exitCode).toBe(0);
    expect(r.objects).toEqual([]);
    expect(s.objectsRequests(COLLECTION)[0]!.query.added_after).toBe('2030-01-01T00:00:00.000Z');
    expect(r.state).toEqual({ added_after_start: '2030-01-01T00:00:00.000Z', current_state_cursor: null });
  });

  it('continues with added_after = X-TAXII-Date-Added-Last when more comes without next, never sending a cursor', async () => {
    const s = await serve(indicators21(1000), { pageCap: 100, paging: 'date' });
    const r = await runConnectorOnce(taxii, { env: env(s) });
    expect(r.exitCode).toBe(0);
    expectExactlyOnce([r], 1000);
    const requests = s.objectsRequests(COLLECTION);
    expect(requests).toHaveLength(10);
    const dates = s.datesAdded(COLLECTION);
    expect(requests.map((q) => q.query.added_after)).toEqual([undefined, ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((p) => dates[p * 100 - 1])]);
    expect(requests.every((q) => q.query.next === undefined)).toBe(true);
    expect(r.state).toEqual({ added_after_start: dates[999], current_state_cursor: null });
  });

  it("reads MITRE's JavaScript dates in X-TAXII-Date-Added-Last; the rounding repeats, never skips", async () => {
    const s = await serve(indicators21(30), { pageCap: 10, paging: 'date', dateFormat: 'javascript', dateStepMicros: 1_250_000 });
    const r = await runConnectorOnce(taxii, { env: env(s) });
    expect(r.exitCode).toBe(0);
    const counts = countIds(r.objects);
    expect(counts.size).toBe(30);
    expect(r.state).toEqual({ added_after_start: `${lastDate(s).slice(0, 19)}.000Z`, current_state_cursor: null });
    expect(s.objectsRequests(COLLECTION)[1]!.query.added_after).toBe(`${s.datesAdded(COLLECTION)[9]!.slice(0, 19)}.000Z`);
  });

  it('resumes after a kill mid-collection from the last delivered page: no gap, nothing repeated but the unconfirmed page', async () => {
    const stop = new AbortController();
    const s = await serve(indicators21(2000), { pageCap: 100, onObjectsRequest: (n) => n === 8 && stop.abort() });
    const killed = await runConnectorOnce(taxii, { env: env(s), signal: stop.signal });
    expect(killed.exitCode).toBe(0);
    expect(killed.files).toHaveLength(7);
    expect(killed.state).toEqual({ added_after_start: null, current_state_cursor: expect.any(String) });
    const cursor = killed.state!.current_state_cursor;

    const resumed = await runConnectorOnce(taxii, { env: env(s), outDir: killed.outDir, statePath: killed.statePath });
    expect(resumed.exitCode).toBe(0);
    expect(s.objectsRequests(COLLECTION)[8]!.query).toEqual({ next: cursor });
    const counts = countIds(resumed.objects);
    expect(counts.size).toBe(2000);
    const repeated = [...counts.values()].filter((n) => n > 1).length;
    expect(repeated).toBeLessThanOrEqual(100);
    expect(resumed.state).toEqual({ added_after_start: lastDate(s), current_state_cursor: null });
  });

  it('restarts once from added_after_start when the server has forgotten the saved next cursor', async () => {
    const stop = new AbortController();
    const s = await serve(indicators21(1000), { pageCap: 100, onObjectsRequest: (n) => n === 4 && stop.abort() });
    const killed = await runConnectorOnce(taxii, { env: env(s, { TAXII_IMPORT_FROM_DATE: '2024-01-01' }), signal: stop.signal });
    expect(killed.files).toHaveLength(3);
    s.forgetCursors();

    const resumed = await runConnectorOnce(taxii, { env: env(s, { TAXII_IMPORT_FROM_DATE: '2024-01-01' }), outDir: killed.outDir, statePath: killed.statePath });
    expect(resumed.exitCode).toBe(0);
    const requests = s.objectsRequests(COLLECTION).slice(4);
    expect(requests[0]!.query.next).toBe(killed.state!.current_state_cursor);
    expect(requests[1]!.query).toEqual({ added_after: '2024-01-01T00:00:00.000Z' });
    expect(resumed.logs.some((l) => l.level === 'warn' && String(l.msg).startsWith('next cursor refused'))).toBe(true);
    const counts = countIds(resumed.objects);
    expect(counts.size).toBe(1000);
    expect([...counts.values()].filter((n) => n === 2)).toHaveLength(300);
    expect(resumed.state).toEqual({ added_after_start: lastDate(s), current_state_cursor: null });
  });

  it('fails with one line when the server refuses its own cursor again after the restart, keeping the delivered page', async () => {
    const s = await serve(indicators21(300), { pageCap: 100, cursorTtlMs: -1 });
    const r = await runConnectorOnce(taxii, { env: env(s) });
    expect(r.exitCode).toBe(1);
    const errors = r.logs.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(String(errors[0]!.msg)).toContain('refused its own next cursor again');
    expect(r.files).toHaveLength(2);
    expect(r.state).toEqual({ added_after_start: null, current_state_cursor: expect.any(String) });
  });

  it('reports each object failing validation by id and skips it; the rest of its page goes through', async () => {
    const objects = indicators21(250);
    const broken: JsonObject = { ...objects[5]!, pattern: undefined };
    const badId: JsonObject = { ...objects[120]!, id: 'indicator--not-a-uuid' };
    objects[5] = broken;
    objects[120] = badId;
    const s = await serve(objects, { pageCap: 100 });
    const r = await runConnectorOnce(taxii, { env: env(s) });
    expect(r.exitCode).toBe(0);
    expect(countIds(r.objects).size).toBe(248);
    const skipped = r.logs.filter((l) => l.msg === 'invalid STIX object skipped').map((l) => l.id);
    expect(skipped).toEqual([broken.id, badId.id]);
    expect(r.files).toHaveLength(3);
    expect(r.state).toEqual({ added_after_start: lastDate(s), current_state_cursor: null });
  });

  it('retries a 429 with Retry-After, a 503 and a connection cut mid-page; each page is delivered once', async () => {
    const s = await serve(indicators21(300), { pageCap: 100 });
    s.injectFaults(
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 503, headers: { 'retry-after': '0' } },
      { status: 200, headers: { 'content-type': ACCEPT_21 }, body: '{"more": true, "objects": [{"type": "indicator"', cutAfterBytes: 20 },
    );
    const r = await runConnectorOnce(taxii, { env: env(s) });
    expect(r.exitCode).toBe(0);
    expectExactlyOnce([r], 300);
    expect(s.objectsRequests(COLLECTION)).toHaveLength(6);
    expect(r.logs.filter((l) => l.msg === 'request retried')).toHaveLength(3);
  });

  it('retries a page that does not arrive within the timeout', async () => {
    const s = await serve(indicators21(150), { pageCap: 100 });
    s.injectFaults({ delayMs: 3000, body: '{}' });
    const quick = { ...taxii, http: (c: Parameters<NonNullable<typeof taxii.http>>[0]) => ({ ...taxii.http!(c), timeoutMs: 300, baseDelayMs: 10 }) };
    const r = await runConnectorOnce(quick, { env: env(s) });
    expect(r.exitCode).toBe(0);
    expectExactlyOnce([r], 150);
    expect(r.logs.some((l) => l.msg === 'request retried' && String(l.reason).includes('timeout'))).toBe(true);
  });

  it('names the version to set when the server answers 406 to the TAXII 2.1 media type', async () => {
    server = await startTaxiiServer({ version: '2.0', collections: [{ id: COLLECTION, title: 'x', objects: [] }] });
    const r = await runConnectorOnce(taxii, { env: env(server) });
    expect(r.exitCode).toBe(1);
    const errors = r.logs.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(String(errors[0]!.msg)).toContain('HTTP 406');
    expect(String(errors[0]!.msg)).toContain('set TAXII_VERSION=2.0');
    expect(r.state).toBeNull();
  });

  it('warns and keeps added_after_start when the server sends no X-TAXII-Date-Added-Last', async () => {
    const s = await serve(indicators21(120), { pageCap: 100, dateAddedHeaders: false, onObjectsRequest: () => undefined });
    const r = await runConnectorOnce(taxii, { env: env(s, { TAXII_IMPORT_FROM_DATE: '2024-01-01' }) });
    expect(r.exitCode).toBe(0);
    expectExactlyOnce([r], 120);
    expect(r.state).toEqual({ added_after_start: '2024-01-01T00:00:00.000Z', current_state_cursor: null });
    expect(r.logs.some((l) => l.level === 'warn' && String(l.msg).startsWith('no X-TAXII-Date-Added-Last header'))).toBe(true);
  });

  it('never moves added_after back when a server sends a date-added header before it', async () => {
    const s = await serve([]);
    // MITRE's server puts an object's `created` in the header, which can be older than the added_after asked
    s.injectFaults({ headers: { 'content-type': ACCEPT_21, 'x-taxii-date-added-last': '2017-05-31T21:30:18.931Z' }, body: { more: false, objects: indicators21(1) } });
    const r = await runConnectorOnce(taxii, { env: env(s, { TAXII_IMPORT_FROM_DATE: '2024-01-01' }) });
    expect(r.exitCode).toBe(0);
    expect(r.objects).toHaveLength(1);
    expect(r.state).toEqual({ added_after_start: '2024-01-01T00:00:00.000Z', current_state_cursor: null });
  });

  it('applies the optional author, markings and confidence-to-score to a whole collection', async () => {
    const s = await serve(indicators21(150, { extra: { confidence: 60 } }), { pageCap: 100 });
    const r = await runConnectorOnce(taxii, {
      env: env(s, { TAXII_DEFAULT_AUTHOR: 'Partner CERT', TAXII_DEFAULT_MARKINGS: 'TLP:GREEN', TAXII_CONFIDENCE_TO_SCORE: 'true' }),
    });
    expect(r.exitCode).toBe(0);
    const indicators = r.objects.filter((o) => o.type === 'indicator');
    expect(indicators).toHaveLength(150);
    const author = r.objects.find((o) => o.type === 'identity');
    expect(author).toMatchObject({ name: 'Partner CERT', identity_class: 'organization' });
    expect(indicators.every((o) => o.created_by_ref === author!.id && o.x_opencti_score === 60)).toBe(true);
    expect(indicators.every((o) => JSON.stringify(o.object_marking_refs) === JSON.stringify(['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da']))).toBe(true);
    // each bundle carries what its objects refer to
    expect(r.files.every((f) => (f.bundle as { objects: JsonObject[] }).objects.some((o) => o.type === 'identity'))).toBe(true);
  });
});
