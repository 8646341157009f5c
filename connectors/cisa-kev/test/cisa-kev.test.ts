import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { createHttpClient, stix, type CommonSettings, type StixObject } from '../../../core';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import cisaKev from '../connector';

/** Newest first like the real feed, `\/` escapes and `\u2019` in the text, two entries per day on two days. */
const CATALOG = readFileSync(join(__dirname, 'fixtures', 'catalog.json'), 'utf8');

interface RawEntry extends Record<string, unknown> {
  cveID: string;
  dateAdded: string;
}

function catalogWith(edit: (entries: RawEntry[]) => RawEntry[]): string {
  const doc = JSON.parse(CATALOG) as { vulnerabilities: RawEntry[] };
  return JSON.stringify({ ...doc, vulnerabilities: edit(doc.vulnerabilities) });
}

const vulnerabilities = (objects: StixObject[]) => objects.filter((o) => o.type === 'vulnerability');
const names = (objects: StixObject[]) => vulnerabilities(objects).map((o) => o.name);

let server: SourceServer;
beforeEach(async () => {
  server = await startSourceServer();
});
afterEach(async () => {
  await server.close();
});

const env = (extra: Record<string, string> = {}) => ({ CISA_KEV_URL: server.url('/kev.json'), ...extra });

describe('cisa-kev connector', () => {
  it('imports every entry as a vulnerability named by its CVE id, oldest day first, authored by CISA', async () => {
    server.route('GET', '/kev.json', { body: CATALOG, headers: { 'content-type': 'application/json' } });
    const r = await runConnectorOnce(cisaKev, { env: env() });
    expect(r.exitCode).toBe(0);
    expect(names(r.objects)).toEqual(['CVE-2021-26855', 'CVE-2021-27065', 'CVE-2021-44228', 'CVE-2023-0042', 'CVE-2024-10001']);

    const author = r.objects.find((o) => o.type === 'identity');
    expect(author).toMatchObject({ id: stix.identityId('CISA', 'organization'), name: 'CISA', identity_class: 'organization' });
    expect(r.objects.find((o) => o.type === 'marking-definition')).toMatchObject({ id: stix.tlpMarkingId('TLP:CLEAR'), name: 'TLP:CLEAR' });

    const gateway = vulnerabilities(r.objects).find((o) => o.name === 'CVE-2024-10001')!;
    expect(gateway).toMatchObject({
      id: stix.vulnerabilityId('CVE-2024-10001'),
      created: '2024-03-12T00:00:00.000Z',
      created_by_ref: author!.id,
      object_marking_refs: [stix.tlpMarkingId('TLP:CLEAR')],
      labels: ['cisa-kev', 'known-ransomware-campaign-use'],
      x_opencti_cisa_kev: true,
      x_cisa_kev_vendor_project: 'Example Corp',
      x_cisa_kev_product: 'Gateway',
      x_cisa_kev_date_added: '2024-03-12',
      x_cisa_kev_due_date: '2024-04-02',
      x_cisa_kev_known_ransomware_campaign_use: 'Known',
      x_cisa_kev_cwes: ['CWE-22'],
    });
    expect(gateway.external_references).toContainEqual({ source_name: 'cve', external_id: 'CVE-2024-10001', url: 'https://nvd.nist.gov/vuln/detail/CVE-2024-10001' });
    expect(gateway.description).toContain('appliance\u2019s configuration');
    expect(gateway.description).toContain('Due date: 2024-04-02');
    expect(gateway.description).toContain('Notes: https://vendor.example/advisories/EX-2024-01');

    const unknown = vulnerabilities(r.objects).find((o) => o.name === 'CVE-2023-0042')!;
    expect(unknown.labels).toEqual(['cisa-kev']);
    expect(unknown.x_cisa_kev_product).toBe('Mail "Pro" Server');
    expect(unknown).not.toHaveProperty('x_cisa_kev_cwes');
    expect(r.state).toEqual({ date: '2024-03-12T00:00:00.000Z', ids_at_date: ['CVE-2023-0042', 'CVE-2024-10001'] });
  });

  it('sends nothing on an unchanged catalog, and an entry added later on the cursor day exactly once', async () => {
    server.route('GET', '/kev.json', { body: CATALOG });
    const first = await runConnectorOnce(cisaKev, { env: env() });
    const again = await runConnectorOnce(cisaKev, { env: env(), outDir: first.outDir, statePath: first.statePath });
    expect(again.exitCode).toBe(0);
    expect(again.files).toHaveLength(first.files.length);

    const late: RawEntry = { ...JSON.parse(CATALOG).vulnerabilities[1], cveID: 'CVE-2024-20002' };
    server.route('GET', '/kev.json', { body: catalogWith((entries) => [late, ...entries]) });
    const third = await runConnectorOnce(cisaKev, { env: env(), outDir: first.outDir, statePath: first.statePath });
    expect(third.files).toHaveLength(first.files.length + 1);
    const newest = third.files[third.files.length - 1]!.bundle as { objects: StixObject[] };
    expect(names(newest.objects)).toEqual(['CVE-2024-20002']);
    expect(third.state).toEqual({ date: '2024-03-12T00:00:00.000Z', ids_at_date: ['CVE-2023-0042', 'CVE-2024-10001', 'CVE-2024-20002'] });

    const fourth = await runConnectorOnce(cisaKev, { env: env(), outDir: first.outDir, statePath: first.statePath });
    expect(fourth.files).toHaveLength(third.files.length);
  });

  it('honours the import-from date (that day included) and the TLP', async () => {
    server.route('GET', '/kev.json', { body: CATALOG });
    const r = await runConnectorOnce(cisaKev, { env: env({ CISA_KEV_IMPORT_FROM_DATE: '2021-12-10', CISA_KEV_TLP: 'TLP:GREEN' }) });
    expect(names(r.objects)).toEqual(['CVE-2021-44228', 'CVE-2023-0042', 'CVE-2024-10001']);
    expect(vulnerabilities(r.objects).every((o) => JSON.stringify(o.object_marking_refs) === JSON.stringify([stix.tlpMarkingId('TLP:GREEN')]))).toBe(true);
  });

  it('delivers a large catalog in batches of 500, each with its checkpoint', async () => {
    const many = Array.from({ length: 1203 }, (_, i) => ({
      ...JSON.parse(CATALOG).vulnerabilities[0],
      cveID: `CVE-2022-${String(10000 + i)}`,
      dateAdded: `2022-${String(1 + (i % 12)).padStart(2, '0')}-15`,
    }));
    server.route('GET', '/kev.json', { body: catalogWith(() => many) });
    const r = await runConnectorOnce(cisaKev, { env: env() });
    expect(r.exitCode).toBe(0);
    expect(r.files.map((f) => vulnerabilities((f.bundle as { objects: StixObject[] }).objects).length)).toEqual([500, 500, 203]);
    expect(new Set(names(r.objects)).size).toBe(1203);
    expect((r.state as { date: string }).date).toBe('2022-12-15T00:00:00.000Z');
  });

  it('skips a malformed entry with a warning naming it, and imports the rest', async () => {
    server.route('GET', '/kev.json', {
      body: catalogWith((entries) => [{ ...entries[0]!, cveID: 'CVE-2024-3', dateAdded: '2024-03-12' }, { ...entries[1]!, dateAdded: '12/03/2024' }, ...entries.slice(2)]),
    });
    const r = await runConnectorOnce(cisaKev, { env: env() });
    expect(r.exitCode).toBe(0);
    expect(names(r.objects)).toEqual(['CVE-2021-26855', 'CVE-2021-27065', 'CVE-2021-44228']);
    const warnings = r.logs.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warnings).toContain(`malformed entry skipped: ${server.url('/kev.json')} vulnerabilities[0] (CVE-2024-3): cveID "CVE-2024-3" is not a CVE id`);
    expect(warnings).toContain(`malformed entry skipped: ${server.url('/kev.json')} vulnerabilities[1] (CVE-2023-0042): dateAdded "12/03/2024" is not a YYYY-MM-DD date`);
  });

  it('fails with one line naming the URL when the document is not a catalog, and leaves the state alone', async () => {
    server.route('GET', '/kev.json', { body: '{"title": "maintenance", "vulnerabilities": null}' });
    const r = await runConnectorOnce(cisaKev, { env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.state).toBeNull();
    expect(r.files).toEqual([]);
    expect(r.logs.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([
      `run failed: ${server.url('/kev.json')}: not a KEV catalog (no "vulnerabilities" list); state left at the last confirmed batch`,
    ]);
  });

  it('fails on a truncated download without moving the cursor', async () => {
    server.route('GET', '/kev.json', { body: CATALOG.slice(0, 2000) });
    const r = await runConnectorOnce(cisaKev, { env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.state).toBeNull();
    expect(r.logs.find((l) => l.level === 'error')?.msg).toContain(server.url('/kev.json'));
  });

  it('retries a 503 with Retry-After, then imports', async () => {
    server.route('GET', '/kev.json', [{ status: 503, headers: { 'retry-after': '0' } }, { body: CATALOG }]);
    const r = await runConnectorOnce(cisaKev, { env: env() });
    expect(r.exitCode).toBe(0);
    expect(server.requestsTo('/kev.json')).toHaveLength(2);
    expect(names(r.objects)).toHaveLength(5);
  });

  it('defaults to the official feed URL', () => {
    expect(cisaKev.config.url.meta.defaultValue).toBe('https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json');
  });

  it('check says the catalog version, release date and entry count', async () => {
    server.route('GET', '/kev.json', { body: CATALOG });
    const config = { url: server.url('/kev.json'), tlp: 'TLP:CLEAR' as const, import_from_date: undefined };
    const lines = await cisaKev.check!({ config, settings: {} as CommonSettings, log: pino({ level: 'silent' }), http: createHttpClient({ retries: 0 }), signal: new AbortController().signal });
    expect(lines).toEqual([{ target: server.url('/kev.json'), ok: true, detail: 'catalog 2024.03.12 released 2024-03-12T15:01:02.1234Z: 5 entries' }]);
  });
});
