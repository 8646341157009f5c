import pino from 'pino';
import { createHttpClient, type CommonSettings } from '../../../core';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import { createTlsFixtures, type TlsFixtures } from '../../../core/testing/tls-fixtures';
import { fetchFeed } from '../client';
import rss, { FEED_TIMEOUT_MS, MAX_FEED_BYTES } from '../connector';
import { fixture } from './helpers';

let server: SourceServer;
beforeEach(async () => {
  server = await startSourceServer();
});
afterEach(async () => {
  await server.close();
});

const errorLines = (logs: Record<string, unknown>[]) => logs.filter((l) => l.level === 'error');
const INVALID = '<rss version="2.0">\n<channel>\n<title>broken</titel>\n</channel></rss>';
const BILLION_LAUGHS = '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss version="2.0"><channel><title>&b;</title></channel></rss>';

describe('rss connector failures', () => {
  it('fails a single invalid feed with one line naming the URL and the line, leaving no state', async () => {
    server.route('GET', '/bad.xml', { body: INVALID });
    const r = await runConnectorOnce(rss, { env: { RSS_FEED_URL: server.url('/bad.xml') } });
    expect(r.exitCode).toBe(1);
    expect(r.files).toEqual([]);
    expect(r.state).toBeNull();
    const errors = errorLines(r.logs);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toMatch(new RegExp(`^run failed: ${server.url('/bad.xml').replace(/[.]/g, '\\.')}: invalid XML at line 3:\\d+: unexpected close tag\\.; state left at the last confirmed batch$`));
    expect(errors[0]!.err).toBeUndefined();
  });

  it('isolates a broken feed: the good ones deliver and checkpoint, each broken one gets one line, the run ends failed', async () => {
    server.route('GET', '/good.xml', { body: fixture('escaped-html.rss.xml') });
    server.route('GET', '/gone.xml', { status: 404 });
    server.route('GET', '/page.html', { body: '<!DOCTYPE html><html><body>Just a moment...</body></html>', headers: { 'content-type': 'text/html' } });
    server.route('GET', '/laughs.xml', { body: BILLION_LAUGHS });
    const urls = ['/gone.xml', '/good.xml', '/page.html', '/laughs.xml'].map((p) => server.url(p));
    const r = await runConnectorOnce(rss, { env: { RSS_FEED_URL: urls.join(',') } });
    expect(r.exitCode).toBe(1);
    expect(r.objects.filter((o) => o.type === 'report')).toHaveLength(3);
    expect(Object.keys((r.state as { feeds: object }).feeds)).toEqual([server.url('/good.xml')]);
    const lines = errorLines(r.logs).map((l) => l.msg as string);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(new RegExp(`^feed failed: .*${server.url('/gone.xml')}.*404.*; its state is left as it was$`));
    expect(lines[1]).toBe(`feed failed: ${server.url('/page.html')}: not a feed: the document is <html>, not <rss>, <feed> or <rdf:RDF>; its state is left as it was`);
    expect(lines[2]).toBe(`feed failed: ${server.url('/laughs.xml')}: refused: the document declares XML entities (<!ENTITY> in its DOCTYPE); entity expansion and external entities are never processed; its state is left as it was`);
    expect(lines[3]).toBe(`run failed: 3 of 4 feeds failed (${urls[0]}, ${urls[2]}, ${urls[3]}); the other feeds were imported and checkpointed; state left at the last confirmed batch`);
  });

  it('leaves a failing feed\'s saved state untouched while another feed advances', async () => {
    const grown = fixture('escaped-html.rss.xml').replace('</channel>', '<item><title>newer</title><guid>n1</guid><pubDate>Sat, 26 Jul 2025 10:00:00 +0000</pubDate></item></channel>');
    server.route('GET', '/a.xml', [{ body: fixture('escaped-html.rss.xml') }, { body: grown }]);
    server.route('GET', '/b.xml', [{ body: fixture('cdata-content.rss.xml'), etag: '"b1"' }, { body: INVALID }]);
    const env = { RSS_FEED_URL: `${server.url('/a.xml')},${server.url('/b.xml')}` };
    const first = await runConnectorOnce(rss, { env });
    expect(first.exitCode).toBe(0);
    const second = await runConnectorOnce(rss, { env, outDir: first.outDir, statePath: first.statePath });
    expect(second.exitCode).toBe(1);
    expect(second.files).toHaveLength(first.files.length + 1);
    const before = first.state as { feeds: Record<string, unknown> };
    const after = second.state as { current_state_date: string; feeds: Record<string, { current_state_date: string }> };
    expect(after.feeds[server.url('/b.xml')]).toEqual(before.feeds[server.url('/b.xml')]);
    expect(after.feeds[server.url('/a.xml')]!.current_state_date).toBe('2025-07-26T10:00:00.000Z');
    expect(after.current_state_date).toBe('2025-07-26T10:00:00.000Z');
  });

  it('ends with one line and exit 1 when the only feed refuses the request', async () => {
    server.route('GET', '/private.xml', { status: 401 });
    const r = await runConnectorOnce(rss, { env: { RSS_FEED_URL: server.url('/private.xml') } });
    expect(r.exitCode).toBe(1);
    expect(server.requestsTo('/private.xml')).toHaveLength(1);
    expect(errorLines(r.logs)).toHaveLength(1);
  });

  it('stops a stalled download at once on shutdown, committing nothing for that feed', async () => {
    server.route('GET', '/stall.xml', { body: fixture('escaped-html.rss.xml'), stallAfterBytes: 100 });
    const stop = new AbortController();
    const running = runConnectorOnce(rss, { env: { RSS_FEED_URL: server.url('/stall.xml') }, signal: stop.signal });
    await server.waitForRequests(1, '/stall.xml');
    stop.abort();
    const r = await running;
    expect(r.exitCode).toBe(0);
    expect(r.files).toEqual([]);
    expect(r.state).toBeNull();
  });

  it('refuses a bad configuration with exit 2', async () => {
    const envs: Record<string, string>[] = [{}, { RSS_FEED_URL: 'ftp://feeds.example/x' }, { RSS_FEED_URL: 'https://feeds.example/x', RSS_DEFAULT_MARKINGS: 'PAP:RED' }, { RSS_FEED_URL: 'https://feeds.example/x', RSS_IMPORT_FROM_DATE: 'last week' }];
    for (const env of envs) {
      const r = await runConnectorOnce(rss, { env });
      expect([env, r.exitCode]).toEqual([env, 2]);
    }
  });
});

