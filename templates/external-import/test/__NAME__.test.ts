import { join } from 'node:path';
import { stix } from '../../../core';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import connector from '../connector';

let server: SourceServer;
beforeEach(async () => {
  server = await startSourceServer();
  server.route('GET', '/records.json', { file: join(__dirname, 'fixtures', 'records.json') });
});
afterEach(() => server.close());

describe('__NAME__', () => {
  it('imports every record once, and nothing on an unchanged source', async () => {
    const env = { __ENV___URL: server.url('/records.json') };
    const first = await runConnectorOnce(connector, { env });
    expect(first.exitCode).toBe(0);
    const indicators = first.objects.filter((o) => o.type === 'indicator');
    expect(indicators.map((o) => o.id)).toContain(stix.indicatorId("[ipv4-addr:value = '192.0.2.1']"));
    expect(indicators).toHaveLength(3);
    expect(first.state).toEqual({ date: '2024-01-02T00:00:00.000Z', ids_at_date: ['r-2', 'r-3'] });

    const again = await runConnectorOnce(connector, { env, outDir: first.outDir, statePath: first.statePath });
    expect(again.exitCode).toBe(0);
    expect(again.files).toHaveLength(first.files.length);
  });

  it('fails with exit 1 and keeps no state when the source refuses the key', async () => {
    server.route('GET', '/records.json', { status: 401 });
    const r = await runConnectorOnce(connector, { env: { __ENV___URL: server.url('/records.json'), __ENV___API_KEY: 'not-the-key' } });
    expect(r.exitCode).toBe(1);
    expect(r.state).toBeNull();
    expect(r.logText).not.toContain('not-the-key');
  });
});
