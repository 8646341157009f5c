import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startSourceServer } from '../../../core/testing/source-server';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import threatfox from '../connector';
import { samplesPresent } from '../../../core/testing/samples';

const repoRoot = resolve(__dirname, '..', '..', '..');
const SAMPLE = join(resolve(repoRoot, '..', 'shared', 'samples'), 'feeds', 'threatfox', 'threatfox-api-iocs-elastic-fixture-head.ndjson');
if (samplesPresent('threatfox connector on the real API records (samples)', SAMPLE)) {
  describe('threatfox connector on the real API records (samples)', () => {
    it('imports every record of the sample, wrapped in the API envelope', async () => {
      const records = readFileSync(SAMPLE, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as { ioc: string; ioc_type: string });
      const server = await startSourceServer();
      try {
        server.route('POST', '/api/v1/', { body: JSON.stringify({ query_status: 'ok', data: records }) });
        const r = await runConnectorOnce(threatfox, { env: { THREATFOX_URL: server.url('/api/v1/'), THREATFOX_API_KEY: 'sample-key' }, now: () => new Date('2022-08-06T00:00:00Z') });
        expect(r.exitCode).toBe(0);
        expect(r.logs.filter((l) => l.level === 'warn')).toEqual([]);
        const names = new Set(r.objects.filter((o) => o.type === 'indicator').map((o) => o.name));
        for (const record of records) expect(names).toContain(record.ioc);
        expect(r.objects.some((o) => o.type === 'ipv6-addr')).toBe(true);
        expect(r.objects.filter((o) => o.type === 'malware').length).toBeGreaterThan(0);
        expect(r.state).toMatchObject({ date: '2022-08-05T11:40:15.000Z' });
      } finally {
        await server.close();
      }
    });
  });
}
