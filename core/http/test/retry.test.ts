import { SourceAuthError, SourceDataError, SourceUnavailableError } from '../../errors';
import { startSourceServer, type SourceServer } from '../../testing/source-server';
import { createHttpClient, httpFailureOf } from '../client';
import { backoffDelayMs, parseRetryAfter, retryDelayMs } from '../retry';
import { captureLog } from './log-capture';

let srv: SourceServer;
beforeEach(async () => {
  srv = await startSourceServer();
});
afterEach(() => srv.close());

// small delays so the suite stays fast; the assertions are on what was recorded, never on how long things took
const quick = { baseDelayMs: 5, maxDelayMs: 40, env: {} };

describe('retries', () => {
  it('waits as Retry-After says (capped by maxDelayMs) after a 503, then succeeds', async () => {
    srv.route('GET', '/feed.xml', [{ status: 503, headers: { 'retry-after': '120' }, body: 'busy' }, { body: '<rss/>' }]);
    const capture = captureLog();
    const client = createHttpClient({ ...quick, log: capture.log });

    const res = await client.get(srv.url('/feed.xml'));

    expect(res.text()).toBe('<rss/>');
    const [first, second] = srv.requestsTo('/feed.xml');
    expect(srv.requestsTo('/feed.xml')).toHaveLength(2);
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(40 - 2);
    const warns = capture.lines().filter((l) => l.msg === 'request retried');
    expect(warns).toEqual([expect.objectContaining({ level: 'warn', url: srv.url('/feed.xml'), status: 503, attempt: 1, retry_in_ms: 40 })]);
  });

  it('reads Retry-After as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(retryDelayMs(1, { retries: 3, baseDelayMs: 10, maxDelayMs: 1000 }, 30_000)).toBe(1000);
  });

  it('backs off exponentially with jitter inside [nominal/2, nominal]', () => {
    const policy = { retries: 9, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelayMs(1, policy, () => 0)).toBe(50);
    expect(backoffDelayMs(1, policy, () => 1)).toBe(100);
    expect(backoffDelayMs(3, policy, () => 1)).toBe(400);
    expect(backoffDelayMs(8, policy, () => 1)).toBe(1000);
  });

  it('retries a 500 and a 429 with backoff until a 200', async () => {
    srv.route('GET', '/api', [{ status: 500 }, { status: 429 }, { body: { ok: true } }]);
    const res = await createHttpClient(quick).get(srv.url('/api'));
    expect(res.json()).toEqual({ ok: true });
    expect(srv.requestsTo('/api')).toHaveLength(3);
  });

  it('gives up after `retries` with a SourceUnavailableError carrying the status and the Retry-After hint', async () => {
    srv.route('GET', '/api', { status: 429, headers: { 'retry-after': '0' }, body: 'slow down' });
    const err = await createHttpClient({ ...quick, retries: 2 }).get(srv.url('/api')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceUnavailableError);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 0 });
    expect((err as Error).message).toBe(`GET ${srv.url('/api')}: HTTP 429 Too Many Requests — slow down`);
    expect(srv.requestsTo('/api')).toHaveLength(3);
  });

  it('retries a connection cut mid-body', async () => {
    const body = 'x'.repeat(10_000);
    srv.route('GET', '/big', [{ body, cutAfterBytes: 100 }, { body }]);
    const res = await createHttpClient(quick).get(srv.url('/big'));
    expect(res.body.length).toBe(10_000);
    expect(srv.requestsTo('/big')).toHaveLength(2);
  });

  it('does not retry a POST after a 500 (it may have been processed), but does after a 503', async () => {
    srv.route('POST', '/submit', [{ status: 500 }, { status: 200 }]);
    srv.route('POST', '/queue', [{ status: 503 }, { status: 200 }]);
    const client = createHttpClient(quick);
    await expect(client.request({ url: srv.url('/submit'), method: 'POST', body: { a: 1 } })).rejects.toBeInstanceOf(SourceUnavailableError);
    await expect(client.request({ url: srv.url('/queue'), method: 'POST', body: { a: 1 } })).resolves.toMatchObject({ status: 200 });
    expect(srv.requestsTo('/submit')).toHaveLength(1);
    expect(srv.requestsTo('/queue')).toHaveLength(2);
    expect(srv.requestsTo('/queue')[0]?.body.toString()).toBe('{"a":1}');
  });
});

describe('statuses that are not retried', () => {
  it.each([401, 403])('%i is a SourceAuthError at once', async (status) => {
    srv.route('GET', '/feed', { status, body: 'denied' });
    const err = await createHttpClient(quick).get(srv.url('/feed')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceAuthError);
    expect(err).toMatchObject({ status, code: 'OCTI_ERR_SOURCE_AUTH' });
    expect(srv.requestsTo('/feed')).toHaveLength(1);
  });

  it('410 is a SourceUnavailableError, not retried', async () => {
    srv.route('GET', '/old', { status: 410 });
    await expect(createHttpClient(quick).get(srv.url('/old'))).rejects.toMatchObject({ status: 410, code: 'OCTI_ERR_SOURCE_UNAVAILABLE' });
    expect(srv.requestsTo('/old')).toHaveLength(1);
  });

  it('404 is a SourceDataError naming the method, URL and status, with a body excerpt', async () => {
    srv.route('GET', '/feeds/nope.xml', { status: 404, body: 'No such feed\n\n  here' });
    const err = await createHttpClient(quick).get(srv.url('/feeds/nope.xml'), { params: { page: 2 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceDataError);
    expect((err as Error).message).toBe(`GET ${srv.url('/feeds/nope.xml')}?page=2: HTTP 404 Not Found (is the configured URL right?) — No such feed here`);
    expect(httpFailureOf(err)).toEqual({ method: 'GET', url: `${srv.url('/feeds/nope.xml')}?page=2`, status: 404, bodyExcerpt: 'No such feed here' });
    expect(srv.requestsTo('/feeds/nope.xml')).toHaveLength(1);
  });

  it('returns a status the caller accepts instead of throwing', async () => {
    srv.route('GET', '/maybe', { status: 404, body: 'none' });
    const res = await createHttpClient(quick).get(srv.url('/maybe'), { acceptStatus: (s) => s === 404 });
    expect(res.status).toBe(404);
    expect(res.text()).toBe('none');
  });
});

describe('aborting', () => {
  it('a signal aborted during the backoff sleep stops at once, without another attempt', async () => {
    srv.route('GET', '/feed', { status: 503, headers: { 'retry-after': '3600' } });
    const controller = new AbortController();
    const client = createHttpClient({ ...quick, maxDelayMs: 3_600_000 });
    const pending = client.get(srv.url('/feed'), { signal: controller.signal });
    await srv.waitForRequests(1, '/feed');
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
    expect(srv.requestsTo('/feed')).toHaveLength(1);
  });

  it('a signal aborted while waiting for headers ends the request with its reason', async () => {
    srv.route('GET', '/slow', { delayMs: 60_000, body: 'late' });
    const controller = new AbortController();
    const pending = createHttpClient(quick).get(srv.url('/slow'), { signal: controller.signal });
    await srv.waitForRequests(1, '/slow');
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(srv.requestsTo('/slow')).toHaveLength(1);
  });
});
