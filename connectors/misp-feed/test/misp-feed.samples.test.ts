/**
 * Real MISP data from ../shared/samples/feeds (beside the repository, never copied into it), served by a local HTTP
 * server: the chrome-mal-ids feed (its real manifest, narrowed in memory to the two events the samples hold), and a
 * feed made in memory around two standalone events (CIRCL OSINT with string timestamps and a `\r\n` value; ESET's
 * restSearch-wrapped export). Without that folder the suite says so.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stix, type StixObject } from '../../../core';
import { runConnectorOnce, type ConnectorRunResult } from '../../../core/testing/run-connector';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import mispFeed from '../connector';
import { samplesPresent } from '../../../core/testing/samples';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const FEEDS = join(resolve(REPO_ROOT, '..', 'shared', 'samples'), 'feeds');
const CHROME = join(FEEDS, 'misp-feed-chrome-mal-ids');
const CHROME_EVENTS = ['248ce935-7bbb-5d0d-9e0b-b9d14c99fb2e', 'fef5a409-1213-569b-87c1-03888ef92e05'];
const CIRCL = join(FEEDS, 'misp-events', 'circl-osint-57c4445b-c548-4654-af0b-4be3950d210f.json');
const ESET = join(FEEDS, 'misp-events', 'eset-turla-outlook-restsearch-response.json');

const reports = (r: ConnectorRunResult) => r.objects.filter((o): o is StixObject => o.type === 'report');

if (samplesPresent('MISP feed samples', CHROME, CIRCL)) {
  let server: SourceServer;
  beforeAll(async () => {
    server = await startSourceServer();
  });
  afterAll(async () => {
    await server.close();
  });

  describe('MISP feed samples', () => {
    it('imports the two chrome-mal-ids events its real manifest lists, then nothing on a second run', async () => {
      const full = JSON.parse(readFileSync(join(CHROME, 'manifest.json'), 'utf8')) as Record<string, { info: string }>;
      const narrowed = Object.fromEntries(CHROME_EVENTS.map((uuid) => [uuid, full[uuid]]));
      server.route('GET', '/chrome/manifest.json', { body: JSON.stringify(narrowed) });
      for (const uuid of CHROME_EVENTS) server.route('GET', `/chrome/${uuid}.json`, { file: join(CHROME, `${uuid}.json`) });
      const env = { MISP_FEED_URL: server.url('/chrome/') };
      const r = await runConnectorOnce(mispFeed, { env });
      expect(r.exitCode).toBe(0);
      expect(r.logs.filter((l) => l.level === 'warn')).toEqual([]);
      expect(r.files).toHaveLength(2);
      // both share one timestamp: uuid order
      expect(reports(r).map((o) => o.name)).toEqual(CHROME_EVENTS.map((uuid) => full[uuid]!.info));
      for (const report of reports(r)) {
        expect(report).toMatchObject({ created_by_ref: stix.identityId('chrome-mal-ids', 'organization'), object_marking_refs: [stix.tlpMarkingId('TLP:CLEAR')], labels: ['chrome-mal-ids', 'malicious-extension'] });
        expect((report.object_refs as string[]).length).toBeGreaterThan(0);
      }
      // url attributes are not to_ids there: observables only; the extension ids (text) are skipped and counted
      expect(r.objects.filter((o) => o.type === 'url').length).toBe(8);
      expect(r.objects.filter((o) => o.type === 'indicator')).toEqual([]);
      expect(r.logs.filter((l) => l.msg === 'event converted').map((l) => l.skipped_types)).toEqual([{ text: 3 }, { text: 1 }]);
      expect(r.state).toEqual({ date: new Date(1780091866 * 1000).toISOString(), ids_at_date: CHROME_EVENTS });

      const again = await runConnectorOnce(mispFeed, { env, outDir: r.outDir, statePath: r.statePath });
      expect(again.files).toHaveLength(2);
    });

    it('imports the CIRCL OSINT event and the restSearch-wrapped ESET event', async () => {
      const circl = (JSON.parse(readFileSync(CIRCL, 'utf8')) as { Event: Record<string, unknown> }).Event;
      const eset = (JSON.parse(readFileSync(ESET, 'utf8')) as { response: Array<{ Event: Record<string, unknown> }> }).response[0]!.Event;
      const entry = (e: Record<string, unknown>) => ({ info: e.info, date: e.date, timestamp: e.timestamp, Orgc: e.Orgc, Tag: e.Tag });
      server.route('GET', '/mixed/manifest.json', { body: JSON.stringify({ [String(circl.uuid)]: entry(circl), [String(eset.uuid)]: entry(eset) }) });
      server.route('GET', `/mixed/${String(circl.uuid)}.json`, { file: CIRCL });
      server.route('GET', `/mixed/${String(eset.uuid)}.json`, { file: ESET });
      const r = await runConnectorOnce(mispFeed, { env: { MISP_FEED_URL: server.url('/mixed/'), MISP_FEED_TLP: 'TLP:AMBER' } });
      expect(r.exitCode).toBe(0);
      expect(r.logs.filter((l) => l.level === 'warn')).toEqual([]);
      // ESET (2018) after CIRCL (2016): timestamp order
      const [xorist, turla] = reports(r) as [StixObject, StixObject];
      expect(xorist).toMatchObject({ name: 'Ransomware - Xorist', published: '2016-08-29T00:00:00.000Z', created_by_ref: stix.identityId('CIRCL', 'organization'), object_marking_refs: [stix.tlpMarkingId('TLP:CLEAR')] });
      expect((xorist.external_references as Array<{ url: string }>).map((e) => e.url)).toContain('http://www.xylibox.com/2011/06/have-fun-with-trojan-ransomwin32xorist.html');
      const patterns = r.objects.filter((o) => o.type === 'indicator').map((o) => String(o.pattern));
      expect(patterns).toEqual(["[file:hashes.MD5 = '0749bae92ca336a02c83d126e04ec628']", "[file:hashes.'SHA-1' = '77b0c41b7d340b8a3d903f21347bbf06aa766b5b']", "[file:hashes.'SHA-256' = 'b3c4ae251f8094fa15b510051835c657eaef2a6cea46075d3aec964b14a99f68']"]);
      // ESET has no tlp tag: the configured TLP; its galaxy tags become labels
      expect(turla).toMatchObject({ name: 'Turla Outlook White Paper', created_by_ref: stix.identityId('ESET', 'organization'), object_marking_refs: [stix.tlpMarkingId('TLP:AMBER')] });
      expect(turla.labels).toContain('misp-galaxy:threat-actor="Turla Group"');
      expect(r.objects.filter((o) => o.type === 'file' && (o.hashes as Record<string, string> | undefined)?.['SHA-1'] !== undefined).length).toBeGreaterThanOrEqual(5);
    });
  });
}
