import pino from 'pino';
import { createHttpClient, type CheckLine, type CommonSettings } from '../../../core';
import taxii from '../connector';
import type { TaxiiConfig } from '../config';
import { taxiiConfig } from './fixtures';
import { startTaxiiServer, type TaxiiServer, type TaxiiServerOptions } from './taxii-server';

const ENTERPRISE = 'x-mitre-collection--1f5f1533-f617-4ca8-9ab4-6a02367fa019';
const ICS = 'x-mitre-collection--90c00720-636b-4485-b342-8751d232bf09';

let server: TaxiiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const configFor = taxiiConfig;

async function check(config: TaxiiConfig): Promise<CheckLine[]> {
  const http = createHttpClient({ ...taxii.http!(config), retries: 0 });
  return taxii.check!({ config, settings: {} as CommonSettings, log: pino({ level: 'silent' }), http, signal: new AbortController().signal });
}

async function mitreLike(options: Partial<TaxiiServerOptions> = {}): Promise<TaxiiServer> {
  server = await startTaxiiServer({
    version: '2.1',
    apiRootPath: '/api/v21/',
    camelCase: true,
    relativeApiRoots: true,
    collections: [
      { id: ENTERPRISE, title: 'Enterprise ATT&CK' },
      { id: ICS, title: 'ICS ATT&CK', canRead: false },
    ],
    ...options,
  });
  return server;
}

describe('check taxii', () => {
  it("lists the collections the credentials see (MITRE's camelCase spelling) and confirms the configured one", async () => {
    const s = await mitreLike();
    const lines = await check(configFor(s.apiRootUrl, ENTERPRISE));
    expect(lines).toEqual([
      { target: `API root ${s.apiRootUrl}`, ok: true, detail: '"test API root", versions: application/taxii+json;version=2.1' },
      {
        target: 'discovery',
        ok: true,
        detail: `"octi-connectors test TAXII server" at ${s.discoveryUrl}: 2 API root(s) (${s.apiRootUrl}, ${s.source.url('/other-root/')}); the configured API root is listed`,
      },
      { target: `collection ${ENTERPRISE}`, ok: true, detail: '"Enterprise ATT&CK" can_read=true can_write=false' },
      { target: `collection ${ICS}`, ok: true, detail: '"ICS ATT&CK" can_read=false can_write=false' },
      { target: `configured collection ${ENTERPRISE}`, ok: true, detail: '"Enterprise ATT&CK" is readable' },
    ]);
  });

  it('fails on a collection the credentials cannot read, and on one that does not exist', async () => {
    const s = await mitreLike();
    const unreadable = (await check(configFor(s.apiRootUrl, ICS))).at(-1);
    expect(unreadable).toEqual({ target: `configured collection ${ICS}`, ok: false, detail: '"ICS ATT&CK" exists but can_read is false for these credentials' });
    const missing = (await check(configFor(s.apiRootUrl, 'nope'))).at(-1);
    expect(missing).toEqual({ target: 'configured collection nope', ok: false, detail: `not found; the collections these credentials see: ${ENTERPRISE}, ${ICS}` });
  });

  it('says so when the configured URL is the discovery document rather than an API root', async () => {
    const s = await mitreLike();
    const [root] = await check(configFor(s.discoveryUrl, ENTERPRISE));
    expect(root).toEqual({
      target: `API root ${s.discoveryUrl}`,
      ok: false,
      detail: `this is a discovery document, not an API root; set TAXII_SERVER_URL to one of: ${s.apiRootUrl}, ${s.source.url('/other-root/')}`,
    });
  });

  it('reports refused credentials on every line that needed them', async () => {
    const s = await mitreLike({ auth: { bearer: 'right-token' } });
    const lines = await check(configFor(s.apiRootUrl, ENTERPRISE, { auth_type: 'bearer', token: 'wrong-token' }));
    expect(lines[0]).toMatchObject({ ok: false, detail: expect.stringContaining('HTTP 401') });
    expect(lines.at(-1)).toMatchObject({ target: `configured collection ${ENTERPRISE}`, ok: false, detail: expect.stringContaining('HTTP 401') });
    expect(JSON.stringify(lines)).not.toContain('wrong-token');
  });

  it('speaks TAXII 2.0 to a 2.0 server', async () => {
    server = await startTaxiiServer({ version: '2.0', collections: [{ id: '91a7b528-80eb-42ed-a74d-c6fbd5a26116', title: 'High Value Indicator Collection' }] });
    const lines = await check(configFor(server.apiRootUrl, '91a7b528-80eb-42ed-a74d-c6fbd5a26116', { version: '2.0' }));
    expect(lines.every((l) => l.ok)).toBe(true);
    expect(lines[0]!.detail).toBe('"test API root", versions: taxii-2.0');
    expect(server.source.requests.every((q) => q.headers.accept === 'application/vnd.oasis.taxii+json; version=2.0')).toBe(true);
  });
});
