import { createHttpClient, stix, type CommonSettings, type StixObject } from '../../../core';
import { createLogger } from '../../../core/log/logger';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import feodo, { BATCH_SIZE } from '../connector';
import { C2_ROWS, listText, type C2Row } from './fixtures';

let server: SourceServer;
beforeEach(async () => {
  server = await startSourceServer();
});
afterEach(async () => {
  await server.close();
});

const PATH = '/downloads/ipblocklist.csv';
const env = (extra: Record<string, string> = {}) => ({ FEODO_TRACKER_URL: server.url(PATH), ...extra });
const ofType = (objects: StixObject[], type: string) => objects.filter((o) => o.type === type);
const AUTHOR_ID = stix.identityId('abuse.ch', 'organization');

describe('feodo-tracker connector', () => {
  it('turns each C2 into an ipv4-addr observable, an IP indicator and the malware family it indicates, by abuse.ch', async () => {
    server.route('GET', PATH, { body: listText(C2_ROWS), headers: { 'content-type': 'text/csv' } });
    const r = await runConnectorOnce(feodo, { env: env() });
    expect(r.exitCode).toBe(0);
    expect(ofType(r.objects, 'ipv4-addr').map((o) => o.value)).toEqual(['192.0.2.10', '198.51.100.23', '203.0.113.77', '192.0.2.99']);
    const pattern = "[ipv4-addr:value = '203.0.113.77']";
    const indicator = ofType(r.objects, 'indicator').find((o) => o.pattern === pattern);
    expect(indicator).toMatchObject({
      id: stix.indicatorId(pattern),
      name: '203.0.113.77:13721',
      valid_from: '2025-03-26T23:30:07.000Z',
      description: 'Feodo Tracker: QakBot C2 server on port 13721, status online, last online 2025-04-04.',
      labels: ['QakBot'],
      created_by_ref: AUTHOR_ID,
      object_marking_refs: [stix.tlpMarkingId('TLP:CLEAR')],
      x_opencti_main_observable_type: 'IPv4-Addr',
      external_references: [{ source_name: 'Feodo Tracker', url: 'https://feodotracker.abuse.ch/browse/host/203.0.113.77/' }],
    });
    expect(ofType(r.objects, 'malware').map((o) => o.name).sort()).toEqual(['Pikabot', 'QakBot']);
    const qakbot = ofType(r.objects, 'malware').find((o) => o.name === 'QakBot')!;
    expect(qakbot).toMatchObject({ id: stix.malwareId('QakBot'), is_family: true, created_by_ref: AUTHOR_ID });
    const relationships = ofType(r.objects, 'relationship');
    expect(relationships).toContainEqual(expect.objectContaining({ relationship_type: 'indicates', source_ref: indicator!.id, target_ref: qakbot.id }));
    expect(relationships).toContainEqual(expect.objectContaining({ relationship_type: 'based-on', source_ref: indicator!.id, target_ref: stix.observableId('ipv4-addr', { value: '203.0.113.77' }) }));
    expect(relationships.filter((o) => o.relationship_type === 'indicates')).toHaveLength(4);
    expect(ofType(r.objects, 'identity')[0]).toMatchObject({ id: AUTHOR_ID, name: 'abuse.ch' });
    expect(r.state).toEqual({ date: '2025-04-04T07:00:00.000Z', ids_at_date: ['192.0.2.99:8080'] });
  });

  it('sends nothing again on an unchanged list, and a C2 sharing the cursor second exactly once', async () => {
    server.route('GET', PATH, { body: listText(C2_ROWS) });
    const first = await runConnectorOnce(feodo, { env: env() });
    const again = await runConnectorOnce(feodo, { env: env(), outDir: first.outDir, statePath: first.statePath });
    expect(again.exitCode).toBe(0);
    expect(again.files).toHaveLength(first.files.length);

    server.route('GET', PATH, { body: listText([...C2_ROWS, ['2025-04-04 07:00:00', '198.51.100.200', '443', 'online', '2025-04-04', 'Emotet']]) });
    const late = await runConnectorOnce(feodo, { env: env(), outDir: first.outDir, statePath: first.statePath });
    expect(late.files).toHaveLength(first.files.length + 1);
    const newest = late.files[late.files.length - 1]!.bundle as { objects: StixObject[] };
    expect(ofType(newest.objects, 'ipv4-addr').map((o) => o.value)).toEqual(['198.51.100.200']);
    expect(late.state).toEqual({ date: '2025-04-04T07:00:00.000Z', ids_at_date: ['192.0.2.99:8080', '198.51.100.200:443'] });
  });

  it('puts an IP listed on two ports into the bundle once, with both ports remembered by the cursor', async () => {
    server.route('GET', PATH, { body: listText([C2_ROWS[0]!, ['2025-02-08 19:20:49', '192.0.2.10', '8443', 'online', '2025-04-01', 'Pikabot']]) });
    const r = await runConnectorOnce(feodo, { env: env() });
    expect(r.exitCode).toBe(0);
    expect(ofType(r.objects, 'indicator')).toHaveLength(1);
    expect(ofType(r.objects, 'ipv4-addr')).toHaveLength(1);
    expect(r.state).toEqual({ date: '2025-02-08T19:20:49.000Z', ids_at_date: ['192.0.2.10:443', '192.0.2.10:8443'] });
  });

  it(`delivers a long list oldest first in batches of ${BATCH_SIZE}, each with its checkpoint`, async () => {
    const rows: C2Row[] = [];
    for (let i = 0; i < 1100; i++) rows.push([`2025-01-${String(1 + Math.floor(i / 100)).padStart(2, '0')} 00:00:00`, `10.0.${Math.floor(i / 250)}.${i % 250}`, '443', 'offline', '2025-02-01', 'Dridex']);
    server.route('GET', PATH, { body: listText(rows.reverse()) });
    const r = await runConnectorOnce(feodo, { env: env() });
    expect(r.exitCode).toBe(0);
    expect(r.files.map((f) => ofType((f.bundle as { objects: StixObject[] }).objects, 'indicator').length)).toEqual([500, 500, 100]);
    expect(ofType(r.objects, 'indicator')[0]?.valid_from).toBe('2025-01-01T00:00:00.000Z');
    expect(r.state).toMatchObject({ date: '2025-01-11T00:00:00.000Z' });
  });

  it('honours the import-from date and the TLP', async () => {
    server.route('GET', PATH, { body: listText(C2_ROWS) });
    const r = await runConnectorOnce(feodo, { env: env({ FEODO_TRACKER_IMPORT_FROM_DATE: '2025-03-01', FEODO_TRACKER_TLP: 'TLP:GREEN' }) });
    const indicators = ofType(r.objects, 'indicator');
    expect(indicators).toHaveLength(3);
    expect(indicators.every((o) => JSON.stringify(o.object_marking_refs) === JSON.stringify([stix.tlpMarkingId('TLP:GREEN')]))).toBe(true);
  });

  it('skips a single malformed line with a warning naming the URL and the line, and imports the rest', async () => {
    server.route('GET', PATH, { body: listText(C2_ROWS, { extraLines: ['"2025-04-04 08:00:00","192.0.2.300","443","online","2025-04-04","Pikabot"'] }) });
    const r = await runConnectorOnce(feodo, { env: env() });
    expect(r.exitCode).toBe(0);
    expect(ofType(r.objects, 'indicator')).toHaveLength(4);
    const warning = r.logs.find((l) => l.level === 'warn' && String(l.msg).startsWith('entry skipped'));
    expect(warning).toMatchObject({ url: server.url(PATH), line: 13, msg: 'entry skipped: line 13: dst_ip "192.0.2.300" is not an IPv4 address' });
  });

  it('refuses a cut download whose END count disagrees, naming the URL, and moves no cursor', async () => {
    server.route('GET', PATH, { body: listText(C2_ROWS.slice(0, 2), { declared: 28 }) });
    const r = await runConnectorOnce(feodo, { env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.files).toEqual([]);
    expect(r.state).toBeNull();
    expect(String(r.logs.find((l) => l.level === 'error')?.msg)).toContain(`${server.url(PATH)}: the list ends with "END 28 entries" but holds 2 entry line(s); refused as incomplete`);
  });

  it('refuses a list whose lines are mostly unreadable, naming the URL and the first bad line', async () => {
    server.route('GET', PATH, { body: listText(C2_ROWS.slice(0, 1), { extraLines: ['"2025-04-04 08:00:00","192.0.2.1"', '"when","192.0.2.2","443","online","2025-04-04","Pikabot"'] }) });
    const r = await runConnectorOnce(feodo, { env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.state).toBeNull();
    expect(String(r.logs.find((l) => l.level === 'error')?.msg)).toContain(`${server.url(PATH)} line 10: expected 6 fields`);
  });

  it('retries a 503, then imports; a 404 ends the run with one line', async () => {
    server.route('GET', PATH, [{ status: 503, headers: { 'retry-after': '0' } }, { body: listText(C2_ROWS) }]);
    const ok = await runConnectorOnce(feodo, { env: env() });
    expect(ok.exitCode).toBe(0);
    expect(server.requestsTo(PATH)).toHaveLength(2);
    const missing = await runConnectorOnce(feodo, { env: { FEODO_TRACKER_URL: server.url('/nope.csv') } });
    expect(missing.exitCode).toBe(1);
    expect(missing.logs.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('check fetches the list once and says what it holds', async () => {
    server.route('GET', PATH, { body: listText(C2_ROWS) });
    const lines = await feodo.check!({
      config: { url: server.url(PATH), tlp: 'TLP:CLEAR', import_from_date: undefined },
      settings: {} as CommonSettings,
      log: createLogger({ level: 'error', destination: { write: () => undefined } }),
      http: createHttpClient({ retries: 0 }),
      signal: new AbortController().signal,
    });
    expect(lines).toEqual([{ target: server.url(PATH), ok: true, detail: '4 C2 entries (2 online), families: Pikabot, QakBot, list updated 2025-04-04 07:00:00 UTC' }]);
    expect(server.requestsTo(PATH)).toHaveLength(1);
  });
});
