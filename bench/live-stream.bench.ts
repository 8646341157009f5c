/**
 * The live-stream connector replaying a burst of stream events from the local stand-in of a remote OpenCTI stream
 * (loopback only, served from a child process), end to end: SSE parsing, conversion, batches of 500, delivery,
 * a checkpoint per batch, until the stream is idle (run-and-terminate).
 *
 * - into RabbitMQ (127.0.0.1:5672, guest/guest; skipped with a note when no broker answers): the runtime's run with
 *   the queue sink and its confirm channel, 100,000 events. The platform's work calls are stubbed (no platform here).
 *   Baseline: the same event messages published on the same confirm channel in batches of 500, nothing else.
 * - into the directory sink: `octi-connector run live-stream` in process. Each event is a file written and fsynced,
 *   so this case defaults to 20,000 events (LIVE_STREAM_BENCH_DIRECTORY_EVENTS raises it). Baseline: the same events
 *   handed straight to the directory sink in batches of 500.
 * - the transport alone: the same stream read and split into events with Node's http client, nothing else.
 *
 * Run: `npm run bench` (or `npm run build && node dist/bench/live-stream.bench.js`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as amqp from 'amqplib';
import { resolveConfig } from '../core/config/resolve';
import { eventMessage } from '../core/delivery/amqp-message';
import { AmqpSink } from '../core/delivery/amqp';
import { DirectorySink } from '../core/delivery/directory';
import { ConfirmPublisher } from '../core/delivery/publisher';
import { silentLogger } from '../core/log/logger';
import { WorkClient } from '../core/platform/works';
import type { GraphqlClient } from '../core/platform/graphql';
import { createHttpClient } from '../core/http/client';
import { runConnectorProcess } from '../core/runtime/process';
import { runOnce } from '../core/runtime/run-once';
import { FileStateStore } from '../core/state/file-store';
import type { StreamEvent } from '../core/stix/types';
import liveStream from '../connectors/live-stream/connector';
import { FakeRemote, indicatorPayload } from '../connectors/live-stream/test/fake-remote';

const EVENTS = Number(process.env.LIVE_STREAM_BENCH_EVENTS ?? 100_000);
const DIRECTORY_EVENTS = Math.min(EVENTS, Number(process.env.LIVE_STREAM_BENCH_DIRECTORY_EVENTS ?? 20_000));
const BATCH = 500;
const TOKEN = 'bench-token';
const STREAM = 'bench-stream';
const FIRST_MS = 1_700_000_000_000;
const EXCHANGE = 'octi-bench-live-stream';
const QUEUE = 'octi-bench-live-stream';
const BROKER = { protocol: 'amqp' as const, hostname: '127.0.0.1', port: 5672, vhost: '/', username: 'guest', password: 'guest' };

const eventId = (i: number) => `${FIRST_MS + i}-0`;
/** The saved position that makes the remote send its last `count` events. */
const startBefore = (count: number) => (count >= EVENTS ? `${FIRST_MS - 1}-0` : eventId(EVENTS - count - 1));

/** Child: the remote, holding EVENTS events, until the parent goes away. */
async function serve(): Promise<void> {
  const remote = await FakeRemote.start({ token: TOKEN, heartbeatMs: 100, streams: [{ id: STREAM, name: 'bench', live: true }] });
  for (let i = 0; i < EVENTS; i++) remote.seed({ id: eventId(i), type: 'create', payload: indicatorPayload(i) });
  process.send?.(remote.url);
  process.on('disconnect', () => process.exit(0));
}

