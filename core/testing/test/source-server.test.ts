import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSourceServer, type SourceServer } from '../source-server';

/** A raw request with Node's own client, so the server is tested independently of core/http. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

let srv: SourceServer;
beforeEach(async () => {
  srv = await startSourceServer();
});
afterEach(() => srv.close());

describe('source server', () => {
  it('records method, path, query and headers of every request', async () => {
    srv.route('GET', '/collections/x/objects', { body: { objects: [] } });
    await get(srv.url('/collections/x/objects?added_after=2025-01-01&limit=5'), { Accept: 'application/taxii+json' });
    expect(srv.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: '/collections/x/objects', query: { added_after: '2025-01-01', limit: '5' } }),
    ]);
    expect(srv.requests[0]?.headers.accept).toBe('application/taxii+json');
  });

  it('plays a sequence of answers, the last one repeating', async () => {
    srv.route('GET', '/feed', [{ status: 503, headers: { 'retry-after': '1' } }, { body: 'ok' }]);
    expect((await get(srv.url('/feed'))).status).toBe(503);
    expect((await get(srv.url('/feed'))).body).toBe('ok');
    expect((await get(srv.url('/feed'))).body).toBe('ok');
  });

  it('answers 304 to a matching If-None-Match or If-Modified-Since', async () => {
    srv.route('GET', '/feed', { body: 'v1', etag: '"abc"', lastModified: '2025-03-01T10:00:00Z' });
    const first = await get(srv.url('/feed'));
    expect(first.headers).toMatchObject({ etag: '"abc"', 'last-modified': 'Sat, 01 Mar 2025 10:00:00 GMT' });
    expect((await get(srv.url('/feed'), { 'If-None-Match': '"abc"' })).status).toBe(304);
    expect((await get(srv.url('/feed'), { 'If-None-Match': '"old"' })).status).toBe(200);
    expect((await get(srv.url('/feed'), { 'If-Modified-Since': 'Sat, 01 Mar 2025 10:00:00 GMT' })).status).toBe(304);
    expect((await get(srv.url('/feed'), { 'If-Modified-Since': 'Fri, 28 Feb 2025 10:00:00 GMT' })).status).toBe(200);
  });

  it('checks basic and bearer credentials', async () => {
    srv.route('GET', '/basic', { auth: { basic: { username: 'u', password: 'p' } }, body: 'in' });
    srv.route('GET', '/bearer', { auth: { bearer: 't0ken' }, body: 'in' });
    expect((await get(srv.url('/basic'))).status).toBe(401);
    expect((await get(srv.url('/basic'), { Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` })).body).toBe('in');
    expect((await get(srv.url('/bearer'), { Authorization: 'Bearer nope' })).headers['www-authenticate']).toBe('Bearer realm="source"');
    expect((await get(srv.url('/bearer'), { Authorization: 'Bearer t0ken' })).status).toBe(200);
  });

  it('serves a file with a content type from its extension', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'octi-src-'));
    try {
      await writeFile(join(dir, 'feed.xml'), '<rss/>');
      srv.route('GET', '/feed.xml', { file: join(dir, 'feed.xml') });
      const res = await get(srv.url('/feed.xml'));
      expect(res.headers['content-type']).toBe('application/xml');
      expect(res.body).toBe('<rss/>');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('cuts the connection mid-body', async () => {
    srv.route('GET', '/cut', { body: 'a'.repeat(1000), cutAfterBytes: 10 });
    await expect(get(srv.url('/cut'))).rejects.toThrow();
  });

  it('answers 404 naming an unknown route, and waits for requests on a condition', async () => {
    const waiting = srv.waitForRequests(2, '/nowhere');
    expect((await get(srv.url('/nowhere'))).body).toBe('no route for GET /nowhere\n');
    await get(srv.url('/nowhere'));
    await expect(waiting).resolves.toHaveLength(2);
  });

  it('closes promptly with a stalled response still open', async () => {
    srv.route('GET', '/stall', { body: 'b'.repeat(100), stallAfterBytes: 5 });
    const pending = get(srv.url('/stall')).catch((e: unknown) => e);
    await srv.waitForRequests(1, '/stall');
    await srv.close();
    // the client sees its connection end instead of hanging
    expect(await pending).toMatchObject({ code: 'ECONNRESET' });
  });
});
