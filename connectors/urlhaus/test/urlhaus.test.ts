import { createHttpClient, stix, type CommonSettings, type StixObject } from '../../../core';
import { createLogger } from '../../../core/log/logger';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import urlhaus, { BATCH_SIZE } from '../connector';
import { ROWS, dumpText, row, type Row } from './fixtures';

let server: SourceServer;
beforeEach(async () => {
  server = await startSourceServer();
});
afterEach(async () => {
  await server.close();
});

const PATH = '/downloads/csv_online/';
const env = (extra: Record<string, string> = {}) => ({ URLHAUS_URL: server.url(PATH), ...extra });
const ofType = (objects: StixObject[], type: string) => objects.filter((o) => o.type === type);
const AUTHOR_ID = stix.identityId('abuse.ch', 'organization');

describe('urlhaus connector', () => {
  it('turns each entry into a url observable and an indicator based on it, by abuse.ch, with labels and a link back', async () => {
    server.route('GET', PATH, { body: dumpText(ROWS), headers: { 'content-type': 'text/csv' } });
    const r = await runConnectorOnce(urlhaus, { env: env() });
    expect(r.exitCode).toBe(0);
    expect(ofType(r.objects, 'url').map((o) => o.value)).toEqual([
      'http://mal.example.net/payload.sh',
      "https://files.example.com/it's/a,b.exe",
      'http://198.51.100.7/bins/x.arm7',
      'http://198.51.100.7/bins/x.mips',
      'http://192.0.2.50:4321/i',
    ]);
    const pattern = "[url:value = 'https://files.example.com/it\\'s/a,b.exe']";
    const indicator = ofType(r.objects, 'indicator').find((o) => o.pattern === pattern);
    expect(indicator).toMatchObject({
      id: stix.indicatorId(pattern),
      valid_from: '2025-05-05T12:00:00.000Z',
      created: '2025-05-05T12:00:00.000Z',
      labels: ['exe', 'AgentTesla', 'malware_download'],
      created_by_ref: AUTHOR_ID,
      object_marking_refs: [stix.tlpMarkingId('TLP:CLEAR')],
      x_opencti_main_observable_type: 'Url',
      external_references: [{ source_name: 'URLhaus', url: 'https://urlhaus.abuse.ch/url/1002/', external_id: '1002' }],
    });
    const untagged = ofType(r.objects, 'indicator').find((o) => o.name === 'http://192.0.2.50:4321/i');
    expect(untagged?.labels).toEqual(['malware_download']);
    const observable = ofType(r.objects, 'url').find((o) => o.value === 'http://192.0.2.50:4321/i')!;
    expect(ofType(r.objects, 'relationship')).toContainEqual(expect.objectContaining({ relationship_type: 'based-on', source_ref: untagged!.id, target_ref: observable.id }));
    expect(ofType(r.objects, 'identity')[0]).toMatchObject({ id: AUTHOR_ID, name: 'abuse.ch', identity_class: 'organization' });
    expect(ofType(r.objects, 'marking-definition')[0]).toMatchObject({ name: 'TLP:CLEAR' });
    expect(r.state).toEqual({ date: '2025-05-06T09:30:00.000Z', ids_at_date: ['1005'] });
  });

  it('sends nothing again on an unchanged dump, and an entry sharing the cursor date exactly once', async () => {
    server.route('GET', PATH, { body: dumpText(ROWS) });
    const first = await runConnectorOnce(urlhaus, { env: env() });
    const again = await runConnectorOnce(urlhaus, { env: env(), outDir: first.outDir, statePath: first.statePath });
    expect(again.exitCode).toBe(0);
    expect(again.files).toHaveLength(first.files.length);

    server.route('GET', PATH, { body: dumpText([row('1006', '2025-05-06 09:30:00', 'http://late.example.org/a'), ...ROWS]) });
    const late = await runConnectorOnce(urlhaus, { env: env(), outDir: first.outDir, statePath: first.statePath });
    expect(late.files).toHaveLength(first.files.length + 1);
    const newest = late.files[late.files.length - 1]!.bundle as { objects: StixObject[] };
    expect(ofType(newest.objects, 'url').map((o) => o.value)).toEqual(['http://late.example.org/a']);
    expect(late.state).toEqual({ date: '2025-05-06T09:30:00.000Z', ids_at_date: ['1005', '1006'] });
  });

  it(`delivers a large dump oldest first in batches of ${BATCH_SIZE}, each with its checkpoint`, async () => {
    const rows: Row[] = [];
    for (let i = 0; i < 1200; i++) rows.push(row(String(5000 + i), `2025-03-${String(1 + Math.floor(i / 100)).padStart(2, '0')} 00:00:00`, `http://bulk.example.com/${i}`));
    server.route('GET', PATH, { body: dumpText(rows.reverse()) });
    const r = await runConnectorOnce(urlhaus, { env: env() });
    expect(r.exitCode).toBe(0);
    expect(r.files).toHaveLength(3);
    const counts = r.files.map((f) => ofType((f.bundle as { objects: StixObject[] }).objects, 'indicator').length);
    expect(counts).toEqual([500, 500, 200]);
    expect(ofType(r.objects, 'indicator')[0]?.valid_from).toBe('2025-03-01T00:00:00.000Z');
    expect(r.state).toMatchObject({ date: '2025-03-12T00:00:00.000Z' });
    expect((r.state as { ids_at_date: string[] }).ids_at_date).toHaveLength(100);
  });

  it('honours the import-from date', async () => {
    server.route('GET', PATH, { body: dumpText(ROWS) });
    const r = await runConnectorOnce(urlhaus, { env: env({ URLHAUS_IMPORT_FROM_DATE: '2025-05-06' }) });
    expect(ofType(r.objects, 'indicator')).toHaveLength(3);
  });

  it('sends URLHAUS_API_KEY as the Auth-Key header, never in the logs, and no such header without it', async () => {
    server.route('GET', PATH, { body: dumpText(ROWS) });
    const keyed = await runConnectorOnce(urlhaus, { env: env({ URLHAUS_API_KEY: 'k3y-s3cr3t-value' }) });
    expect(keyed.exitCode).toBe(0);
    expect(server.requestsTo(PATH)[0]?.headers['auth-key']).toBe('k3y-s3cr3t-value');
    expect(keyed.logText).not.toContain('k3y-s3cr3t-value');
    await runConnectorOnce(urlhaus, { env: env() });
    expect(server.requestsTo(PATH)[1]?.headers['auth-key']).toBeUndefined();
  });

  it('ends with one error line and exit 1 when abuse.ch refuses the key, the key not shown', async () => {
    server.route('GET', PATH, { status: 401, body: 'unknown_auth_key' });
    const r = await runConnectorOnce(urlhaus, { env: env({ URLHAUS_API_KEY: 'k3y-s3cr3t-value' }) });
    expect(r.exitCode).toBe(1);
    expect(r.state).toBeNull();
    const errors = r.logs.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(String(errors[0]!.msg)).toContain(server.url(PATH));
    expect(r.logText).not.toContain('k3y-s3cr3t-value');
  });

  it('skips a single malformed entry with a warning naming the URL and the line, and imports the rest', async () => {
    const text = dumpText(ROWS, { extraLines: ['"1000","not a date","http://bad.example/","online","","malware_download","None","https://urlhaus.abuse.ch/url/1000/","x"'] });
    server.route('GET', PATH, { body: text });
    const r = await runConnectorOnce(urlhaus, { env: env() });
    expect(r.exitCode).toBe(0);
    expect(ofType(r.objects, 'indicator')).toHaveLength(5);
    const warning = r.logs.find((l) => l.level === 'warn' && String(l.msg).startsWith('entry skipped'));
    expect(warning).toMatchObject({ url: server.url(PATH), line: 14, msg: 'entry skipped: line 14: entry 1000: dateadded "not a date" is not a date' });
  });

  it('refuses a dump where many entries are unreadable, naming the URL and the first bad line, and moves no cursor', async () => {
    const broken = ['"7","2025-01-01 00:00:00","http://x.example/"', '"8","2025-01-01 00:00:00"'];
    server.route('GET', PATH, { body: dumpText(ROWS.slice(0, 2), { extraLines: broken }) });
    const r = await runConnectorOnce(urlhaus, { env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.files).toEqual([]);
    expect(r.state).toBeNull();
    const error = r.logs.find((l) => l.level === 'error');
    expect(String(error?.msg)).toContain(`${server.url(PATH)} line 11: expected 9 fields`);
  });

  it('refuses a dump whose closing END count disagrees with its lines (a cut download)', async () => {
    server.route('GET', PATH, { body: dumpText(ROWS, { extraLines: ['# END 3000 entries'] }) });
    const r = await runConnectorOnce(urlhaus, { env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.state).toBeNull();
    expect(String(r.logs.find((l) => l.level === 'error')?.msg)).toContain(`${server.url(PATH)}: the dump ends with "END 3000 entries" but holds 5 entry line(s)`);
  });

  it('sends nothing and keeps the state when the connection drops mid-dump (every attempt cut)', async () => {
    server.route('GET', PATH, { body: dumpText(ROWS), cutAfterBytes: 700 });
    const r = await runConnectorOnce(urlhaus, { env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.files).toEqual([]);
    expect(r.state).toBeNull();
    expect(server.requestsTo(PATH).length).toBeGreaterThan(1);
  });

  it('refuses an HTML page in place of the dump with one line', async () => {
    server.route('GET', PATH, { body: '<!DOCTYPE html>\n<html><body>Login required</body></html>\n', headers: { 'content-type': 'text/html' } });
    const r = await runConnectorOnce(urlhaus, { env: env() });
    expect(r.exitCode).toBe(1);
    expect(String(r.logs.find((l) => l.level === 'error')?.msg)).toContain(`${server.url(PATH)}: not a URLhaus CSV dump: line 1: expected the header`);
  });

  it('check fetches the dump once and says what it holds', async () => {
    server.route('GET', PATH, { body: dumpText(ROWS) });
    const lines = await urlhaus.check!({
      config: { url: server.url(PATH), tlp: 'TLP:CLEAR', api_key: undefined, import_from_date: undefined },
      settings: {} as CommonSettings,
      log: createLogger({ level: 'error', destination: { write: () => undefined } }),
      http: createHttpClient({ retries: 0 }),
      signal: new AbortController().signal,
    });
    expect(lines).toEqual([{ target: server.url(PATH), ok: true, detail: '5 entries, newest added 2025-05-06T09:30:00.000Z, dump updated 2025-05-06 10:00:00 (UTC)' }]);
    expect(server.requestsTo(PATH)).toHaveLength(1);
  });
});
