/**
 * Every real feed in ../shared/samples/rss (beside the repository, never copied into it), served by a local HTTP
 * server and imported by the connector: counts, the mapping field by field on chosen items, the platform's id
 * formula, valid STIX, and an unchanged feed sending nothing on the next run. Without that folder the suite says so.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stix, type StixObject } from '../../../core';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import rss from '../connector';
import { samplesPresent } from '../../../core/testing/samples';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const SAMPLES = join(resolve(REPO_ROOT, '..', 'shared', 'samples'), 'rss');

/** Items per sample (from ../shared/samples/README.md); every one becomes a report. */
const ITEMS: Record<string, number> = {
  'vulncheck-kev.rss.xml': 10,
  'securelist-apt-reports.rss.xml': 1,
  '0xbekoo-blog.rss.xml': 35,
  'mdnc-kafeine.atom.xml': 10,
  'jvndb-new.rdf': 6,
  'uol-noticias-latin1.rss': 15,
  'heise-developer.atom': 15,
  'medium-content-encoded.rss': 7,
  'ransomwatch-recentposts.rss.xml': 11_039,
};

const reports = (objects: StixObject[]) => objects.filter((o) => o.type === 'report');

if (samplesPresent('RSS samples', SAMPLES)) {
  let server: SourceServer;
  beforeAll(async () => {
    server = await startSourceServer();
    for (const file of readdirSync(SAMPLES)) server.route('GET', `/${file}`, { file: join(SAMPLES, file) });
  });
  afterAll(async () => {
    await server.close();
  });

  /** Runs the connector on one sample (twice: the second run must send nothing) and returns the first run's reports. */
  async function importSample(file: string): Promise<StixObject[]> {
    const env = { RSS_FEED_URL: server.url(`/${file}`), RSS_DEFAULT_AUTHOR: 'Samples', RSS_DEFAULT_MARKINGS: 'TLP:CLEAR' };
    const first = await runConnectorOnce(rss, { env, now: () => new Date('2026-06-01T00:00:00.000Z') });
    expect(first.exitCode).toBe(0);
    const again = await runConnectorOnce(rss, { env, outDir: first.outDir, statePath: first.statePath, now: () => new Date('2026-06-01T01:00:00.000Z') });
    expect([again.exitCode, again.files.length]).toEqual([0, first.files.length]);
    return reports(first.objects);
  }

  describe.each(readdirSync(SAMPLES).sort())('RSS sample %s', (file) => {
    it('becomes one valid report per item, each with the platform\'s id', async () => {
      const list = await importSample(file);
      expect(list).toHaveLength(ITEMS[file] ?? list.length);
      for (const report of list) {
        expect(stix.validateObject(report)).toEqual([]);
        expect(report.id).toBe(stix.reportId(report.name as string, report.published as string));
        expect(report.object_refs).toBeUndefined();
        expect(String(report.description ?? '')).not.toMatch(/<script|javascript:/i);
      }
    });
  });

  describe('RSS samples, field by field', () => {
    it('vulncheck: entity-escaped HTML becomes Markdown lists and links', async () => {
      const list = await importSample('vulncheck-kev.rss.xml');
      const item = list.find((r) => String(r.name).includes('CVE-2014-125119'))!;
      expect(item).toMatchObject({ published: '2025-07-25T00:00:00.000Z', report_types: ['threat-report'], created_by_ref: stix.identityId('Samples', 'organization') });
      expect(item.external_references).toEqual([{ source_name: item.name, url: 'https://nvd.nist.gov/vuln/detail/CVE-2014-125119', description: `Vulncheck KEV ${item.name as string}. Retrieved 2025-07-25T00:00:00.000Z.` }]);
      expect(item.description).toMatch(/^A filename spoofing vulnerability exists in WinRAR/);
      expect(item.description).toContain('* <https://www.vulncheck.com/advisories/winrar-filename-spoofing-rce>');
      expect(item.description).not.toMatch(/&lt;|<br>/);
    });

    it('securelist: CDATA categories become labels, the description is the summary', async () => {
      const [item] = await importSample('securelist-apt-reports.rss.xml');
      expect(item).toMatchObject({ name: 'Focus on DroxiDat/SystemBC', published: '2023-08-10T10:00:22.000Z' });
      expect(item!.labels).toEqual(expect.arrayContaining(['APT reports', 'Backdoor', 'Ransomware']));
      expect(item!.description).toMatch(/^An unknown actor targeted an electric utility in southern Africa/);
    });

    it('jvndb (RDF): dc:date without seconds read in UTC, Japanese kept', async () => {
      const list = await importSample('jvndb-new.rdf');
      const item = list.find((r) => r.published === '2022-06-21T02:52:00.000Z')!;
      expect(item.name).toBe('EdgeGallery/developer における信頼できないデータのデシリアライゼーションに関する脆弱性');
    });

    it('uol (Latin-1, no declaration): accents right, Portuguese dates read', async () => {
      const list = await importSample('uol-noticias-latin1.rss');
      const item = list.find((r) => String(r.name).startsWith('Ibope: Bolsonaro perde'))!;
      expect(item).toMatchObject({ name: 'Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno', published: '2018-09-24T22:42:40.000Z' });
      expect(list.every((r) => !String(r.name).includes('\ufffd'))).toBe(true);
    });

    it('kafeine (Atom): published, not updated; categories from term', async () => {
      const list = await importSample('mdnc-kafeine.atom.xml');
      const item = list.find((r) => r.name === 'Choose Again.')!;
      expect(item).toMatchObject({ published: '2020-02-28T13:50:00.000Z', description: 'This is the End.' });
    });

    it('heise (Atom): umlauts intact', async () => {
      const list = await importSample('heise-developer.atom');
      expect(list.find((r) => r.name === 'Java-Anwendungsserver: Red Hat gibt WildFly 10 frei')?.description).toMatch(/verfügbare/);
    });

    it('ransomwatch: guids with spaces and backslashes tell items apart, titles trimmed', async () => {
      const list = await importSample('ransomwatch-recentposts.rss.xml');
      expect(list.find((r) => r.published === '2024-04-23T08:49:20.000Z')?.name).toBe('ghimli.com\\$189.1M\\Australia\\88GB\\100%DISCLOSED');
    });
  });

  it('imports all samples as the feeds of one connector', async () => {
    const urls = Object.keys(ITEMS).map((f) => server.url(`/${f}`));
    const r = await runConnectorOnce(rss, { env: { RSS_FEED_URL: urls.join(',') } });
    expect(r.exitCode).toBe(0);
    expect(reports(r.objects)).toHaveLength(Object.values(ITEMS).reduce((a, b) => a + b, 0));
    expect(Object.keys((r.state as { feeds: object }).feeds).sort()).toEqual([...urls].sort());
  });
}