function liveEnv(url: string, extra: Record<string, string>): Record<string, string> {
  return {
    LIVE_STREAM_URL: url,
    LIVE_STREAM_TOKEN: TOKEN,
    LIVE_STREAM_ID: STREAM,
    LIVE_STREAM_BATCH_SIZE: String(BATCH),
    LIVE_STREAM_HEARTBEAT_INTERVAL_MS: '100',
    CONNECTOR_RUN_AND_TERMINATE: 'true',
    CONNECTOR_LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** Baseline: the stream read with Node's http client and split into events, nothing else. */
function transportOnly(url: string, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(`${url}/stream/${STREAM}?from=${startBefore(count)}`, { headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      let seen = 0;
      let tail = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        const parts = (tail + text).split('\n\n');
        tail = parts.pop() ?? '';
        for (const p of parts) if (p.includes('event: create')) seen += 1;
        if (seen >= count) {
          req.destroy();
          resolve(performance.now() - t0);
        }
      });
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
  });
}

function benchEvents(count: number): StreamEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const n = EVENTS - count + i;
    const payload = indicatorPayload(n) as { data: StreamEvent['data'] };
    return { id: eventId(n), type: 'create', data: payload.data, synchronized: false, previous_standard: null };
  });
}

const identity = { id: '7d3c1d0e-0000-5000-8000-00000000be9c', name: 'live-stream', type: 'STREAM', scope: [], auto: false, validate_before_import: false };

