/**
 * Real NVD CVE API 2.0 answers in ../shared/samples/feeds/nvd-api-2.0 (beside the repository, never copied into it),
 * served by a local HTTP server as the API's single page: every record becomes one valid vulnerability with its CVSS
 * scores, and the zone-less timestamps are read as UTC. Without that folder the suite says so.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stix } from '../../../core';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import nvdCve from '../connector';
import { samplesPresent } from '../../../core/testing/samples';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const SAMPLES = join(resolve(REPO_ROOT, '..', 'shared', 'samples'), 'feeds', 'nvd-api-2.0');
const PATH = '/rest/json/cves/2.0';
const NOW = new Date('2023-03-14T18:00:00.000Z');

if (samplesPresent('NVD API samples', SAMPLES)) {
  let server: SourceServer;
  beforeEach(async () => {
    server = await startSourceServer();
  });
  afterEach(async () => {
    await server.close();
  });
  const env = () => ({ NVD_CVE_URL: server.url(PATH), NVD_CVE_REQUEST_INTERVAL: 'PT0S' });

  describe('NVD API samples', () => {
    it('imports the 47 records of a real search page as valid vulnerabilities with CVSS scores', async () => {
      const file = join(SAMPLES, 'cves-keyword-search-page1.json');
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { totalResults: number; vulnerabilities: { cve: { id: string; published: string } }[] };
      server.route('GET', PATH, { file, headers: { 'content-type': 'application/json' } });
      const r = await runConnectorOnce(nvdCve, { env: env(), now: () => NOW });
      expect(r.exitCode).toBe(0);
      expect(r.logs.filter((l) => l.level === 'warn')).toEqual([]);
      const vulns = r.objects.filter((o) => o.type === 'vulnerability');
      expect(vulns.map((v) => v.name).sort()).toEqual(doc.vulnerabilities.map((v) => v.cve.id).sort());
      for (const v of vulns) {
        expect(v.id).toBe(stix.vulnerabilityId(String(v.name)));
        expect(stix.validateObject(v)).toEqual([]);
        expect(typeof v.x_opencti_cvss_base_score).toBe('number');
        expect(typeof v.x_opencti_cvss_v2_base_score).toBe('number');
        expect(String(v.description)).not.toMatch(/^En /);
      }
      const first = doc.vulnerabilities[0]!.cve;
      expect(vulns.find((v) => v.name === first.id)?.created).toBe(`${first.published}Z`);
      expect(r.state).toEqual({ done_until: NOW.toISOString(), walk: null });
    });

    it('maps the ProxyLogon record: NVD scores, KEV flag, English text', async () => {
      server.route('GET', PATH, { file: join(SAMPLES, 'cve-2021-26855.json') });
      const r = await runConnectorOnce(nvdCve, { env: env(), now: () => NOW });
      expect(r.exitCode).toBe(0);
      const v = r.objects.find((o) => o.type === 'vulnerability')!;
      expect(v).toMatchObject({
        name: 'CVE-2021-26855',
        created: '2021-03-03T00:15:12.103Z',
        modified: '2022-07-12T17:42:04.277Z',
        x_opencti_cvss_base_score: 9.8,
        x_opencti_cvss_base_severity: 'CRITICAL',
        x_opencti_cvss_v2_base_score: 7.5,
        x_opencti_cisa_kev: true,
        labels: ['CWE-918'],
      });
      expect(String(v.description)).toMatch(/^Microsoft Exchange Server Remote Code Execution Vulnerability/);
    });
  });
}
