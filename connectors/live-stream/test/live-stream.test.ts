import pino from 'pino';
import { createHttpClient, type CheckContext, type CommonSettings } from '../../../core';
import liveStream from '../connector';
import type { LiveStreamConfig } from '../config';
import { indicatorPayload, type FakeRemote } from './fake-remote';
import { eventFiles, freshFolders, history, run, startRemote, STREAM_ID, TOKEN } from './helpers';

let remote: FakeRemote;
beforeEach(async () => {
  remote = await startRemote();
});
afterEach(async () => {
  await remote.close();
});

const idTime = (id: unknown) => Number(String(id).split('-')[0]);

describe('live-stream: what it asks the remote for', () => {
  it('asks for everything with a replay up to now on a first run, with the token and both options explicit', async () => {
    const before = Date.now();
    const r = await run(remote);
    expect(r.exitCode).toBe(0);
    const [req] = remote.streamRequests(STREAM_ID);
    expect(req!.query).toMatchObject({ from: '0-0', 'listen-delete': 'true', 'no-dependencies': 'false' });
    expect(Date.parse(req!.query.recover!)).toBeGreaterThanOrEqual(before - 1000);
    expect(req!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req!.headers.accept).toBe('text/event-stream');
    // the idle remote's position, past the replay date: a restart resumes without replay
    expect(Object.keys(r.state!)).toEqual(['start_from']);
    expect(idTime(r.state!.start_from)).toBeGreaterThanOrEqual(Date.parse(req!.query.recover!));
    expect(r.logText).not.toContain(TOKEN);
  });

  it('maps a start date and the options to the request', async () => {
    const r = await run(remote, { env: { LIVE_STREAM_START_FROM: '2024-01-01', LIVE_STREAM_LISTEN_DELETE: 'false', LIVE_STREAM_NO_DEPENDENCIES: 'yes' } });
    expect(r.exitCode).toBe(0);
    const [req] = remote.streamRequests(STREAM_ID);
    expect(req!.query).toMatchObject({ from: '2024-01-01T00:00:00.000Z', 'listen-delete': 'false', 'no-dependencies': 'true' });
    expect(req!.query.recover).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('resumes a saved position without replay, as from and Last-Event-ID', async () => {
    const r = await run(remote, freshFolders({ start_from: '1700000000005-0' }));
    expect(r.exitCode).toBe(0);
    const [req] = remote.streamRequests(STREAM_ID);
    expect(req!.query.from).toBe('1700000000005-0');
    expect(req!.query.recover).toBeUndefined();
    expect(req!.headers['last-event-id']).toBe('1700000000005-0');
  });

  it('refuses a configuration without URL, token or stream id (exit 2)', async () => {
    const r = await run(remote, { env: { LIVE_STREAM_URL: '', LIVE_STREAM_TOKEN: '', LIVE_STREAM_ID: '' } });
    expect(r.exitCode).toBe(2);
    expect(remote.streamRequests(STREAM_ID)).toHaveLength(0);
  });
});

describe('live-stream: what it delivers', () => {
  it("replays the remote's history in order as create events, in batches, then exits 0 once the stream is idle", async () => {
    remote.seed(...history(25));
    const r = await run(remote, { env: { LIVE_STREAM_BATCH_SIZE: '10' } });
    expect(r.exitCode).toBe(0);
    const events = eventFiles(r.files);
    expect(events.map((e) => e.id)).toEqual(history(25).map((e) => e.id));
    expect(events.map((e) => e.dataId)).toEqual(history(25).map((e) => (e.payload.data as { id: string }).id));
    expect(events.every((e) => e.type === 'create')).toBe(true);
    expect(events[0]!.file).toMatchObject({ bundle_type: 'DIRECTORY_EVENT', event_id: events[0]!.id, synchronized: false, previous_standard: null, update: true });
    const batches = r.logs.filter((l) => l.msg === 'batch delivered');
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(batches.every((b) => Number(b.events) <= 10)).toBe(true);
    expect(r.state).toEqual({ start_from: expect.stringMatching(/^\d+-\d+$/) });
  });

  it('delivers create, update, merge and delete in order, with previous_standard and synchronized under perfect sync', async () => {
    const malware = { id: 'malware--11111111-1111-4111-8111-111111111111', type: 'malware', spec_version: '2.1', name: 'Renamed', is_family: true };
    const updateContext = { patch: [{ op: 'replace', path: '/name', value: 'Renamed' }], reverse_patch: [{ op: 'replace', path: '/id', value: 'malware--22222222-2222-4222-8222-222222222222' }, { op: 'replace', path: '/name', value: 'Old' }] };
    remote.seed(
      { id: '1700000000001-0', type: 'create', payload: { version: '4', type: 'create', data: { ...malware, name: 'Old' } } },
      { id: '1700000000002-0', type: 'update', payload: { version: '4', type: 'update', data: malware, context: updateContext } },
      { id: '1700000000003-0', type: 'merge', payload: { version: '4', type: 'merge', data: malware, context: { sources: [{ id: 'malware--33333333-3333-4333-8333-333333333333' }] } } },
      { id: '1700000000004-0', type: 'delete', payload: { version: '4', type: 'delete', data: malware } },
    );
    const r = await run(remote, { ...freshFolders({ start_from: '1700000000000-0' }), env: { LIVE_STREAM_PERFECT_SYNC: 'true' } });
    expect(r.exitCode).toBe(0);
    const events = eventFiles(r.files);
    expect(events.map((e) => [e.id, e.type])).toEqual([
      ['1700000000001-0', 'create'],
      ['1700000000002-0', 'update'],
      ['1700000000003-0', 'merge'],
      ['1700000000004-0', 'delete'],
    ]);
    expect(events.map((e) => e.file.synchronized)).toEqual([true, true, true, true]);
    expect(events.map((e) => e.file.previous_standard)).toEqual([null, 'malware--22222222-2222-4222-8222-222222222222', null, null]);
    expect((events[1]!.file.event as { context: unknown }).context).toEqual(updateContext);
  });

  it("sends the payload's own event_id as the platform's synchroniser does, else the stream event id", async () => {
    remote.seed(
      { id: '1700000000001-0', type: 'create', payload: indicatorPayload(1, { event_id: '1699999990000-4' }) },
      { id: '1700000000002-0', type: 'create', payload: indicatorPayload(2) },
    );
    const r = await run(remote, freshFolders({ start_from: '1700000000000-0' }));
    expect(r.exitCode).toBe(0);
    expect(eventFiles(r.files).map((e) => [e.id, e.file.event_id])).toEqual([
      ['1700000000001-0', '1699999990000-4'],
      ['1700000000002-0', '1700000000002-0'],
    ]);
  });

  it('filters deletions when asked, even when the remote sends them anyway, and still moves past them', async () => {
    remote.honourListenDelete = false;
    remote.seed(
      { id: '1700000000001-0', type: 'create', payload: indicatorPayload(1) },
      { id: '1700000000002-0', type: 'delete', payload: indicatorPayload(1) },
      { id: '1700000000003-0', type: 'create', payload: indicatorPayload(3) },
    );
    const r = await run(remote, { ...freshFolders({ start_from: '1700000000000-0' }), env: { LIVE_STREAM_LISTEN_DELETE: 'false' } });
    expect(r.exitCode).toBe(0);
    expect(remote.streamRequests(STREAM_ID)[0]!.query['listen-delete']).toBe('false');
    expect(eventFiles(r.files).map((e) => [e.id, e.type])).toEqual([
      ['1700000000001-0', 'create'],
      ['1700000000003-0', 'create'],
    ]);
    expect(idTime(r.state!.start_from)).toBeGreaterThan(1700000000003);
  });

  it('does not take heartbeats queued behind a burst for an idle stream (run-and-terminate reads it all)', async () => {
    remote.queuedHeartbeats = true;
    remote.seed(...history(6));
    const r = await run(remote, freshFolders({ start_from: '1699999999999-0' }));
    expect(r.exitCode).toBe(0);
    expect(eventFiles(r.files).map((e) => e.id)).toEqual(history(6).map((e) => e.id));
  });

  it('lets heartbeats alone advance the position: a checkpoint without any file', async () => {
    const r = await run(remote, freshFolders({ start_from: '1700000000000-0' }));
    expect(r.exitCode).toBe(0);
    expect(r.files).toEqual([]);
    expect(idTime(r.state!.start_from)).toBeGreaterThan(1700000000000);
  });

  it('skips an event it cannot read with one warning naming it, and goes on', async () => {
    remote.seed(
      { id: '1700000000001-0', type: 'create', payload: { version: '3', type: 'create', data: { id: 'x--1', type: 'x' } } },
      { id: '1700000000002-0', type: 'create', payload: indicatorPayload(2) },
    );
    const r = await run(remote, freshFolders({ start_from: '1700000000000-0' }));
    expect(r.exitCode).toBe(0);
    expect(eventFiles(r.files).map((e) => e.id)).toEqual(['1700000000002-0']);
    expect(r.logs.filter((l) => l.level === 'warn').map((l) => l.msg)).toContain('stream event skipped: event 1700000000001-0: payload version "3" (only 4 is supported)');
  });
});

describe('live-stream: failures', () => {
  it('ends with exit 1 and one clear line when the remote refuses the token, without retrying', async () => {
    const r = await run(remote, { env: { LIVE_STREAM_TOKEN: 'wrong-token-value', CONNECTOR_RUN_AND_TERMINATE: 'false' } });
    expect(r.exitCode).toBe(1);
    expect(remote.streamRequests(STREAM_ID)).toHaveLength(1);
    const errors = r.logs.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toContain(`live stream "${STREAM_ID}" at ${remote.url}: the remote refused the token (HTTP 401)`);
    expect(errors[0]!.msg).toContain('You are not authenticated, please check your credentials');
    expect(r.logText).not.toContain('wrong-token-value');
  });

  it('retries 5xx answers with backoff, logging each attempt, then delivers', async () => {
    remote.failNext = [503, 502];
    remote.seed(...history(3));
    const r = await run(remote, freshFolders({ start_from: '1699999999999-0' }));
    expect(r.exitCode).toBe(0);
    expect(remote.streamRequests(STREAM_ID)).toHaveLength(3);
    const retries = r.logs.filter((l) => l.msg === 'live stream interrupted; reconnecting');
    expect(retries.map((l) => [l.attempt, l.retry_in_ms])).toEqual([
      [1, 20],
      [2, 40],
    ]);
    expect(String(retries[0]!.reason)).toContain('HTTP 503');
    expect(eventFiles(r.files)).toHaveLength(3);
  });
});

describe('live-stream: check', () => {
  const checkContext = (overrides: Partial<LiveStreamConfig> = {}): CheckContext<LiveStreamConfig> => ({
    config: {
      url: remote.url,
      token: TOKEN,
      id: STREAM_ID,
      start_from: undefined,
      listen_delete: true,
      no_dependencies: false,
      perfect_sync: false,
      ssl_verify: true,
      batch_size: 500,
      batch_max_delay_ms: 1000,
      heartbeat_interval_ms: 5000,
      retry_delay_ms: 1000,
      ...overrides,
    },
    settings: {} as CommonSettings,
    log: pino({ level: 'silent' }),
    http: createHttpClient({ retries: 0 }),
    signal: new AbortController().signal,
  });

  it('validates the token, lists the live streams it can read and opens the configured one', async () => {
    const lines = await liveStream.check!(checkContext());
    expect(lines).toEqual([
      { target: `remote ${remote.url}`, ok: true, detail: 'OpenCTI 6.9.4; token accepted' },
      { target: 'remote live streams', ok: true, detail: '2 readable with this token:' },
      { target: `  stream ${STREAM_ID} (configured)`, ok: true, detail: '"Shared intel" (started, restricted) — what we share with partners' },
      { target: '  stream b-stopped', ok: true, detail: '"Old feed" (stopped, restricted)' },
      { target: `stream ${STREAM_ID}`, ok: true, detail: 'connection accepted (connected event received)' },
    ]);
    // the probe asks for no replay
    expect(remote.streamRequests(STREAM_ID)[0]!.query).toEqual({ 'listen-delete': 'true', 'no-dependencies': 'false' });
  });

  it('fails when the configured stream is stopped or not readable with this token', async () => {
    const stopped = await liveStream.check!(checkContext({ id: 'b-stopped' }));
    expect(stopped[stopped.length - 1]).toEqual({ target: 'stream b-stopped', ok: false, detail: 'stopped on the remote: start it there (Data sharing > Live streams)' });
    const unknown = await liveStream.check!(checkContext({ id: 'nope' }));
    expect(unknown[unknown.length - 1]).toEqual({ target: 'stream nope', ok: false, detail: 'LIVE_STREAM_ID is not among the 2 live streams this token can read' });
  });

  it('reports a refused token with the remote own words', async () => {
    await expect(liveStream.check!(checkContext({ token: 'bad' }))).rejects.toThrow(`POST ${remote.url}/graphql: You must be logged in (AUTH_REQUIRED)`);
  });
});
