import { createTlsFixtures, type TlsFixtures } from '../../../core/testing/tls-fixtures';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import taxii from '../connector';
import { countIds, indicators21 } from './fixtures';
import { startTaxiiServer, type TaxiiServer, type TaxiiServerOptions } from './taxii-server';

const COLLECTION = 'b1f7e5a2-0d4c-4a8e-9c61-5c0f4a2d7e10';
const PASSWORD = 'pw-9f3b1c77d2';
const TOKEN = 'tok-4e8a0b2f6c1d9e3a';

let server: TaxiiServer | undefined;
let tls: TlsFixtures | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await tls?.cleanup();
});

async function serve(options: Partial<TaxiiServerOptions>): Promise<TaxiiServer> {
  server = await startTaxiiServer({ version: '2.1', pageCap: 50, collections: [{ id: COLLECTION, title: 'Auth', objects: indicators21(120) }], ...options });
  return server;
}

function env(s: TaxiiServer, extra: Record<string, string>): Record<string, string> {
  return { TAXII_SERVER_URL: s.apiRootUrl, TAXII_COLLECTION: COLLECTION, ...extra };
}

function expectOneErrorLine(logs: Record<string, unknown>[], text: string): void {
  const errors = logs.filter((l) => l.level === 'error');
  expect(errors).toHaveLength(1);
  expect(String(errors[0]!.msg)).toContain(text);
  expect(errors[0]!.err).toBeUndefined();
}

describe('taxii connector authentication', () => {
  it('sends basic credentials on every page', async () => {
    const s = await serve({ auth: { basic: { username: 'analyst', password: PASSWORD } } });
    const r = await runConnectorOnce(taxii, { env: env(s, { TAXII_AUTH_TYPE: 'basic', TAXII_USERNAME: 'analyst', TAXII_PASSWORD: PASSWORD }) });
    expect(r.exitCode).toBe(0);
    expect(countIds(r.objects).size).toBe(120);
    expect(s.objectsRequests(COLLECTION)).toHaveLength(3);
  });

  it('ends with one line and exit 1 on a refused password, which appears nowhere in the logs', async () => {
    const s = await serve({ auth: { basic: { username: 'analyst', password: PASSWORD } } });
    const r = await runConnectorOnce(taxii, { env: env(s, { TAXII_AUTH_TYPE: 'basic', TAXII_USERNAME: 'analyst', TAXII_PASSWORD: 'wrong-secret-77' }) });
    expect(r.exitCode).toBe(1);
    expectOneErrorLine(r.logs, 'HTTP 401');
    expect(s.objectsRequests(COLLECTION)).toHaveLength(1);
    expect(r.logText).not.toContain('wrong-secret-77');
    expect(r.state).toBeNull();
  });

  it('sends a bearer token, and never logs it when refused', async () => {
    const s = await serve({ auth: { bearer: TOKEN } });
    const ok = await runConnectorOnce(taxii, { env: env(s, { TAXII_AUTH_TYPE: 'bearer', TAXII_TOKEN: TOKEN }) });
    expect(ok.exitCode).toBe(0);
    expect(countIds(ok.objects).size).toBe(120);
    expect(s.objectsRequests(COLLECTION)[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const refused = await runConnectorOnce(taxii, { env: env(s, { TAXII_AUTH_TYPE: 'bearer', TAXII_TOKEN: 'tok-stale-0001' }) });
    expect(refused.exitCode).toBe(1);
    expectOneErrorLine(refused.logs, 'HTTP 401');
    expect(refused.logText).not.toContain('tok-stale-0001');
  });

  it('refuses a missing credential for the auth type with exit 2 before any request', async () => {
    const s = await serve({});
    const r = await runConnectorOnce(taxii, { env: env(s, { TAXII_AUTH_TYPE: 'certificate', TAXII_CERT_PATH: '/nowhere/client.pem' }) });
    expect(r.exitCode).toBe(2);
    expectOneErrorLine(r.logs, 'TAXII_KEY_PATH (taxii.key_path): required when TAXII_AUTH_TYPE is certificate');
    expect(s.source.requests).toHaveLength(0);
  });

  describe('over HTTPS', () => {
    beforeAll(async () => {
      tls = await createTlsFixtures();
    });

    it('authenticates with a client certificate signed by the server CA', async () => {
      const t = tls!;
      const s = await serve({ tls: { cert: t.serverCert, key: t.serverKey, ca: t.ca, requestClientCert: true } });
      const r = await runConnectorOnce(taxii, {
        env: env(s, { TAXII_AUTH_TYPE: 'certificate', TAXII_CERT_PATH: t.clientCertPath, TAXII_KEY_PATH: t.clientKeyPath, TAXII_CA_PATH: t.caPath }),
      });
      expect(r.exitCode).toBe(0);
      expect(countIds(r.objects).size).toBe(120);
      expect(s.objectsRequests(COLLECTION).every((q) => q.clientCertCN === 'client')).toBe(true);
    });

    it('fails with one line when the server refuses the client certificate', async () => {
      const t = tls!;
      const s = await serve({ tls: { cert: t.serverCert, key: t.serverKey, ca: t.ca, requestClientCert: true } });
      // under TLS 1.3 the refusal arrives as a reset, which the HTTP client retries: keep those retries short here
      const quick = { ...taxii, http: (c: Parameters<NonNullable<typeof taxii.http>>[0]) => ({ ...taxii.http!(c), baseDelayMs: 5 }) };
      const r = await runConnectorOnce(quick, {
        env: env(s, { TAXII_AUTH_TYPE: 'certificate', TAXII_CERT_PATH: t.strangerCertPath, TAXII_KEY_PATH: t.strangerKeyPath, TAXII_CA_PATH: t.caPath }),
      });
      expect(r.exitCode).toBe(1);
      expect(r.logs.filter((l) => l.level === 'error')).toHaveLength(1);
      expect(r.objects).toEqual([]);
    });

    it('refuses an unknown server certificate unless TAXII_SSL_VERIFY=false', async () => {
      const t = tls!;
      const s = await serve({ tls: { cert: t.serverCert, key: t.serverKey } });
      const strict = await runConnectorOnce(taxii, { env: env(s, {}) });
      expect(strict.exitCode).toBe(1);
      expectOneErrorLine(strict.logs, 'server certificate not trusted');
      const lax = await runConnectorOnce(taxii, { env: env(s, { TAXII_SSL_VERIFY: 'false' }) });
      expect(lax.exitCode).toBe(0);
      expect(countIds(lax.objects).size).toBe(120);
    });
  });
});
