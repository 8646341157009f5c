import { stix, type StixObject } from '../../../core';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import nvdCve from '../connector';
import { FIXTURE_ITEMS, PATH, serveFakeNvd } from './fake-nvd';

const NOW = new Date('2023-03-14T12:00:00.000Z');
const KEY = 'k3y-0f-the-t3st-7c1e';

const vulnerabilities = (objects: StixObject[]) => objects.filter((o) => o.type === 'vulnerability');
const names = (objects: StixObject[]) => vulnerabilities(objects).map((o) => String(o.name));
const ALL = FIXTURE_ITEMS.map((i) => i.cve.id);

let server: SourceServer;
beforeEach(async () => {
  server = await startSourceServer();
});
afterEach(async () => {
  await server.close();
});

const env = (extra: Record<string, string> = {}) => ({ NVD_CVE_URL: server.url(PATH), NVD_CVE_REQUEST_INTERVAL: 'PT0S', ...extra });
const zoneLess = (iso: string) => iso.replace(/Z$/, '');

describe('nvd-cve connector', () => {
  it('walks lastModified windows of at most 120 days up to the run start, page by page, sending the API key as a header', async () => {
    serveFakeNvd(server);
    const r = await runConnectorOnce(nvdCve, { env: env({ NVD_CVE_IMPORT_FROM_DATE: '2021-01-01', NVD_CVE_API_KEY: KEY }), now: () => NOW });
    expect(r.exitCode).toBe(0);
    expect(names(r.objects).sort()).toEqual([...ALL].sort());

    const requests = server.requestsTo(PATH);
    expect(requests.every((q) => q.headers['apikey'] === KEY && q.query.resultsPerPage === '2000')).toBe(true);
    const windows = [...new Map(requests.map((q) => [q.query.lastModStartDate, q.query.lastModEndDate])).entries()];
    expect(windows[0]![0]).toBe('2021-01-01T00:00:00.000');
    expect(windows[windows.length - 1]![1]).toBe(zoneLess(NOW.toISOString()));
    for (const [i, [start, end]] of windows.entries()) {
      expect(Date.parse(`${end}Z`) - Date.parse(`${start}Z`)).toBeLessThanOrEqual(120 * 86400_000);
      if (i > 0) expect(start).toBe(windows[i - 1]![1]);
    }
    expect(r.state).toEqual({ done_until: NOW.toISOString(), walk: null });
    expect(r.logText).not.toContain(KEY);
  });

  it('maps a CVE: English description, NVD CVSS v3.1 and v2 under OpenCTI names, references, KEV flag, zone-less dates as UTC', async () => {
    serveFakeNvd(server);
    const r = await runConnectorOnce(nvdCve, { env: env(), now: () => NOW });
    const author = r.objects.find((o) => o.type === 'identity');
    expect(author).toMatchObject({ id: stix.identityId('NIST NVD', 'organization'), name: 'NIST NVD' });
    const proxyLogon = vulnerabilities(r.objects).find((o) => o.name === 'CVE-2021-26855')!;
    expect(proxyLogon).toMatchObject({
      id: stix.vulnerabilityId('CVE-2021-26855'),
      created: '2021-03-03T00:15:12.103Z',
      modified: '2021-03-10T17:42:04.277Z',
      description: 'Microsoft Exchange Server Remote Code Execution Vulnerability.',
      created_by_ref: author!.id,
      object_marking_refs: [stix.tlpMarkingId('TLP:CLEAR')],
      labels: ['CWE-918'],
      x_opencti_cvss_base_score: 9.8,
      x_opencti_cvss_base_severity: 'CRITICAL',
      x_opencti_cvss_vector_string: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      x_opencti_cvss_attack_vector: 'NETWORK',
      x_opencti_cvss_v2_base_score: 7.5,
      x_opencti_cvss_v2_vector_string: 'AV:N/AC:L/Au:N/C:P/I:P/A:P',
      x_opencti_cisa_kev: true,
    });
    expect(proxyLogon.external_references).toEqual([
      { source_name: 'cve', external_id: 'CVE-2021-26855', url: 'https://nvd.nist.gov/vuln/detail/CVE-2021-26855' },
      { source_name: 'secure@microsoft.com', url: 'http://packetstormsecurity.com/files/161846/Microsoft-Exchange-2019-SSRF-Arbitrary-File-Write.html', description: 'Exploit, Third Party Advisory, VDB Entry' },
      { source_name: 'secure@microsoft.com', url: 'https://portal.msrc.microsoft.com/en-US/security-guidance/advisory/CVE-2021-26855', description: 'Patch, Vendor Advisory' },
    ]);
    const byName = (n: string) => vulnerabilities(r.objects).find((o) => o.name === n)!;
    expect(byName('CVE-2021-25992')).toMatchObject({ labels: ['CWE-613'], x_opencti_cvss_base_score: 9.8 });
    expect(byName('CVE-2021-25992')).not.toHaveProperty('x_opencti_cisa_kev');
    expect(byName('CVE-2022-0001')).toMatchObject({ x_opencti_cvss_base_score: 5.5, x_opencti_cvss_base_severity: 'MEDIUM', x_opencti_cvss_attack_vector: 'LOCAL' });
    expect(byName('CVE-2023-1234')).toMatchObject({ revoked: true, x_nvd_vuln_status: 'Rejected' });
    expect(byName('CVE-2023-22515')).toMatchObject({ x_opencti_cvss_v4_base_score: 10, x_opencti_cvss_v4_base_severity: 'CRITICAL', x_opencti_cvss_base_score: 10 });
    expect(byName('CVE-2023-22515').external_references).toHaveLength(2);
    for (const v of vulnerabilities(r.objects)) expect(stix.validateObject(v)).toEqual([]);
  });

  it('reads the whole catalogue without a date filter on a first run with no import date, then only changes since', async () => {
    serveFakeNvd(server);
    const first = await runConnectorOnce(nvdCve, { env: env(), now: () => NOW });
    expect(first.exitCode).toBe(0);
    const requests = server.requestsTo(PATH);
    expect(requests.map((q) => [q.query.startIndex, q.query.lastModStartDate])).toEqual([['0', undefined], ['2', undefined], ['4', undefined]]);
    expect(first.files.map((f) => names((f.bundle as { objects: StixObject[] }).objects))).toEqual([ALL.slice(0, 2), ALL.slice(2, 4), ALL.slice(4)]);
    expect(first.state).toEqual({ done_until: NOW.toISOString(), walk: null });

    const later = new Date('2023-03-15T12:00:00.000Z');
    const again = await runConnectorOnce(nvdCve, { env: env(), now: () => later, outDir: first.outDir, statePath: first.statePath });
    expect(again.exitCode).toBe(0);
    expect(again.files).toHaveLength(first.files.length);
    expect(server.requestsTo(PATH).slice(3).map((q) => [q.query.lastModStartDate, q.query.lastModEndDate])).toEqual([[zoneLess(NOW.toISOString()), zoneLess(later.toISOString())]]);
    expect(again.state).toEqual({ done_until: later.toISOString(), walk: null });
  });

  it('resumes at the exact startIndex and window after a failed page, losing and repeating nothing', async () => {
    let failOnce = true;
    serveFakeNvd(server, {
      pageSize: 1,
      intercept: (req, res) => {
        if (req.query.startIndex !== '1' || !failOnce) return false;
        failOnce = false;
        res.writeHead(404, { message: 'Invalid parameter' }).end();
        return true;
      },
    });
    const envFrom = env({ NVD_CVE_IMPORT_FROM_DATE: '2022-12-01' });
    const first = await runConnectorOnce(nvdCve, { env: envFrom, now: () => NOW });
    expect(first.exitCode).toBe(1);
    expect(first.logs.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([
      `run failed: ${server.url(PATH)} startIndex=1 lastMod 2022-12-01T00:00:00.000..2023-03-14T12:00:00.000: 404 Invalid parameter; state left at the last confirmed batch`,
    ]);
    expect(first.state).toEqual({ done_until: '', walk: { until: NOW.toISOString(), window_start: '2022-12-01T00:00:00.000Z', start_index: 1, total_results: 2 } });
    expect(names(first.objects)).toEqual(['CVE-2023-1234']);

    const second = await runConnectorOnce(nvdCve, { env: envFrom, now: () => new Date('2023-03-20T00:00:00.000Z'), outDir: first.outDir, statePath: first.statePath });
    expect(second.exitCode).toBe(0);
    const resumed = server.requestsTo(PATH).slice(2)[0]!;
    expect(resumed.query).toMatchObject({ startIndex: '1', lastModStartDate: '2022-12-01T00:00:00.000', lastModEndDate: '2023-03-14T12:00:00.000' });
    const delivered = second.files.slice(first.files.length).flatMap((f) => names((f.bundle as { objects: StixObject[] }).objects));
    expect(delivered).toEqual(['CVE-2023-22515']);
    // the walk ends where it was planned; the next run takes it from there
    expect(second.state).toEqual({ done_until: NOW.toISOString(), walk: null });
  });

  it('reads a window again when its result set shrinks between pages (records modified again moved out)', async () => {
    let served = 0;
    serveFakeNvd(server, {
      intercept: (req, res) => {
        served++;
        if (served !== 2) return false;
        const page = { resultsPerPage: 1, startIndex: 2, totalResults: 4, timestamp: '2023-03-14T17:08:31.140', vulnerabilities: [FIXTURE_ITEMS[3]] };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page));
        return true;
      },
    });
    const r = await runConnectorOnce(nvdCve, { env: env(), now: () => NOW });
    expect(r.exitCode).toBe(0);
    expect(r.logs.some((l) => l.level === 'warn' && String(l.msg).includes('shrank'))).toBe(true);
    expect(server.requestsTo(PATH).map((q) => q.query.startIndex)).toEqual(['0', '2', '0', '2', '4']);
    expect(new Set(names(r.objects))).toEqual(new Set(ALL));
  });

  it('treats NVD throttling (403) as a wait, not a refused key, and honours Retry-After on 503', async () => {
    let answers = 0;
    serveFakeNvd(server, {
      intercept: (_req, res) => {
        answers++;
        if (answers === 1) res.writeHead(403, { 'retry-after': '0' }).end();
        else if (answers === 2) res.writeHead(503, { 'retry-after': '0' }).end();
        else return false;
        return true;
      },
    });
    const r = await runConnectorOnce(nvdCve, { env: env({ NVD_CVE_API_KEY: KEY }), now: () => NOW });
    expect(r.exitCode).toBe(0);
    expect(names(r.objects)).toHaveLength(ALL.length);
    expect(r.logs.filter((l) => l.level === 'warn').map((l) => l.msg)).toContainEqual(expect.stringContaining('NVD throttled the request (403)'));
  });

  it('ends with one line and exit 1 when NVD refuses the API key, never printing it', async () => {
    serveFakeNvd(server, {
      intercept: (_req, res) => {
        res.writeHead(404, { message: 'Invalid apiKey.' }).end();
        return true;
      },
    });
    const r = await runConnectorOnce(nvdCve, { env: env({ NVD_CVE_API_KEY: KEY }), now: () => NOW });
    expect(r.exitCode).toBe(1);
    expect(server.requestsTo(PATH)).toHaveLength(1);
    const errors = r.logs.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toContain('NVD refused the API key (NVD_CVE_API_KEY): Invalid apiKey.');
    expect(r.logText).not.toContain(KEY);
    expect(r.state).toBeNull();
  });

  it('skips a record without a CVE id with a warning naming it, and imports the rest of the page', async () => {
    serveFakeNvd(server, { items: [FIXTURE_ITEMS[0], { cve: { sourceIdentifier: 'x' } }, FIXTURE_ITEMS[1]] });
    const r = await runConnectorOnce(nvdCve, { env: env(), now: () => NOW });
    expect(r.exitCode).toBe(0);
    expect(names(r.objects)).toEqual(['CVE-2021-26855', 'CVE-2021-25992']);
    expect(r.logs.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([`malformed record skipped: ${server.url(PATH)} startIndex=0 vulnerabilities[1] (record 1): no CVE id`]);
  });

  it('fails with one line naming the URL when the answer is not a CVE API answer', async () => {
    server.route('GET', PATH, { body: '<html>maintenance</html>' });
    const r = await runConnectorOnce(nvdCve, { env: env(), now: () => NOW });
    expect(r.exitCode).toBe(1);
    expect(r.state).toBeNull();
    expect(r.logs.filter((l) => l.level === 'error')[0]!.msg).toContain(server.url(PATH));
  });

  it('paces requests: 6 s apart without a key by default', () => {
    expect(nvdCve.config.request_interval.meta.hasDefault).toBe(false);
    expect(nvdCve.config.url.meta.defaultValue).toBe('https://services.nvd.nist.gov/rest/json/cves/2.0');
    expect(nvdCve.config.api_key.meta.secret).toBe(true);
  });
});
