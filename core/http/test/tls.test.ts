import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { ConfigError, SourceAuthError, SourceUnavailableError } from '../../errors';
import { startSourceServer, type SourceServer } from '../../testing/source-server';
import { createTlsFixtures, type TlsFixtures } from '../../testing/tls-fixtures';
import { createHttpClient } from '../client';
import { loadTlsMaterial } from '../tls';

let certs: TlsFixtures;
beforeAll(async () => {
  certs = await createTlsFixtures();
});
afterAll(() => certs.cleanup());

const quick = { baseDelayMs: 5, maxDelayMs: 20, env: {} };

describe('server certificate', () => {
  let srv: SourceServer;
  beforeAll(async () => {
    srv = await startSourceServer({ tls: { cert: certs.serverCert, key: certs.serverKey } });
    srv.route('GET', '/feed', { body: 'secure feed' });
  });
  afterAll(() => srv.close());

  it('is verified by default: a private CA is refused, once, with advice', async () => {
    const err = await createHttpClient(quick).get(srv.url('/feed')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceUnavailableError);
    expect((err as Error).message).toMatch(/^GET https:\/\/127\.0\.0\.1:\d+\/feed: server certificate not trusted \(\w+\); give its CA with caPath/);
    expect(srv.requestsTo('/feed')).toHaveLength(0);
  });

  it('is accepted when sslVerify is false', async () => {
    const res = await createHttpClient({ ...quick, sslVerify: false }).get(srv.url('/feed'));
    expect(res.text()).toBe('secure feed');
  });

  it('is trusted through caPath, without dropping the public roots', async () => {
    const client = createHttpClient({ ...quick, caPath: certs.caPath });
    expect((await client.get(srv.url('/feed'))).text()).toBe('secure feed');
  });

  it('a derived client keeps the TLS settings it does not override', async () => {
    const base = createHttpClient({ ...quick, caPath: certs.caPath });
    const derived = base.with({ headers: { authorization: 'Bearer derived-token' } });
    expect((await derived.get(srv.url('/feed'))).status).toBe(200);
    expect(srv.requests.at(-1)?.headers.authorization).toBe('Bearer derived-token');
  });
});

describe('client certificate', () => {
  let srv: SourceServer;
  beforeAll(async () => {
    srv = await startSourceServer({ tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, requestClientCert: true } });
    srv.route('GET', '/private', { body: 'for clients only' });
  });
  afterAll(() => srv.close());

  it('is presented and accepted', async () => {
    const client = createHttpClient({ ...quick, caPath: certs.caPath, certPath: certs.clientCertPath, keyPath: certs.clientKeyPath });
    expect((await client.get(srv.url('/private'))).text()).toBe('for clients only');
    expect(srv.requests.at(-1)?.clientCertCN).toBe('client');
  });

  it('is refused when missing: the TLS alert becomes a SourceAuthError, not retried', async () => {
    const before = srv.requests.length;
    const err = await createHttpClient({ ...quick, caPath: certs.caPath }).get(srv.url('/private')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceAuthError);
    expect((err as Error).message).toMatch(/^GET https:\/\/127\.0\.0\.1:\d+\/private: the server refused our TLS client certificate \(ERR_SSL_\w+\)$/);
    expect(srv.requests.length).toBe(before);
  });

  it('is refused when from an untrusted CA: a server that just drops the connection reads as unavailable', async () => {
    // Node (like many servers) closes the connection without a TLS alert here, so the client cannot tell it from a
    // network failure; the request never reaches the handler either way
    const client = createHttpClient({ ...quick, retries: 1, caPath: certs.caPath, certPath: certs.strangerCertPath, keyPath: certs.strangerKeyPath });
    const before = srv.requests.length;
    await expect(client.get(srv.url('/private'))).rejects.toBeInstanceOf(SourceUnavailableError);
    expect(srv.requests.length).toBe(before);
  });
});

describe('TLS files', () => {
  it('are read at creation; an unreadable one is a ConfigError naming the option and the file', () => {
    const missing = join(certs.dir, 'nope.pem');
    expect(() => createHttpClient({ caPath: missing })).toThrow(ConfigError);
    expect(() => createHttpClient({ caPath: missing })).toThrow(`HTTP client caPath: cannot read ${missing} (ENOENT)`);
    expect(() => createHttpClient({ certPath: certs.clientCertPath })).toThrow('needs both certPath and keyPath');
  });

  it('add a private CA to the public roots rather than replacing them', () => {
    const material = loadTlsMaterial({ caPath: certs.caPath });
    expect(material.ca).toHaveLength(rootCertificates.length + 1);
    expect(material.ca?.at(-1)).toBe(certs.ca.toString('utf8'));
  });
});
