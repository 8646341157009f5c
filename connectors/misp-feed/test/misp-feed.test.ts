import pino from 'pino';
import { createHttpClient, stix, type CommonSettings, type StixObject } from '../../../core';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import { runConnectorOnce, type ConnectorRunResult } from '../../../core/testing/run-connector';
import mispFeed from '../connector';
import { EVENT, EVENTS, manifest } from './fixtures';

let server: SourceServer;
beforeEach(async () => {
  server = await startSourceServer();
});
afterEach(async () => {
  await server.close();
});

function serveFeed(man: Record<string, unknown> = manifest(), events: Record<string, unknown> = EVENTS): void {
  server.route('GET', '/feed/manifest.json', { body: JSON.stringify(man) });
  for (const [uuid, event] of Object.entries(events)) server.route('GET', `/feed/${uuid}.json`, { body: JSON.stringify(event) });
}
// no trailing slash on purpose: the base is a folder either way
const env = (extra: Record<string, string> = {}) => ({ MISP_FEED_URL: server.url('/feed'), ...extra });
const bundles = (r: ConnectorRunResult) => r.files.filter((f) => f.bundle_type === 'DIRECTORY_BUNDLE').map((f) => (f.bundle as { objects: StixObject[] }).objects);
const reportOf = (objects: StixObject[]) => objects.find((o) => o.type === 'report')!;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

