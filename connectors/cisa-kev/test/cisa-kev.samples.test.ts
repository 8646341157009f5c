/**
 * The real KEV catalog in ../shared/samples/feeds/cisa-kev (beside the repository, never copied into it), served by a
 * local HTTP server and imported: every entry becomes one valid vulnerability, the cursor lands on the newest day and
 * a second run sends nothing. Without that folder the suite says so.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stix, type StixObject } from '../../../core';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import cisaKev from '../connector';
import { samplesPresent } from '../../../core/testing/samples';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const SAMPLE = join(resolve(REPO_ROOT, '..', 'shared', 'samples'), 'feeds', 'cisa-kev', 'known_exploited_vulnerabilities.json');

if (samplesPresent('CISA KEV sample', SAMPLE)) {
  let server: SourceServer;
  beforeAll(async () => {
    server = await startSourceServer();
  });
  afterAll(async () => {
    await server.close();
  });

  describe('CISA KEV sample', () => {
    it('imports the whole real catalog as valid vulnerabilities, then nothing on a second run', async () => {
      const doc = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { count: number; vulnerabilities: { cveID: string; dateAdded: string; knownRansomwareCampaignUse: string }[] };
      server.route('GET', '/kev.json', { file: SAMPLE, headers: { 'content-type': 'application/json' } });
      const env = { CISA_KEV_URL: server.url('/kev.json') };
      const r = await runConnectorOnce(cisaKev, { env });
      expect(r.exitCode).toBe(0);
      expect(r.logs.filter((l) => l.level === 'warn')).toEqual([]);
      const vulns = r.objects.filter((o): o is StixObject => o.type === 'vulnerability');
      expect(vulns).toHaveLength(doc.count);
      expect(new Set(vulns.map((v) => v.id)).size).toBe(doc.count);
      for (const v of vulns) {
        expect(v.id).toBe(stix.vulnerabilityId(String(v.name)));
        expect(stix.validateObject(v)).toEqual([]);
      }
      const ransomware = vulns.filter((v) => (v.labels as string[]).includes('known-ransomware-campaign-use'));
      expect(ransomware).toHaveLength(doc.vulnerabilities.filter((e) => e.knownRansomwareCampaignUse === 'Known').length);

      const newestDay = doc.vulnerabilities.map((e) => e.dateAdded).sort().pop()!;
      const onNewestDay = doc.vulnerabilities.filter((e) => e.dateAdded === newestDay).map((e) => e.cveID).sort();
      expect(r.state).toEqual({ date: `${newestDay}T00:00:00.000Z`, ids_at_date: onNewestDay });

      const again = await runConnectorOnce(cisaKev, { env, outDir: r.outDir, statePath: r.statePath });
      expect(again.exitCode).toBe(0);
      expect(again.files).toHaveLength(r.files.length);
    });
  });
}
