import type { ServerResponse } from 'node:http';
import { startSourceServer, type RecordedRequest, type SourceServer } from '../../../core/testing/source-server';

/**
 * A stand-in for a remote OpenCTI platform's live stream, following its observable behaviour (sseMiddleware):
 * `GET /stream/<id>` with a Bearer token; 401 for a bad token or an unknown stream, 410 for a stopped one; a
 * `connected` event, then (with `recover`) the stored objects as `create` events whose ids are their update time,
 * then the event log after the start point; dependencies sent just before their event under the same id; deletions
 * hidden with `listen-delete=false`; a heartbeat every period carrying the current position (the last id sent, or
 * "now" once the log is exhausted). `POST /graphql` answers `about` and `streamCollections`.
 */

export type Operation = 'create' | 'update' | 'delete' | 'merge';
export interface LogEvent {
  id: string;
  type: Operation;
  payload: Record<string, unknown>;
  /** payloads sent before this event under its id (unless `no-dependencies=true`) */
  dependencies?: Record<string, unknown>[];
}
export interface FakeStream {
  id: string;
  name: string;
  description?: string;
  live: boolean;
  public?: boolean;
}
export interface FakeRemoteOptions {
  token: string;
  streams: FakeStream[];
  heartbeatMs: number;
  version?: string;
}

type Pos = [number, number];
const parseId = (id: string): Pos => id.split('-').map(Number) as Pos;
const after = (a: Pos, b: Pos): boolean => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/** A STIX indicator payload as the platform puts it in a stream event (version 4). */
export function indicatorPayload(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const data = { id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, type: 'indicator', spec_version: '2.1', name: `indicator ${n}`, pattern: `[ipv4-addr:value = '192.0.2.${n % 250}']`, pattern_type: 'stix' };
  return { version: '4', type: 'create', message: `creates an Indicator \`indicator ${n}\``, origin: { user_id: 'remote-user' }, data, ...extra };
}

class Connection {
  lastId: string;
  /** index in the remote's log of the next event to send (the log is in id order) */
  private next = 0;
  dataSent = 0;
  private pumping = false;
  private timer: NodeJS.Timeout;
  constructor(
    private readonly remote: FakeRemote,
    readonly res: ServerResponse,
    readonly opts: { start: Pos; listenDelete: boolean; noDependencies: boolean; dropAfter: number | null },
  ) {
    this.lastId = `${opts.start[0]}-${opts.start[1]}`;
    this.seek(opts.start);
    this.timer = setInterval(() => {
      if (!remote.stalled) this.write(this.lastId, 'heartbeat', JSON.stringify(new Date(parseId(this.lastId)[0]).toISOString()));
    }, remote.opts.heartbeatMs);
    res.on('close', () => clearInterval(this.timer));
  }

