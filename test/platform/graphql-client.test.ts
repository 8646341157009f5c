import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PING_CONNECTOR_LEGACY } from '../../core/platform/documents';
import { GraphqlClient, PlatformRequestError } from '../../core/platform/graphql';
import { startSourceServer } from '../../core/testing/source-server';
import { createTlsFixtures } from '../../core/testing/tls-fixtures';
import type { OpenCtiStandin } from '../opencti-standin';
import { ALICE, startStandin } from './helpers/fixture';

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const close = (server: http.Server) => new Promise<void>((r) => server.close(() => r()));

describe('GraphQL client', () => {
  let standin: OpenCtiStandin;
  beforeAll(async () => {
    standin = await startStandin();
  });
  afterAll(async () => {
    await standin.stop();
  });

  it('surfaces errors[].message of a 200 answer as the reason', async () => {
    const client = new GraphqlClient({ url: standin.url, token: ALICE.token });
    const err = await client.request(PING_CONNECTOR_LEGACY, { id: 'no-such-connector', state: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformRequestError);
    expect((err as PlatformRequestError).failure).toBe('rejected');
    expect((err as Error).message).toBe(`OpenCTI PingConnectorLegacy at ${standin.url}/graphql: No connector found with the specified ID`);
  });

  it('reports a 500 with GraphQL errors as a platform failure with its message', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'Elasticsearch is unavailable', extensions: { code: 'DATABASE_ERROR' } }] }));
    });
    const url = await listen(server);
    try {
      const err = (await new GraphqlClient({ url, token: ALICE.token }).request('query About { about { version } }').catch((e: unknown) => e)) as PlatformRequestError;
      expect(err).toMatchObject({ failure: 'server', status: 500, codes: ['DATABASE_ERROR'] });
      expect(err.message).toMatch(/Elasticsearch is unavailable$/);
    } finally {
      await close(server);
    }
  });

  it('masks the token should a server echo it back', async () => {
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: `bad header ${String(req.headers.authorization)}` }] }));
    });
    const url = await listen(server);
    try {
      const err = (await new GraphqlClient({ url, token: ALICE.token }).request('query About { about { version } }').catch((e: unknown) => e)) as Error;
      expect(err.message).not.toContain(ALICE.token);
      expect(err.message).toContain('[REDACTED]');
    } finally {
      await close(server);
    }
  });

  it('goes through the HTTP_PROXY of the environment', async () => {
    const seen: string[] = [];
    const proxy = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const target = new URL(String(req.url));
      const upstream = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    const proxyUrl = await listen(proxy);
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
    process.env.HTTP_PROXY = proxyUrl;
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    try {
      const data = await new GraphqlClient({ url: standin.url, token: ALICE.token }).request<{ about: { version: string } }>('query About { about { version } }');
      expect(data.about.version).toBe('6.8.5');
      expect(seen).toEqual([`POST ${standin.url}/graphql`]);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
      await close(proxy);
    }
  });

  it('verifies the platform certificate unless OPENCTI_SSL_VERIFY is false', async () => {
    const certs = await createTlsFixtures();
    const platform = await startSourceServer({ tls: { cert: certs.serverCert, key: certs.serverKey } });
    platform.route('POST', '/graphql', { body: JSON.stringify({ data: { about: { version: '6.8.5' } } }), headers: { 'Content-Type': 'application/json' } });
    const about = 'query About { about { version } }';
    try {
      const refused = (await new GraphqlClient({ url: platform.url(''), token: ALICE.token }).request(about).catch((e: unknown) => e)) as PlatformRequestError;
      expect(refused).toBeInstanceOf(PlatformRequestError);
      expect(refused.failure).toBe('tls');
      expect(refused.message).toMatch(/TLS failure .*OPENCTI_SSL_VERIFY=false/);
      expect(platform.requestsTo('/graphql')).toHaveLength(0);
      const data = await new GraphqlClient({ url: platform.url(''), token: ALICE.token, sslVerify: false }).request<{ about: { version: string } }>(about);
      expect(data.about.version).toBe('6.8.5');
    } finally {
      await platform.close();
      certs.cleanup();
    }
  });
});