async function directoryConnector(url: string, count: number): Promise<{ ms: number; files: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'octi-bench-live-stream-'));
  try {
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ start_from: startBefore(count) }));
    const env = liveEnv(url, { CONNECTOR_SEND_TO_DIRECTORY_PATH: join(dir, 'out'), CONNECTOR_STATE_PATH: join(dir, 'state.json') });
    const discard = new Writable({ write: (_chunk, _enc, cb) => cb() });
    const t0 = performance.now();
    const code = await runConnectorProcess(liveStream, { env, cwd: dir, logDestination: discard as never });
    const ms = performance.now() - t0;
    if (code !== 0) throw new Error(`connector exited ${code}`);
    return { ms, files: readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.json')).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function directorySinkOnly(count: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'octi-bench-live-stream-sink-'));
  try {
    const events = benchEvents(count);
    const sink = new DirectorySink({ path: dir, retentionDays: 0 });
    const t0 = performance.now();
    await sink.startRun({ runId: 'bench', connector: identity, startedAt: new Date(), log: silentLogger(), applicantId: null, update: true });
    for (let i = 0; i < events.length; i += BATCH) await sink.deliver({ objects: [], events: events.slice(i, i + BATCH) });
    return performance.now() - t0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Works without a platform: the queue sink asks for a work id and reports expectations; nothing to record here. */
class NoPlatformWorks extends WorkClient {
  constructor() {
    super(undefined as unknown as GraphqlClient);
  }
  override async add(): Promise<string> {
    return 'work_bench';
  }
  override async addExpectations(): Promise<void> {}
  override async toProcessed(): Promise<void> {}
  override async toReceived(): Promise<void> {}
  override async ping(): Promise<void> {}
}

/** A bench exchange and a bounded queue (old messages dropped: only the confirms matter here). */
async function prepareBroker(): Promise<boolean> {
  try {
    const conn = await amqp.connect({ ...BROKER });
    const ch = await conn.createChannel();
    await ch.assertExchange(EXCHANGE, 'direct', { durable: false, autoDelete: false });
    await ch.assertQueue(QUEUE, { durable: false, arguments: { 'x-max-length': 1000 } });
    await ch.bindQueue(QUEUE, EXCHANGE, QUEUE);
    await conn.close();
    return true;
  } catch {
    return false;
  }
}

async function dropBroker(): Promise<void> {
  const conn = await amqp.connect({ ...BROKER });
  const ch = await conn.createChannel();
  await ch.deleteQueue(QUEUE);
  await ch.deleteExchange(EXCHANGE);
  await conn.close();
}

function publisher(): ConfirmPublisher {
  return new ConfirmPublisher({ target: BROKER, exchange: EXCHANGE, routingKey: QUEUE, log: silentLogger(), connectionName: 'octi-bench-live-stream' });
}

async function rabbitConnector(url: string, count: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'octi-bench-live-stream-mq-'));
  const pub = publisher();
  try {
    const signal = new AbortController().signal;
    await pub.connect(signal);
    const statePath = join(dir, 'state.json');
    writeFileSync(statePath, JSON.stringify({ start_from: startBefore(count) }));
    const cfg = resolveConfig(liveStream, { env: liveEnv(url, {}), cwd: dir });
    const log = silentLogger();
    const sink = new AmqpSink({ publisher: pub, works: new NoPlatformWorks(), connectorUserId: 'bench-user' });
    const t0 = performance.now();
    const result = await runOnce({
      def: liveStream,
      config: cfg.config,
      settings: cfg.settings,
      identity,
      applicantId: 'bench-user',
      update: true,
      sink,
      store: new FileStateStore(statePath),
      http: createHttpClient({ ...liveStream.http?.(cfg.config), log }),
      log,
      signal,
    });
    const ms = performance.now() - t0;
    if (!result.ok || result.events !== count) throw new Error(`run ${result.ok ? 'ok' : 'failed'} with ${result.events} of ${count} events: ${String(result.error ?? '')}`);
    return ms;
  } finally {
    await pub.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rabbitPublishOnly(count: number): Promise<number> {
  const pub = publisher();
  try {
    await pub.connect(new AbortController().signal);
    const events = benchEvents(count);
    const ctx = { applicantId: 'bench-user', workId: 'work_bench', update: true };
    const t0 = performance.now();
    for (let i = 0; i < events.length; i += BATCH) await pub.publishAll(events.slice(i, i + BATCH).map((e, j) => eventMessage(e, ctx, i + j + 1)));
    return performance.now() - t0;
  } finally {
    await pub.close();
  }
}

function report(name: string, count: number, ms: number, baselineName: string, baselineMs: number): void {
  const rate = count / (ms / 1000);
  const base = count / (baselineMs / 1000);
  console.log(`live-stream → ${name.padEnd(10)} ${count} events in ${(ms / 1000).toFixed(1)} s = ${Math.round(rate)} events/s`);
  console.log(`  baseline (${baselineName}) ${Math.round(base)} events/s; ratio ${(rate / base).toFixed(2)}x`);
}

export async function run(): Promise<void> {
  const server: ChildProcess = fork(__filename, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      server.once('message', (m) => resolve(String(m)));
      server.once('exit', (code) => reject(new Error(`stream server exited ${code}`)));
    });
    const transportMs = await transportOnly(url, EVENTS);
    console.log(`live-stream transport alone (Node http, split into events): ${Math.round(EVENTS / (transportMs / 1000))} events/s`);

    if (await prepareBroker()) {
      try {
        const baseMs = await rabbitPublishOnly(EVENTS);
        const ms = await rabbitConnector(url, EVENTS);
        report('RabbitMQ', EVENTS, ms, 'the same messages published on a confirm channel, nothing else', baseMs);
        console.log(`  vs transport alone: ${(transportMs / ms).toFixed(2)}x`);
      } finally {
        await dropBroker();
      }
    } else {
      console.log('live-stream → RabbitMQ: skipped (no broker at 127.0.0.1:5672 with guest/guest)');
    }

    const dirBaseMs = await directorySinkOnly(DIRECTORY_EVENTS);
    const dir = await directoryConnector(url, DIRECTORY_EVENTS);
    if (dir.files !== DIRECTORY_EVENTS) throw new Error(`expected ${DIRECTORY_EVENTS} files, got ${dir.files}`);
    report('directory', DIRECTORY_EVENTS, dir.ms, 'the same events handed to the directory sink, nothing else', dirBaseMs);
    if (DIRECTORY_EVENTS < EVENTS) console.log(`  (${DIRECTORY_EVENTS} events: one fsynced file each; LIVE_STREAM_BENCH_DIRECTORY_EVENTS=${EVENTS} for the full count)`);
  } finally {
    server.disconnect();
    server.kill();
  }
}

if (require.main === module) {
  const task = process.argv[2] === '--serve' ? serve() : run();
  task.catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