describe('rss fetching limits (the connector sets them on the HTTP client; smaller values here keep the test short)', () => {
  it('gives up on a stalled feed at the deadline, naming the URL', async () => {
    expect(rss.http!({ feed_url: [], report_types: [], ssl_verify: false, import_from_date: undefined, default_author: undefined, default_markings: undefined })).toEqual({ sslVerify: false, maxBytes: MAX_FEED_BYTES, timeoutMs: FEED_TIMEOUT_MS });
    server.route('GET', '/stall.xml', { body: fixture('escaped-html.rss.xml'), stallAfterBytes: 100 });
    const http = createHttpClient({ timeoutMs: 300, retries: 0 });
    await expect(fetchFeed(http, server.url('/stall.xml'), {}, new AbortController().signal)).rejects.toThrow(new RegExp(`${server.url('/stall.xml').replace(/[.]/g, '\\.')}.*timeout`));
  });

  it('refuses a feed over the size cap, also when it arrives gzipped', async () => {
    server.route('GET', '/big.xml', { body: fixture('cdata-content.rss.xml'), gzip: true });
    const http = createHttpClient({ maxBytes: 1000, retries: 0 });
    await expect(fetchFeed(http, server.url('/big.xml'), {}, new AbortController().signal)).rejects.toThrow(/1000/);
  });
});

describe('rss check', () => {
  it('fetches each feed and says its title and item count, or why it failed', async () => {
    server.route('GET', '/kev.xml', { body: fixture('escaped-html.rss.xml') });
    server.route('GET', '/atom.xml', { body: fixture('stylesheet.atom') });
    server.route('GET', '/bad.xml', { body: INVALID });
    const config = { feed_url: ['/kev.xml', '/atom.xml', '/bad.xml'].map((p) => server.url(p)), report_types: ['threat-report'], ssl_verify: true, import_from_date: undefined, default_author: undefined, default_markings: undefined };
    const http = createHttpClient({ ...rss.http!(config), retries: 0 });
    const lines = await rss.check!({ config, settings: {} as CommonSettings, log: pino({ level: 'silent' }), http, signal: new AbortController().signal });
    expect(lines).toEqual([
      { target: server.url('/kev.xml'), ok: true, detail: '"Fixture KEV additions", 3 items (rss, utf-8)' },
      { target: server.url('/atom.xml'), ok: true, detail: '"Fixture & Coffee", 2 items (atom, utf-8)' },
      { target: server.url('/bad.xml'), ok: false, detail: expect.stringMatching(/invalid XML at line 3/) },
    ]);
  });
});

describe('rss over HTTPS (RSS_SSL_VERIFY)', () => {
  let tls: TlsFixtures;
  let secure: SourceServer;
  beforeAll(async () => {
    tls = await createTlsFixtures();
    secure = await startSourceServer({ tls: { cert: tls.serverCert, key: tls.serverKey } });
    secure.route('GET', '/kev.xml', { body: fixture('escaped-html.rss.xml') });
  });
  afterAll(async () => {
    await secure.close();
    await tls.cleanup();
  });

  it('refuses a certificate from an unknown CA by default, with one line, and reads the feed with RSS_SSL_VERIFY=false', async () => {
    const strict = await runConnectorOnce(rss, { env: { RSS_FEED_URL: secure.url('/kev.xml') } });
    expect(strict.exitCode).toBe(1);
    expect(errorLines(strict.logs)).toHaveLength(1);
    expect(errorLines(strict.logs)[0]!.msg).toContain('server certificate not trusted');
    expect(strict.state).toBeNull();
    const lax = await runConnectorOnce(rss, { env: { RSS_FEED_URL: secure.url('/kev.xml'), RSS_SSL_VERIFY: 'false' } });
    expect(lax.exitCode).toBe(0);
    expect(lax.objects.filter((o) => o.type === 'report')).toHaveLength(3);
  });
});
