import pino from 'pino';
import { createHttpClient, stix, type CommonSettings } from '../../../core';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import threatfox from '../connector';
import { NO_RESULT, okAnswer, RECORDS, UNKNOWN_KEY } from './fixtures';

const KEY = 'tf-test-key-7f3a9c';
const NOW = new Date('2024-05-02T12:00:00Z');
const now = (): Date => NOW;

let server: SourceServer;
beforeEach(async () => {
  server = await startSourceServer();
});
afterEach(async () => {
  await server.close();
});

const env = (extra: Record<string, string> = {}) => ({ THREATFOX_URL: server.url('/api/v1/'), THREATFOX_API_KEY: KEY, ...extra });
const sentDays = (i: number): unknown => (JSON.parse(server.requestsTo('/api/v1/')[i]!.body.toString('utf8')) as { days: number }).days;

describe('threatfox connector', () => {
  it('imports IOCs as observables, indicators and malware, with the Auth-Key and the widest window on a first run', async () => {
    server.route('POST', '/api/v1/', { body: okAnswer(RECORDS), headers: { 'content-type': 'application/json' } });
    const r = await runConnectorOnce(threatfox, { env: env(), now });
    expect(r.exitCode).toBe(0);
    const [request] = server.requestsTo('/api/v1/');
    expect(request!.headers['auth-key']).toBe(KEY);
    expect(JSON.parse(request!.body.toString('utf8'))).toEqual({ query: 'get_iocs', days: 7 });
    expect(r.logText).not.toContain(KEY);

    const author = r.objects.find((o) => o.type === 'identity');
    expect(author).toMatchObject({ name: 'abuse.ch', identity_class: 'organization' });
    const indicators = r.objects.filter((o) => o.type === 'indicator');
    expect(indicators.map((o) => o.pattern).sort()).toEqual(
      [
        "[ipv4-addr:value = '198.51.100.23']",
        "[ipv6-addr:value = '2001:db8:1::5']",
        "[url:value = 'http://login-update.example.net/gate.php']",
        "[domain-name:value = 'bad-c2.example.com']",
        "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
        "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
      ].sort(),
    );
    const c2 = indicators.find((o) => o.pattern === "[ipv4-addr:value = '198.51.100.23']")!;
    expect(c2).toMatchObject({
      id: stix.indicatorId("[ipv4-addr:value = '198.51.100.23']"),
      name: '198.51.100.23:8080',
      confidence: 75,
      valid_from: '2024-05-02T09:15:00.000Z',
      labels: ['c2', 'CobaltStrike'],
      created_by_ref: author!.id,
      object_marking_refs: [stix.tlpMarkingId('TLP:CLEAR')],
    });
    expect(String(c2.description)).toContain('port 8080');
    expect(c2.external_references).toEqual([
      { source_name: 'ThreatFox', external_id: '900006', url: 'https://threatfox.abuse.ch/ioc/900006/' },
      { source_name: 'ThreatFox reference', url: 'https://example.org/report/cs' },
    ]);

    const cobalt = r.objects.find((o) => o.type === 'malware' && o.name === 'Cobalt Strike');
    expect(cobalt).toMatchObject({ id: stix.malwareId('Cobalt Strike'), aliases: ['Agentemis', 'BEACON', 'CobaltStrike'], is_family: true });
    expect(r.objects.some((o) => o.type === 'malware' && /unknown/i.test(String(o.name)))).toBe(false);
    const rel = (type: string, source: string, target: string) => r.objects.some((o) => o.type === 'relationship' && o.relationship_type === type && o.source_ref === source && o.target_ref === target);
    expect(rel('indicates', c2.id, cobalt!.id)).toBe(true);
    const ip = r.objects.find((o) => o.type === 'ipv4-addr');
    expect(ip).toMatchObject({ value: '198.51.100.23' });
    expect(rel('based-on', c2.id, ip!.id)).toBe(true);
    expect(r.objects.find((o) => o.type === 'file' && (o.hashes as Record<string, string>)['SHA-256'])).toBeDefined();

    expect(r.files.map((f) => f.bundle_type)).toEqual(['DIRECTORY_BUNDLE']);
    expect(r.state).toMatchObject({ date: '2024-05-02T09:15:00.000Z' });
    expect(((r.state as { ids_at_date: string[] }).ids_at_date).sort()).toEqual(['900005', '900006']);
  });

  it('asks only for the days since the cursor, sends nothing twice, and a late IOC at the cursor second exactly once', async () => {
    server.route('POST', '/api/v1/', { body: okAnswer(RECORDS) });
    const first = await runConnectorOnce(threatfox, { env: env(), now });
    const again = await runConnectorOnce(threatfox, { env: env(), now, outDir: first.outDir, statePath: first.statePath });
    expect(again.exitCode).toBe(0);
    expect(again.files).toHaveLength(first.files.length);
    expect(sentDays(1)).toBe(1);

    const late = { ...RECORDS[0]!, id: '900007', ioc: '203.0.113.9:443' };
    server.route('POST', '/api/v1/', { body: okAnswer([late, ...RECORDS]) });
    const later = await runConnectorOnce(threatfox, { env: env(), now: () => new Date('2024-05-05T10:00:00Z'), outDir: first.outDir, statePath: first.statePath });
    expect(sentDays(2)).toBe(4);
    expect(later.files).toHaveLength(first.files.length + 1);
    const newest = later.files[later.files.length - 1]!.bundle as { objects: { type: string; pattern?: string }[] };
    expect(newest.objects.filter((o) => o.type === 'indicator').map((o) => o.pattern)).toEqual(["[ipv4-addr:value = '203.0.113.9']"]);
  });

  it('honours the import-from date and warns that the API serves only 7 days', async () => {
    server.route('POST', '/api/v1/', { body: okAnswer(RECORDS) });
    const r = await runConnectorOnce(threatfox, { env: env({ THREATFOX_IMPORT_FROM_DATE: '2024-05-01T20:00:00Z' }), now });
    expect(r.objects.filter((o) => o.type === 'indicator')).toHaveLength(3);
    expect(sentDays(0)).toBe(1);

    const old = await runConnectorOnce(threatfox, { env: env({ THREATFOX_IMPORT_FROM_DATE: '2024-01-01' }), now });
    expect(sentDays(1)).toBe(7);
    expect(old.logs.some((l) => l.level === 'warn' && String(l.msg).includes('only the last 7 days'))).toBe(true);
  });

  it('treats no_result as nothing new and leaves no bundle', async () => {
    server.route('POST', '/api/v1/', { body: NO_RESULT });
    const r = await runConnectorOnce(threatfox, { env: env(), now });
    expect(r.exitCode).toBe(0);
    expect(r.files).toEqual([]);
    expect(r.state).toBeNull();
  });

  it('skips a malformed record with a warning naming it, and imports the rest', async () => {
    const broken = { ...RECORDS[2]!, id: '900010', first_seen: 'yesterday' };
    server.route('POST', '/api/v1/', { body: okAnswer([broken, ...RECORDS]) });
    const r = await runConnectorOnce(threatfox, { env: env(), now });
    expect(r.exitCode).toBe(0);
    expect(r.objects.filter((o) => o.type === 'indicator')).toHaveLength(6);
    const warning = r.logs.find((l) => l.level === 'warn' && String(l.msg).startsWith('malformed ThreatFox record skipped'));
    expect(warning).toMatchObject({ record: 0, id: '900010', url: server.url('/api/v1/') });
    expect(String(warning!.msg)).toContain('"yesterday" is not a date');
  });

  it('fails with one line naming the URL when no record is readable, and keeps the state', async () => {
    server.route('POST', '/api/v1/', { body: okAnswer([{ id: '1', ioc: 'x' }]) });
    const r = await runConnectorOnce(threatfox, { env: env(), now });
    expect(r.exitCode).toBe(1);
    expect(r.state).toBeNull();
    const errors = r.logs.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(String(errors[0]!.msg)).toContain(`${server.url('/api/v1/')}: none of the 1 record(s) is readable; record 0 (id 1)`);
  });

  it('says the key was refused (query_status unknown_auth_key or HTTP 401) without printing it, exit 1', async () => {
    server.route('POST', '/api/v1/', { body: UNKNOWN_KEY });
    const r = await runConnectorOnce(threatfox, { env: env(), now });
    expect(r.exitCode).toBe(1);
    expect(r.logText).toContain('unknown_auth_key');
    expect(r.logText).toContain('THREATFOX_API_KEY');
    expect(r.logText).not.toContain(KEY);

    server.route('POST', '/api/v1/', { status: 401, body: UNKNOWN_KEY });
    const refused = await runConnectorOnce(threatfox, { env: env(), now });
    expect(refused.exitCode).toBe(1);
    expect(server.requestsTo('/api/v1/')).toHaveLength(2);
    expect(refused.logText).not.toContain(KEY);
  });

  it('refuses to start without an API key (a configuration error, exit 2), before any request', async () => {
    const r = await runConnectorOnce(threatfox, { env: { THREATFOX_URL: server.url('/api/v1/') }, now });
    expect(r.exitCode).toBe(2);
    expect(server.requestsTo('/api/v1/')).toHaveLength(0);
    expect(threatfox.config.api_key.meta).toMatchObject({ required: true, secret: true });
  });

  it('fails an unexpected query_status with a line naming it', async () => {
    server.route('POST', '/api/v1/', { body: JSON.stringify({ query_status: 'illegal_days', data: 'days must be between 1 and 7' }) });
    const r = await runConnectorOnce(threatfox, { env: env(), now });
    expect(r.exitCode).toBe(1);
    expect(r.logs.find((l) => l.level === 'error')?.msg).toBe(`run failed: ${server.url('/api/v1/')}: ThreatFox answered query_status "illegal_days": days must be between 1 and 7; state left at the last confirmed batch`);
  });

  it('check asks for one day once, with the key, and says what came back', async () => {
    server.route('POST', '/api/v1/', { body: okAnswer(RECORDS) });
    const config = { url: server.url('/api/v1/'), api_key: KEY, tlp: 'TLP:CLEAR' as const, import_from_date: undefined };
    const lines = await threatfox.check!({ config, settings: {} as CommonSettings, log: pino({ level: 'silent' }), http: createHttpClient({ retries: 0 }), signal: new AbortController().signal });
    expect(lines).toEqual([{ target: server.url('/api/v1/'), ok: true, detail: 'get_iocs (1 day): query_status ok, 6 IOC(s), newest first seen 2024-05-02T09:15:00.000Z' }]);
    expect(server.requestsTo('/api/v1/')).toHaveLength(1);
    expect(server.requestsTo('/api/v1/')[0]!.headers['auth-key']).toBe(KEY);
    expect(sentDays(0)).toBe(1);
  });
});
