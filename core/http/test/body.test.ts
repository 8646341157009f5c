import { brotliCompressSync, deflateSync } from 'node:zlib';
import { SourceDataError, SourceUnavailableError } from '../../errors';
import { openEventStream, startSourceServer, type SourceServer } from '../../testing/source-server';
import { createHttpClient, httpFailureOf } from '../client';

let srv: SourceServer;
beforeEach(async () => {
  srv = await startSourceServer();
});
afterEach(() => srv.close());

const quick = { baseDelayMs: 5, maxDelayMs: 20, env: {} };

describe('decompression', () => {
  it('gunzips a gzip body and asks for compressed bodies', async () => {
    srv.route('GET', '/feed.json', { body: { items: [1, 2, 3] }, gzip: true });
    const res = await createHttpClient(quick).get(srv.url('/feed.json'));
    expect(res.json()).toEqual({ items: [1, 2, 3] });
    expect(srv.requests[0]?.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it.each([
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('decodes %s', async (encoding, compress) => {
    srv.route('GET', '/data', (_req, res) => {
      res.writeHead(200, { 'content-encoding': encoding, 'content-type': 'text/plain' }).end(compress(Buffer.from('hello feed')));
    });
    expect((await createHttpClient(quick).get(srv.url('/data'))).text()).toBe('hello feed');
  });
});

describe('size cap', () => {
  it('refuses a body over maxBytes, naming the URL and the cap, without retrying', async () => {
    srv.route('GET', '/huge', { body: 'x'.repeat(100_000) });
    const err = await createHttpClient({ ...quick, maxBytes: 1000 }).get(srv.url('/huge')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceDataError);
    expect((err as Error).message).toBe(`GET ${srv.url('/huge')}: body larger than the 1000-byte cap (maxBytes)`);
    expect(srv.requestsTo('/huge')).toHaveLength(1);
  });

  it('cuts a chunked body as soon as the cap is passed (decompressed bytes count)', async () => {
    // 50 MB of zeros gzip to ~50 KB: the cap must apply to what comes out of the decompressor
    srv.route('GET', '/bomb', { body: Buffer.alloc(50 * 1024 * 1024), gzip: true, chunked: true });
    await expect(createHttpClient(quick).get(srv.url('/bomb'), { maxBytes: 1024 * 1024 })).rejects.toThrow('body larger than the 1048576-byte cap');
  });
});

describe('timeouts', () => {
  it('fails a body that stalls after the headers within timeoutMs', async () => {
    srv.route('GET', '/stall', { body: 'y'.repeat(5000), stallAfterBytes: 10 });
    const err = await createHttpClient({ ...quick, timeoutMs: 150, retries: 1 }).get(srv.url('/stall')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceUnavailableError);
    expect((err as Error).message).toBe(`GET ${srv.url('/stall')}: no complete answer within the 150 ms timeout`);
    expect(srv.requestsTo('/stall')).toHaveLength(2);
  });

  it('fails a server that never sends headers', async () => {
    srv.route('GET', '/silent', { delayMs: 60_000 });
    await expect(createHttpClient({ ...quick, timeoutMs: 100, retries: 0 }).get(srv.url('/silent'))).rejects.toThrow('timeout');
  });
});

describe('redirects', () => {
  it('follows up to 5 and reports the final URL', async () => {
    for (let i = 0; i < 5; i++) srv.route('GET', `/r${i}`, { redirectTo: `/r${i + 1}`, status: i % 2 === 0 ? 301 : 307 });
    srv.route('GET', '/r5', { body: 'arrived' });
    const res = await createHttpClient(quick).get(srv.url('/r0'));
    expect(res.text()).toBe('arrived');
    expect(res.url).toBe(srv.url('/r5'));
  });

  it('names both the URL asked for and the one that answered when the target fails', async () => {
    srv.route('GET', '/moved', { redirectTo: '/gone', status: 308 });
    const err = await createHttpClient(quick).get(srv.url('/moved')).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`GET ${srv.url('/moved')} (redirected to ${srv.url('/gone')}): HTTP 404 Not Found (is the configured URL right?) — no route for GET /gone`);
    expect(httpFailureOf(err)).toMatchObject({ url: srv.url('/moved'), redirectedTo: srv.url('/gone'), status: 404 });
  });

  it('refuses a sixth redirect', async () => {
    srv.route('GET', '/loop', { redirectTo: '/loop' });
    await expect(createHttpClient(quick).get(srv.url('/loop'))).rejects.toThrow(`GET ${srv.url('/loop')}: more than 5 redirects`);
    expect(srv.requestsTo('/loop')).toHaveLength(6);
  });

  it('turns a POST into a GET on 303 and drops credentials when the origin changes', async () => {
    const other = await startSourceServer();
    try {
      other.route('GET', '/result', { body: 'done' });
      srv.route('POST', '/jobs', { redirectTo: other.url('/result'), status: 303 });
      const client = createHttpClient({ ...quick, headers: { Authorization: 'Bearer tok-123456', 'X-Api-Key': 'key-123456' } });
      const res = await client.request({ url: srv.url('/jobs'), method: 'POST', body: { q: 1 } });
      expect(res.text()).toBe('done');
      expect(srv.requests[0]?.headers.authorization).toBe('Bearer tok-123456');
      const followed = other.requests[0];
      expect(followed?.method).toBe('GET');
      expect(followed?.headers.authorization).toBeUndefined();
      expect(followed?.headers['x-api-key']).toBeUndefined();
      expect(followed?.headers['content-type']).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

describe('conditional requests', () => {
  it('gets a 304 (accepted by default) when the ETag matches', async () => {
    srv.route('GET', '/feed', { body: 'v1', etag: '"v1"', lastModified: new Date('2025-01-01T00:00:00Z') });
    const client = createHttpClient(quick);
    const first = await client.get(srv.url('/feed'));
    expect(first.headers.etag).toBe('"v1"');
    const second = await client.get(srv.url('/feed'), { headers: { 'If-None-Match': first.headers.etag ?? '' } });
    expect(second.status).toBe(304);
    const third = await client.get(srv.url('/feed'), { headers: { 'If-Modified-Since': first.headers['last-modified'] ?? '' } });
    expect(third.status).toBe(304);
  });
});

describe('bodies', () => {
  it('names the URL when the body is not JSON', async () => {
    srv.route('GET', '/broken.json', { body: '<html>' });
    const res = await createHttpClient(quick).get(srv.url('/broken.json'));
    expect(() => res.json()).toThrow(SourceDataError);
    expect(() => res.json()).toThrow(`GET ${srv.url('/broken.json')}: body is not valid JSON`);
  });

  it('sends query parameters, leaving undefined ones out', async () => {
    srv.route('GET', '/objects', { body: [] });
    await createHttpClient(quick).get(srv.url('/objects?limit=10'), { params: { added_after: '2025-01-01T00:00:00Z', next: undefined, all: true } });
    expect(srv.requests[0]?.query).toEqual({ limit: '10', added_after: '2025-01-01T00:00:00Z', all: 'true' });
  });
});

describe("responseType 'stream'", () => {
  it('hands over the live stream (SSE) with the Last-Event-ID the caller sent', async () => {
    srv.route('GET', '/stream', (req, res) => {
      const events = openEventStream(res);
      events.send({ id: '2', event: 'create', data: JSON.stringify({ after: req.headers['last-event-id'] }) });
      events.send({ id: '3', event: 'update', data: 'line1\nline2' });
      events.end();
    });
    const res = await createHttpClient(quick).get(srv.url('/stream'), { responseType: 'stream', headers: { 'Last-Event-ID': '1' } });
    expect(res.headers['content-type']).toBe('text/event-stream');
    let text = '';
    for await (const chunk of res.stream ?? []) text += String(chunk);
    expect(text).toBe('id: 2\nevent: create\ndata: {"after":"1"}\n\nid: 3\nevent: update\ndata: line1\ndata: line2\n\n');
  });

  it('throws the same typed errors for the status', async () => {
    srv.route('GET', '/stream', { status: 401 });
    await expect(createHttpClient(quick).get(srv.url('/stream'), { responseType: 'stream' })).rejects.toMatchObject({ code: 'OCTI_ERR_SOURCE_AUTH' });
  });

  it('errors the stream when the server goes silent for timeoutMs, and when the connection is cut', async () => {
    srv.route('GET', '/quiet', (_req, res) => openEventStream(res).send({ data: 'hello' }));
    srv.route('GET', '/cut', { body: 'z'.repeat(1000), cutAfterBytes: 10 });
    const client = createHttpClient({ ...quick, timeoutMs: 150 });
    const quiet = await client.get(srv.url('/quiet'), { responseType: 'stream' });
    await expect(drain(quiet.stream)).rejects.toThrow(`GET ${srv.url('/quiet')}: no data for 150 ms (timeout)`);
    const cut = await client.get(srv.url('/cut'), { responseType: 'stream' });
    await expect(drain(cut.stream)).rejects.toBeInstanceOf(SourceUnavailableError);
  });

  it('ends the stream with the reason when the caller aborts', async () => {
    srv.route('GET', '/live', (_req, res) => openEventStream(res).send({ data: 'first' }));
    const controller = new AbortController();
    const res = await createHttpClient(quick).get(srv.url('/live'), { responseType: 'stream', signal: controller.signal });
    const reading = drain(res.stream);
    controller.abort(new Error('stop'));
    await expect(reading).rejects.toThrow('stop');
  });
});

async function drain(stream: AsyncIterable<unknown> | undefined): Promise<void> {
  for await (const _chunk of stream ?? []) {
    // keep reading until the end or an error
  }
}
