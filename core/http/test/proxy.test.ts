import { ConfigError } from '../../errors';
import { startProxyServer, type ProxyServer } from '../../testing/proxy-server';
import { startSourceServer, type SourceServer } from '../../testing/source-server';
import { createTlsFixtures, type TlsFixtures } from '../../testing/tls-fixtures';
import { createHttpClient } from '../client';
import { proxyUrlFor } from '../proxy';

const quick = { baseDelayMs: 5, maxDelayMs: 20 };

describe('proxyUrlFor (environment rules)', () => {
  const target = (url: string): URL => new URL(url);

  it('takes http_proxy for http and https_proxy for https, lower case before upper case', () => {
    const env = { HTTP_PROXY: 'http://upper:3128', http_proxy: 'http://lower:3128', HTTPS_PROXY: 'proxy.corp:8080' };
    expect(proxyUrlFor(target('http://feed.example/'), env)?.href).toBe('http://lower:3128/');
    expect(proxyUrlFor(target('https://feed.example/'), env)?.href).toBe('http://proxy.corp:8080/');
    expect(proxyUrlFor(target('https://feed.example/'), { HTTP_PROXY: 'http://p:1' })).toBeUndefined();
  });

  it.each([
    ['feed.example', 'https://feed.example/x', true],
    ['feed.example', 'https://api.feed.example/x', true],
    ['.feed.example', 'https://api.feed.example/x', true],
    ['*.feed.example', 'https://feed.example/x', true],
    ['feed.example', 'https://notfeed.example/x', false],
    ['feed.example:8443', 'https://feed.example:8443/x', true],
    ['feed.example:8443', 'https://feed.example/x', false],
    ['127.0.0.1', 'http://127.0.0.1:8080/x', true],
    ['[::1]:80', 'http://[::1]/x', true],
    ['*', 'https://anything.example/', true],
    ['a.example, b.example', 'https://b.example/', true],
  ])('NO_PROXY=%s for %s bypasses: %s', (noProxy, url, bypassed) => {
    const env = { HTTPS_PROXY: 'http://proxy:3128', HTTP_PROXY: 'http://proxy:3128', NO_PROXY: noProxy };
    expect(proxyUrlFor(target(url), env) === undefined).toBe(bypassed);
  });

  it('names the variable (not its value, which may hold a password) when the proxy URL is invalid', () => {
    expect(() => proxyUrlFor(target('https://x.example/'), { HTTPS_PROXY: 'http://user:pw@[bad' })).toThrow(ConfigError);
    expect(() => proxyUrlFor(target('https://x.example/'), { HTTPS_PROXY: 'http://user:pw@[bad' })).toThrow(/^HTTPS_PROXY \(or https_proxy\) is not a valid proxy URL$/);
  });
});

describe('through a real proxy', () => {
  let proxy: ProxyServer;
  let plain: SourceServer;
  let secure: SourceServer;
  let certs: TlsFixtures;

  beforeAll(async () => {
    certs = await createTlsFixtures();
    proxy = await startProxyServer({ auth: { username: 'proxyuser', password: 'proxy-secret-42' } });
    plain = await startSourceServer();
    secure = await startSourceServer({ tls: { cert: certs.serverCert, key: certs.serverKey } });
    plain.route('GET', '/feed', { body: 'plain feed' });
    secure.route('GET', '/feed', { body: 'secure feed' });
  });
  afterAll(async () => {
    await Promise.all([proxy.close(), plain.close(), secure.close()]);
    await certs.cleanup();
  });

  const proxyUrl = (): string => `http://proxyuser:proxy-secret-42@127.0.0.1:${proxy.port}`;

  it('forwards plain http in absolute form, with the proxy credentials', async () => {
    const client = createHttpClient({ ...quick, env: { http_proxy: proxyUrl() } });
    const res = await client.get(plain.url('/feed'));
    expect(res.text()).toBe('plain feed');
    const seen = proxy.requests.at(-1);
    expect(seen).toMatchObject({ method: 'GET', target: plain.url('/feed') });
    expect(seen?.proxyAuthorization).toBe(`Basic ${Buffer.from('proxyuser:proxy-secret-42').toString('base64')}`);
    expect(plain.requests.at(-1)?.headers['proxy-authorization']).toBeUndefined();
  });

  it('tunnels https with CONNECT, verifying the origin with the private CA end to end', async () => {
    const client = createHttpClient({ ...quick, caPath: certs.caPath, env: { HTTPS_PROXY: proxyUrl() } });
    const res = await client.get(secure.url('/feed'), { headers: { authorization: 'Bearer origin-only-token' } });
    expect(res.text()).toBe('secure feed');
    const seen = proxy.requests.at(-1);
    expect(seen).toMatchObject({ method: 'CONNECT', target: `127.0.0.1:${secure.port}` });
    // the origin's credentials travel inside the tunnel, never in the CONNECT request
    expect(JSON.stringify(seen?.headers)).not.toContain('origin-only-token');
    expect(secure.requests.at(-1)?.headers.authorization).toBe('Bearer origin-only-token');
  });

  it('still verifies the origin certificate through the tunnel', async () => {
    const client = createHttpClient({ ...quick, env: { HTTPS_PROXY: proxyUrl() } });
    await expect(client.get(secure.url('/feed'))).rejects.toThrow('server certificate not trusted');
  });

  it('goes direct for hosts in NO_PROXY', async () => {
    const before = proxy.requests.length;
    const env = { HTTP_PROXY: proxyUrl(), HTTPS_PROXY: proxyUrl(), no_proxy: 'localhost,127.0.0.1' };
    const client = createHttpClient({ ...quick, sslVerify: false, env });
    expect((await client.get(plain.url('/feed'))).text()).toBe('plain feed');
    expect((await client.get(secure.url('/feed'))).text()).toBe('secure feed');
    expect(proxy.requests.length).toBe(before);
  });

  it('reports a proxy refusing our credentials as an auth error without the proxy password', async () => {
    const wrong = `http://proxyuser:wrong-pass-77@127.0.0.1:${proxy.port}`;
    for (const [url, env] of [
      [plain.url('/feed'), { http_proxy: wrong }],
      [secure.url('/feed'), { https_proxy: wrong }],
    ] as const) {
      const err = await createHttpClient({ ...quick, sslVerify: false, env }).get(url).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'OCTI_ERR_SOURCE_AUTH', status: 407 });
      expect(String((err as Error).message)).not.toContain('wrong-pass-77');
    }
  });
});
