import pino from 'pino';
import { createHttpClient, SourceUnavailableError, type CommonSettings } from '../../../core';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import { fetchNvdPage } from '../client';
import nvdCve from '../connector';
import { sleep as pause } from '../../../core';
import { PATH, serveFakeNvd } from './fake-nvd';

let server: SourceServer;
beforeEach(async () => {
  server = await startSourceServer();
});
afterEach(async () => {
  await server.close();
});

describe('nvd-cve client', () => {
  it('waits its own delay after a 403 without Retry-After, and gives up after the allowed attempts', async () => {
    server.route('GET', PATH, { status: 403 });
    const waits: number[] = [];
    const opts = { signal: new AbortController().signal, throttleWaitMs: 5, throttleAttempts: 3, sleep: pause, onThrottled: (_w: string, ms: number) => waits.push(ms) };
    const failure = fetchNvdPage(createHttpClient({ retries: 0 }), server.url(PATH), { startIndex: 0, resultsPerPage: 10 }, opts);
    await expect(failure).rejects.toThrow(SourceUnavailableError);
    await expect(failure).rejects.toThrow(`${server.url(PATH)} startIndex=0: still throttled by NVD (403) after 3 attempts`);
    expect(waits).toEqual([5, 5]);
    expect(server.requestsTo(PATH)).toHaveLength(3);
  });

  it('paces the requests of a run by the configured interval', async () => {
    serveFakeNvd(server, { pageSize: 1 });
    const r = await runConnectorOnce(nvdCve, { env: { NVD_CVE_URL: server.url(PATH), NVD_CVE_REQUEST_INTERVAL: 'PT0.2S' }, now: () => new Date('2023-03-14T12:00:00Z') });
    expect(r.exitCode).toBe(0);
    const times = server.requestsTo(PATH).map((q) => q.receivedAt);
    expect(times).toHaveLength(5);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(190);
  });

  it('check says how many CVEs NVD serves and whether a key is used', async () => {
    serveFakeNvd(server);
    const config = { url: server.url(PATH), api_key: 'secret-key', tlp: 'TLP:CLEAR' as const, import_from_date: undefined, request_interval: undefined };
    const http = createHttpClient({ ...nvdCve.http!(config), retries: 0 });
    const lines = await nvdCve.check!({ config, settings: {} as CommonSettings, log: pino({ level: 'silent' }), http, signal: new AbortController().signal });
    expect(lines).toEqual([{ target: server.url(PATH), ok: true, detail: '5 CVEs served, with the API key; NVD time 2023-03-14T17:08:31.140' }]);
    expect(server.requestsTo(PATH)[0]!.headers['apikey']).toBe('secret-key');
    expect(server.requestsTo(PATH)[0]!.query).toMatchObject({ startIndex: '0', resultsPerPage: '1' });
  });
});