describe('misp-feed connector', () => {
  it('turns each event into one batch: a report by its organization, with indicators, observables and the TLP of its tags', async () => {
    serveFeed();
    const r = await runConnectorOnce(mispFeed, { env: env({ MISP_FEED_TLP: 'TLP:GREEN' }) });
    expect(r.exitCode).toBe(0);
    const batches = bundles(r);
    // timestamp order; the two events sharing a second in uuid order; the unreadable manifest entry left out
    expect(batches.map((b) => reportOf(b).name)).toEqual(['Ransomware - Demo Locker', 'Phishing wave', 'Analyst notes only']);
    expect(r.logs.find((l) => l.level === 'warn')?.msg).toBe('manifest entry skipped: timestamp "soon" is not epoch seconds');

    const [ransom, phish, notes] = batches as [StixObject[], StixObject[], StixObject[]];
    const demoCert = stix.identityId('Demo CERT', 'organization');
    expect(reportOf(ransom)).toMatchObject({
      id: stix.reportId('Ransomware - Demo Locker', '2023-11-14T00:00:00.000Z'),
      published: '2023-11-14T00:00:00.000Z',
      modified: iso(1700000200),
      report_types: ['misp-event'],
      labels: ['circl:incident-classification="malware"'],
      created_by_ref: demoCert,
      object_marking_refs: [stix.tlpMarkingId('TLP:CLEAR')],
    });
    expect(ransom.find((o) => o.id === demoCert)).toMatchObject({ name: 'Demo CERT', identity_class: 'organization' });
    expect(reportOf(ransom).external_references).toEqual([
      { source_name: 'MISP feed', url: server.url(`/feed/${EVENT.ransom}.json`), external_id: EVENT.ransom },
      { source_name: 'External analysis', url: 'https://blog.example.org/demo-locker' },
    ]);
    const patterns = ransom.filter((o) => o.type === 'indicator').map((o) => o.pattern);
    expect(patterns).toEqual([
      "[file:hashes.MD5 = '0123456789abcdef0123456789abcdef']",
      `[file:hashes.'SHA-256' = '${'a'.repeat(64)}']`,
      "[ipv4-addr:value = '198.51.100.23']",
      `[file:hashes.'SHA-1' = '${'b'.repeat(40)}']`,
      "[domain-name:value = 'locker.example.net']",
    ]);
    expect(ransom.find((o) => o.type === 'indicator')).toMatchObject({ description: 'dropper', valid_from: iso(1700000100), created_by_ref: demoCert });
    expect(ransom.find((o) => o.type === 'file' && o.name === 'payload.dll')).toBeDefined();
    // to_ids false: an observable without an indicator; the deleted attribute nowhere
    expect(ransom.find((o) => o.type === 'ipv4-addr' && o.value === '203.0.113.5')).toBeDefined();
    expect(ransom.some((o) => o.value === '198.51.100.99')).toBe(false);
    const contents = ransom.filter((o) => !['report', 'identity', 'marking-definition'].includes(o.type)).map((o) => o.id);
    expect(reportOf(ransom).object_refs).toEqual(contents);
    expect(r.logs.find((l) => l.msg === 'event converted' && l.event === EVENT.ransom)).toMatchObject({ skipped: 3, skipped_types: { filename: 1, text: 1, 'regkey|value': 1 } });

    // the strictest of several tlp tags; email observable without indicator; composite types split
    expect(reportOf(phish).object_marking_refs).toEqual([stix.tlpMarkingId('TLP:AMBER')]);
    expect(phish.find((o) => o.type === 'marking-definition')).toMatchObject({ name: 'TLP:AMBER' });
    expect(reportOf(phish).labels).toEqual(['phishing']);
    expect(phish.filter((o) => o.type === 'indicator').map((o) => o.pattern)).toEqual([
      "[url:value = 'https://login.example.com/verify?id=1']",
      "[hostname:value = 'mail.example.com']",
      "[domain-name:value = 'portal.example.com']",
      "[ipv6-addr:value = '2001:db8::5']",
      "[ipv4-addr:value = '192.0.2.44']",
    ]);
    expect(phish.find((o) => o.type === 'email-addr')).toMatchObject({ value: 'billing@example.com' });
    expect(phish.find((o) => o.type === 'indicator' && o.name === '192.0.2.44')?.labels).toEqual(['kill-chain:delivery']);

    // no tlp tag: the configured TLP; nothing mappable: a report without contents
    expect(reportOf(notes).object_marking_refs).toEqual([stix.tlpMarkingId('TLP:GREEN')]);
    expect(reportOf(notes).object_refs).toBeUndefined();
    expect(r.state).toEqual({ date: iso(1701400000), ids_at_date: [EVENT.notes] });
  });

  it('sends nothing again for an unchanged feed, and an edited event (newer timestamp) once', async () => {
    serveFeed();
    const first = await runConnectorOnce(mispFeed, { env: env() });
    const again = await runConnectorOnce(mispFeed, { env: env(), outDir: first.outDir, statePath: first.statePath });
    expect(again.files).toHaveLength(3);
    expect(server.requestsTo(`/feed/${EVENT.ransom}.json`)).toHaveLength(1);

    const edited = manifest();
    (edited[EVENT.phish] as { timestamp: string }).timestamp = '1701500000';
    serveFeed(edited);
    const later = await runConnectorOnce(mispFeed, { env: env(), outDir: first.outDir, statePath: first.statePath });
    expect(bundles(later).slice(3).map((b) => reportOf(b).name)).toEqual(['Phishing wave']);
    expect(later.state).toEqual({ date: iso(1701500000), ids_at_date: [EVENT.phish] });
  });

  it('stops at an event the server fails to give, keeping the cursor on the last delivered event, and resumes there', async () => {
    serveFeed();
    server.route('GET', `/feed/${EVENT.notes}.json`, { status: 404 });
    const r = await runConnectorOnce(mispFeed, { env: env() });
    expect(r.exitCode).toBe(1);
    expect(bundles(r)).toHaveLength(2);
    expect(r.state).toEqual({ date: iso(1700000200), ids_at_date: [EVENT.ransom, EVENT.phish] });
    expect(r.logs.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(r.logText).toContain(`${EVENT.notes}.json`);

    serveFeed();
    const next = await runConnectorOnce(mispFeed, { env: env(), outDir: r.outDir, statePath: r.statePath });
    expect(next.exitCode).toBe(0);
    expect(bundles(next).slice(2).map((b) => reportOf(b).name)).toEqual(['Analyst notes only']);
  });

  it('skips an event file that is not a MISP event, naming its URL, and goes on', async () => {
    serveFeed(manifest(), { ...EVENTS, [EVENT.phish]: { response: 'nothing here' } });
    const r = await runConnectorOnce(mispFeed, { env: env() });
    expect(r.exitCode).toBe(0);
    expect(bundles(r).map((b) => reportOf(b).name)).toEqual(['Ransomware - Demo Locker', 'Analyst notes only']);
    expect(r.logs.filter((l) => l.level === 'warn').map((l) => l.msg)).toContain(`event skipped: ${server.url(`/feed/${EVENT.phish}.json`)}: not a MISP event (no "Event" object)`);
    expect(r.state).toEqual({ date: iso(1701400000), ids_at_date: [EVENT.notes] });
  });

  it('reads an event wrapped as a restSearch answer, and keeps a value holding \\r\\n intact', async () => {
    const wrapped = { response: [{ Event: { ...(EVENTS[EVENT.notes] as { Event: object }).Event, Attribute: [{ uuid: 'a', type: 'url', value: 'http://x.example/a\r\nb', to_ids: true, timestamp: '1701400000' }] } }] };
    serveFeed(manifest(), { ...EVENTS, [EVENT.notes]: wrapped });
    const r = await runConnectorOnce(mispFeed, { env: env() });
    expect(r.exitCode).toBe(0);
    expect(r.objects.find((o) => o.type === 'url' && String(o.value).startsWith('http://x.example'))?.value).toBe('http://x.example/a\r\nb');
  });

  it('honours the import-from date (the event date)', async () => {
    serveFeed();
    const r = await runConnectorOnce(mispFeed, { env: env({ MISP_FEED_IMPORT_FROM_DATE: '2023-12-01' }) });
    expect(bundles(r).map((b) => reportOf(b).name)).toEqual(['Analyst notes only']);
    expect(server.requestsTo(`/feed/${EVENT.ransom}.json`)).toHaveLength(0);
  });

  it('fails with one line naming the manifest when it is not JSON, leaving the state alone', async () => {
    server.route('GET', '/feed/manifest.json', { body: '<html>moved</html>' });
    const r = await runConnectorOnce(mispFeed, { env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.state).toBeNull();
    const errors = r.logs.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(String(errors[0]!.msg)).toContain(`${server.url('/feed/manifest.json')}: not JSON`);
  });

  it('defaults to the CIRCL OSINT feed', () => {
    expect(mispFeed.config.url.meta.defaultValue).toBe('https://www.circl.lu/doc/misp/feed-osint/');
  });

  it('check says how many events the manifest lists and their dates', async () => {
    serveFeed();
    const config = { url: server.url('/feed/'), tlp: 'TLP:CLEAR' as const, import_from_date: undefined };
    const lines = await mispFeed.check!({ config, settings: {} as CommonSettings, log: pino({ level: 'silent' }), http: createHttpClient({ retries: 0 }), signal: new AbortController().signal });
    expect(lines).toEqual([{ target: server.url('/feed/manifest.json'), ok: true, detail: `3 events (dated 2023-11-14 to 2023-12-01), newest change ${iso(1701400000)}; 1 unreadable entries` }]);
  });
});
