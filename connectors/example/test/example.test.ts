import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stix } from '../../../core';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import example from '../connector';

const SAMPLE = readFileSync(join(__dirname, '..', 'sample', 'iocs.csv'), 'utf8');
const HEADER = '# first_seen,type,value,threat,description\n';

let server: SourceServer;
beforeEach(async () => {
  server = await startSourceServer();
});
afterEach(async () => {
  await server.close();
});

const env = () => ({ EXAMPLE_URL: server.url('/iocs.csv'), EXAMPLE_BATCH_SIZE: '5' });

describe('example connector', () => {
  it('imports the sample list as observables, indicators and malware, batch by batch', async () => {
    server.route('GET', '/iocs.csv', { body: SAMPLE, headers: { 'content-type': 'text/csv' } });
    const r = await runConnectorOnce(example, { env: env() });
    expect(r.exitCode).toBe(0);
    expect(r.files.map((f) => f.bundle_type)).toEqual(['DIRECTORY_BUNDLE', 'DIRECTORY_BUNDLE', 'DIRECTORY_BUNDLE']);
    const indicators = r.objects.filter((o) => o.type === 'indicator');
    expect(new Set(indicators.map((o) => o.id)).size).toBe(12);
    const c2 = indicators.find((o) => o.pattern === "[ipv4-addr:value = '192.0.2.10']");
    expect(c2).toMatchObject({ id: stix.indicatorId("[ipv4-addr:value = '192.0.2.10']"), valid_from: '2024-03-01T08:00:00.000Z', object_marking_refs: [stix.tlpMarkingId('TLP:CLEAR')] });
    expect(r.objects.filter((o) => o.type === 'malware').map((o) => o.name)).toContain('DemoLoader');
    const quoted = r.objects.find((o) => o.type === 'indicator' && String(o.pattern).includes('gate.php'));
    expect(quoted?.description).toBe('Gate URL, "POST" requests only');
    expect(r.state).toEqual({ date: '2024-03-10T16:40:00.000Z', ids_at_date: ['login.example.com'] });
  });

  it('sends nothing again on an unchanged list, and a late row sharing the cursor date exactly once', async () => {
    server.route('GET', '/iocs.csv', { body: SAMPLE });
    const first = await runConnectorOnce(example, { env: env() });
    const again = await runConnectorOnce(example, { env: env(), outDir: first.outDir, statePath: first.statePath });
    expect(again.files).toHaveLength(first.files.length);

    server.route('GET', '/iocs.csv', { body: `${SAMPLE}2024-03-10T16:40:00Z,ipv4-addr,192.0.2.201,DemoStealer,"same instant as the cursor"\n` });
    const late = await runConnectorOnce(example, { env: env(), outDir: first.outDir, statePath: first.statePath });
    expect(late.files).toHaveLength(first.files.length + 1);
    const newest = late.files[late.files.length - 1]!;
    const patterns = (newest.bundle as { objects: { type: string; pattern?: string }[] }).objects.filter((o) => o.type === 'indicator').map((o) => o.pattern);
    expect(patterns).toEqual(["[ipv4-addr:value = '192.0.2.201']"]);
    expect(late.state).toEqual({ date: '2024-03-10T16:40:00.000Z', ids_at_date: ['login.example.com', '192.0.2.201'] });
  });

  it('honours the import-from date', async () => {
    server.route('GET', '/iocs.csv', { body: SAMPLE });
    const r = await runConnectorOnce(example, { env: { ...env(), EXAMPLE_IMPORT_FROM_DATE: '2024-03-09' } });
    expect(r.objects.filter((o) => o.type === 'indicator')).toHaveLength(2);
  });

  it('fails a malformed line with its number and leaves the state untouched', async () => {
    server.route('GET', '/iocs.csv', { body: `${HEADER}2024-03-01T00:00:00Z,ipv4-addr,192.0.2.1\nnot-a-date,url,http://x.example/\n` });
    const r = await runConnectorOnce(example, { env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.state).toBeNull();
    expect(r.files).toEqual([]);
    expect(r.logs.find((l) => l.level === 'error')?.msg).toBe(`run failed: ${server.url('/iocs.csv')} line 3: "not-a-date" is not a date; state left at the last confirmed batch`);
  });

  it('retries a 503 with Retry-After, then imports', async () => {
    server.route('GET', '/iocs.csv', [{ status: 503, headers: { 'retry-after': '0' } }, { body: SAMPLE }]);
    const r = await runConnectorOnce(example, { env: env() });
    expect(r.exitCode).toBe(0);
    expect(server.requestsTo('/iocs.csv')).toHaveLength(2);
  });

  it('ends with one line and exit 1 when the source refuses the request', async () => {
    server.route('GET', '/iocs.csv', { status: 401 });
    const r = await runConnectorOnce(example, { env: env() });
    expect(r.exitCode).toBe(1);
    expect(server.requestsTo('/iocs.csv')).toHaveLength(1);
    const errors = r.logs.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.err).toBeUndefined();
  });

  it('refuses a missing URL with exit 2', async () => {
    const r = await runConnectorOnce(example, { env: {} });
    expect(r.exitCode).toBe(2);
  });
});
