import { inspect } from 'node:util';
import { startSourceServer, type SourceServer } from '../../testing/source-server';
import { createHttpClient, httpFailureOf } from '../client';
import { captureLog } from './log-capture';

const TOKEN = 'tok-7f3a9c1e5b';
const PASSWORD = 'pa55-w0rd-Zq';
const API_KEY = 'key-88d1c0ffee';
const PROXY_PASSWORD = 'proxy-pw-4242';
const SECRETS = [TOKEN, PASSWORD, API_KEY, PROXY_PASSWORD, Buffer.from(`reader:${PASSWORD}`).toString('base64')];

let srv: SourceServer;
beforeEach(async () => {
  srv = await startSourceServer();
  // the worst kind of source: its error pages echo the request back, credentials included
  const echo = (status: number) => (req: { headers: object; path: string; query: object }, res: import('node:http').ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ headers: req.headers, query: req.query }));
  };
  for (const status of [401, 404, 500, 503]) srv.route('GET', `/echo/${status}`, echo(status));
});
afterEach(() => srv.close());

/** Everything an operator could end up seeing about a failure. */
function exposed(err: unknown, logText: string): string {
  return [String(err), (err as Error).stack ?? '', inspect(err, { depth: 5 }), JSON.stringify(httpFailureOf(err)), JSON.stringify(err), logText].join('\n');
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('no credential in any error or log line', () => {
  it('bearer token and API key headers, echoed in 5xx bodies across retries', async () => {
    const capture = captureLog();
    const client = createHttpClient({ baseDelayMs: 1, maxDelayMs: 5, retries: 2, log: capture.log, env: {}, headers: { Authorization: `Bearer ${TOKEN}`, 'X-Api-Key': API_KEY } });
    for (const status of [500, 503]) {
      const err = await client.get(srv.url(`/echo/${status}`)).catch((e: unknown) => e);
      expect(httpFailureOf(err)?.bodyExcerpt).toContain('[REDACTED]');
      expectNoSecret(exposed(err, capture.raw()));
    }
    expect(capture.lines().filter((l) => l.msg === 'request retried')).toHaveLength(4);
    expect(srv.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('basic auth given as options or in the URL, and a key in the query string', async () => {
    const capture = captureLog();
    const client = createHttpClient({ retries: 0, log: capture.log, env: {} });
    const withAuth = await client.get(srv.url('/echo/401'), { auth: { username: 'reader', password: PASSWORD } }).catch((e: unknown) => e);
    expect(withAuth).toMatchObject({ code: 'OCTI_ERR_SOURCE_AUTH' });
    expectNoSecret(exposed(withAuth, capture.raw()));

    const inUrl = srv.url('/echo/404').replace('http://', `http://reader:${PASSWORD}@`);
    const fromUrl = await client.get(`${inUrl}?api_key=${API_KEY}`).catch((e: unknown) => e);
    expect((fromUrl as Error).message).toMatch(/\/echo\/404\?api_key=\S+: HTTP 404 /);
    expectNoSecret(exposed(fromUrl, capture.raw()));
    // the URL's credentials were sent as a header, not lost
    expect(srv.requests.at(-1)?.headers.authorization).toBe(`Basic ${Buffer.from(`reader:${PASSWORD}`).toString('base64')}`);
  });

  it('a proxy password, when the proxy cannot be reached', async () => {
    const capture = captureLog();
    const env = { HTTP_PROXY: `http://user:${PROXY_PASSWORD}@127.0.0.1:1` };
    const client = createHttpClient({ baseDelayMs: 1, maxDelayMs: 5, retries: 1, log: capture.log, env });
    const err = await client.get(srv.url('/echo/500')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OCTI_ERR_SOURCE_UNAVAILABLE' });
    expect((err as Error).message).toMatch(/network failure: .*ECONNREFUSED/);
    expectNoSecret(exposed(err, capture.raw()));
  });
});