  write(id: string | undefined, event: string, data: string, written?: () => void): boolean {
    if (this.res.destroyed || this.res.writableEnded) return true;
    if (id !== undefined) this.lastId = id;
    return this.res.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${data}\n\n`, written);
  }

  /** Sends one event (and its dependencies); false once the connection is gone or was dropped on purpose. */
  async send(e: LogEvent, type: Operation = e.type, extra: Record<string, unknown> = {}): Promise<boolean> {
    if (type === 'delete' && !this.opts.listenDelete) return true;
    const frames: [string, string][] = [];
    if (!this.opts.noDependencies) for (const d of e.dependencies ?? []) frames.push(['create', JSON.stringify({ ...d, origin: { referer: 'dependencies' } })]);
    frames.push([type, JSON.stringify({ ...e.payload, ...extra })]);
    for (const [t, data] of frames) {
      while (this.remote.stalled && !this.res.destroyed) await new Promise((r) => setTimeout(r, 5));
      if (this.res.destroyed) return false;
      this.dataSent += 1;
      if (this.opts.dropAfter !== null && this.dataSent >= this.opts.dropAfter) {
        // let what was written reach the client first, so the cut falls after this event
        this.write(e.id, t, data, () => setImmediate(() => this.res.socket?.destroy()));
        return false;
      }
      if (!this.write(e.id, t, data)) await new Promise((r) => this.res.once('drain', r));
      if (this.remote.queuedHeartbeats) for (let i = 0; i < 2; i++) this.write(e.id, 'heartbeat', JSON.stringify(new Date(parseId(e.id)[0]).toISOString()));
    }
    return true;
  }

  /** The live tail starts after `pos`. */
  seek(pos: Pos): void {
    const log = this.remote.log;
    this.next = 0;
    while (this.next < log.length && !after(parseId(log[this.next]!.id), pos)) this.next += 1;
  }

  /** Sends the log after the cursor; once exhausted, the position becomes "now" (the platform's idle processor). */
  async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.next < this.remote.log.length) {
        const event = this.remote.log[this.next]!;
        this.next += 1;
        if (!(await this.send(event))) return;
      }
      if (!this.remote.stalled) this.lastId = this.remote.idleId();
    } finally {
      this.pumping = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.res.end();
  }
}

export class FakeRemote {
  readonly log: LogEvent[] = [];
  stalled = false;
  /** the next connection is cut after this many data events */
  dropNextAfter: number | null = null;
  /** statuses answered to the next stream requests, one each (a 5xx outage) */
  failNext: number[] = [];
  /** false: send deletions even when asked not to (to prove the client filters them too) */
  honourListenDelete = true;
  /** two heartbeats after every event, as a slow reader finds them queued behind a burst */
  queuedHeartbeats = false;
  private readonly open = new Set<Connection>();
  private floor: Pos = [0, 0];

  private constructor(
    readonly server: SourceServer,
    readonly opts: FakeRemoteOptions,
  ) {}

  static async start(opts: FakeRemoteOptions): Promise<FakeRemote> {
    const remote = new FakeRemote(await startSourceServer(), opts);
    for (const s of opts.streams) remote.server.route('GET', `/stream/${s.id}`, (req, res) => remote.serve(s.id, req, res));
    remote.server.route('POST', '/graphql', (req, res) => remote.graphql(req, res));
    return remote;
  }

  get url(): string {
    return this.server.origin;
  }

  streamRequests(id: string): RecordedRequest[] {
    return this.server.requestsTo(`/stream/${id}`);
  }

  /** Adds past events with their own ids (the history a `recover` replays). */
  seed(...events: LogEvent[]): void {
    for (const e of events) {
      this.log.push(e);
      if (after(parseId(e.id), this.floor)) this.floor = parseId(e.id);
    }
  }

  /** Publishes a new event now, with an id after everything sent so far, and pushes it to open connections. */
  publish(type: Operation, payload: Record<string, unknown>, dependencies?: Record<string, unknown>[]): LogEvent {
    const now = Date.now();
    const id: Pos = now > this.floor[0] ? [now, 0] : [this.floor[0], this.floor[1] + 1];
    this.floor = id;
    const e: LogEvent = { id: `${id[0]}-${id[1]}`, type, payload: { ...payload, type }, dependencies };
    this.log.push(e);
    for (const c of this.open) void c.pump();
    return e;
  }

  /** The idle position: "now", never before an id already handed out. */
  idleId(): string {
    const now = Date.now();
    if (now > this.floor[0]) this.floor = [now, 0];
    return `${this.floor[0]}-${this.floor[1]}`;
  }

  setLive(id: string, live: boolean): void {
    this.opts.streams.find((s) => s.id === id)!.live = live;
    if (!live) for (const c of this.open) c.close();
  }

  dropConnections(): void {
    for (const c of this.open) c.res.socket?.destroy();
  }

  get openConnections(): number {
    return this.open.size;
  }

  close(): Promise<void> {
    for (const c of this.open) c.close();
    return this.server.close();
  }

  private refuse(res: ServerResponse, status: number, message: string): void {
    res.statusMessage = message;
    res.writeHead(status).end();
  }

  private async serve(streamId: string, req: RecordedRequest, res: ServerResponse): Promise<void> {
    if (req.headers.authorization !== `Bearer ${this.opts.token}`) return this.refuse(res, 401, 'You are not authenticated, please check your credentials');
    const stream = this.opts.streams.find((s) => s.id === streamId)!;
    if (!stream.live) return this.refuse(res, 410, 'This live stream is stopped');
    const failure = this.failNext.shift();
    if (failure !== undefined) return this.refuse(res, failure, 'Error in stream');
    const fromRaw = req.query.from ?? (req.headers['last-event-id'] as string | undefined);
    const start = toPosition(fromRaw);
    const recover = toPosition(req.query.recover);
    if (recover && !start) return this.refuse(res, 500, 'Error in stream: Recovery mode is only possible with a start date.');
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive' });
    res.flushHeaders();
    const conn = new Connection(this, res, {
      start: start ?? parseId(this.idleId()),
      listenDelete: !this.honourListenDelete || req.query['listen-delete'] !== 'false',
      noDependencies: req.query['no-dependencies'] === 'true',
      dropAfter: this.dropNextAfter,
    });
    this.dropNextAfter = null;
    this.open.add(conn);
    res.on('close', () => this.open.delete(conn));
    conn.write(undefined, 'connected', JSON.stringify({ connectionId: `conn-${this.server.requests.length}`, clients: this.open.size }));
    if (recover && start && after(recover, start)) {
      for (const e of this.snapshot(start, recover)) if (!(await conn.send(e, 'create', { type: 'create', context: undefined, origin: { referer: 'init' } }))) return;
      conn.seek(recover);
    }
    await conn.pump();
  }

  /** The latest state of each object changed in (start, recover], as the replay sends it: ids = update time. */
  private snapshot(start: Pos, recover: Pos): LogEvent[] {
    const latest = new Map<string, LogEvent>();
    for (const e of this.log) {
      const pos = parseId(e.id);
      if (after(pos, recover)) continue;
      const objectId = (e.payload.data as { id: string }).id;
      latest.delete(objectId);
      if (e.type !== 'delete') latest.set(objectId, { ...e, id: `${pos[0]}-0` });
    }
    return [...latest.values()].filter((e) => after(parseId(e.id), start)).sort((a, b) => parseId(a.id)[0] - parseId(b.id)[0]);
  }

  private graphql(req: RecordedRequest, res: ServerResponse): void {
    const json = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${this.opts.token}`) return json({ errors: [{ message: 'You must be logged in', extensions: { code: 'AUTH_REQUIRED' } }] });
    const { query } = JSON.parse(req.body.toString('utf8')) as { query: string };
    if (query.includes('about')) return json({ data: { about: { version: this.opts.version ?? '6.9.4' } } });
    const edges = this.opts.streams.map((s) => ({ node: { id: s.id, name: s.name, description: s.description ?? null, stream_live: s.live, stream_public: s.public ?? false } }));
    return json({ data: { streamCollections: { edges, pageInfo: { endCursor: null, hasNextPage: false } } } });
  }
}

/** `from`/`recover` as the platform reads them: `0`/`0-0`, an event id, or a date. */
function toPosition(raw: string | undefined): Pos | null {
  if (raw === undefined || raw === '') return null;
  if (raw === '0' || raw === '0-0') return [0, 0];
  if (/^\d+-\d+$/.test(raw)) return parseId(raw);
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? null : [ms, 0];
}
