import { SourceAuthError, SourceUnavailableError, isOctiError, type Batch, type CollectContext, type Logger, sleep } from '../../core';
import { openStream } from './client';
import type { LiveStreamConfig } from './config';
import { isDataEventType, toStreamEvent } from './convert';
import { PendingBatch } from './pending';
import { initialStart, StreamPosition, type LiveState } from './position';
import type { SseReader } from './reader';
import type { SseEvent } from './sse';

/** A heartbeat alone commits the position at most this often (the platform's own synchroniser saves every 15 s). */
const HEARTBEAT_CHECKPOINT_MS = 15_000;
const MAX_RETRY_MS = 60_000;
/** With CONNECTOR_RUN_AND_TERMINATE a run that cannot connect gives up after this many attempts (exit 1). */
const RUN_AND_TERMINATE_ATTEMPTS = 5;

type Ctx = CollectContext<LiveStreamConfig, LiveState>;

/** What one connection does with the events it reads. */
class Follower {
  readonly position: StreamPosition;
  readonly pending: PendingBatch;
  private lastCheckpointKey: string;
  private lastCheckpointAt = 0;
  /** events were handed over whose id the committed position does not cover yet */
  private deliveredBeyondCheckpoint = false;
  /** set when a run-and-terminate run has read everything */
  finished = false;
  counts = { delivered: 0, deletesFiltered: 0, invalid: 0 };

  constructor(private readonly ctx: Ctx) {
    const cfg = ctx.config;
    this.position = new StreamPosition(initialStart(ctx.state, cfg.start_from, ctx.now()));
    this.pending = new PendingBatch(cfg.batch_size, cfg.batch_max_delay_ms);
    this.lastCheckpointKey = JSON.stringify(ctx.state ?? null);
  }

  private get log(): Logger {
    return this.ctx.log;
  }

  /**
   * The pending events with the position they complete; null when there is nothing new to hand over. A position
   * that only skips what was filtered out (an idle remote moving on) is committed at most every 15 s; one that
   * completes events already delivered is committed at once, so a restart does not send them again.
   */
  flush(force = false): Batch<LiveState> | null {
    const checkpoint = this.position.checkpoint();
    const key = JSON.stringify(checkpoint);
    const moved = checkpoint !== null && key !== this.lastCheckpointKey;
    const due = force || this.pending.size > 0 || this.deliveredBeyondCheckpoint || Date.now() - this.lastCheckpointAt >= HEARTBEAT_CHECKPOINT_MS;
    if (this.pending.size === 0 && !(moved && due)) return null;
    const batch: Batch<LiveState> = {};
    if (this.pending.size > 0) {
      batch.events = this.pending.take();
      this.counts.delivered += batch.events.length;
      this.deliveredBeyondCheckpoint = true;
    }
    if (moved) {
      batch.checkpoint = checkpoint;
      this.lastCheckpointKey = key;
      this.lastCheckpointAt = Date.now();
      if (this.position.open === null) this.deliveredBeyondCheckpoint = false;
    }
    return batch;
  }

  /** Handles one SSE event; returns a batch when one is due. */
  onEvent(ev: SseEvent): Batch<LiveState> | null {
    const cfg = this.ctx.config;
    if (ev.event === 'heartbeat') {
      const idle = this.position.heartbeat(ev.id);
      if (idle && this.ctx.settings.connector.run_and_terminate && !this.position.recovering) {
        this.finished = true;
        // flush first, so the counts include the last batch
        const last = this.flush(true);
        this.log.info({ position: ev.id, ...this.counts }, 'live stream idle: everything up to now was read');
        return last;
      }
      // events waiting go with their batch (full or due), which will carry the position this heartbeat gave
      if (this.pending.size > 0 && this.pending.msUntilDue(performance.now()) > 0) return null;
      return this.flush();
    }
    if (ev.event === 'connected') {
      this.log.info({ connection_id: connectionIdOf(ev.data) }, 'live stream connected');
      return null;
    }
    if (!isDataEventType(ev.event)) {
      this.log.debug({ event: ev.event }, 'stream event ignored');
      return null;
    }
    const id = ev.id ?? this.position.lastSeen ?? '0-0';
    if (ev.id === undefined) this.log.warn({ event: ev.event, assumed_id: id }, 'data event without an id; positioned with the previous one');
    this.position.dataEvent(id);
    if (ev.event === 'delete' && !cfg.listen_delete) {
      this.counts.deletesFiltered += 1;
      return null;
    }
    const converted = toStreamEvent(id, ev.event, ev.data, { synchronized: cfg.perfect_sync });
    if (!converted.ok) {
      this.counts.invalid += 1;
      this.log.warn({ event_id: id }, `stream event skipped: ${converted.reason}`);
      return null;
    }
    this.pending.add(converted.event, performance.now());
    return this.pending.full ? this.flush() : null;
  }
}

function connectionIdOf(data: string): string | undefined {
  try {
    const parsed = JSON.parse(data) as { connectionId?: unknown };
    return typeof parsed.connectionId === 'string' ? parsed.connectionId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Follows the remote stream until stopped (or, with run-and-terminate, until it is idle): connects, turns events into
 * batches, reconnects with backoff after any failure but a refused token, and resumes after the last complete
 * position each time.
 */
export async function* followStream(ctx: Ctx): AsyncGenerator<Batch<LiveState>> {
  const cfg = ctx.config;
  const follower = new Follower(ctx);
  const watchdogMs = cfg.heartbeat_interval_ms * 3;
  let failures = 0;
  while (!ctx.signal.aborted && !follower.finished) {
    const start = follower.position.resume();
    let reader: SseReader | undefined;
    try {
      reader = await openStream(ctx.http, cfg, start, { signal: ctx.signal, watchdogMs, readAhead: cfg.batch_size * 2 });
      ctx.log.info({ from: start.from, recover: start.recover ?? null }, 'live stream opened');
      follower.position.connected();
      for (;;) {
        const next = await reader.next(follower.pending.msUntilDue(performance.now()));
        if (next === 'end') throw new SourceUnavailableError('the remote closed the stream');
        const batch = next === 'timeout' ? follower.flush() : follower.onEvent(next);
        // a connection that carries heartbeats or data works: the next failure starts the backoff over
        if (next !== 'timeout' && next.event !== 'connected') failures = 0;
        if (batch) yield batch;
        if (follower.finished) return;
      }
    } catch (err) {
      // free the connection now, not after the backoff (a stalled one would be held open meanwhile)
      reader?.close();
      if (ctx.signal.aborted) return;
      // a refused token will not get better by retrying; anything not typed by us is a bug for the runtime to report
      if (err instanceof SourceAuthError || !isOctiError(err)) throw err;
      // Hand over what is complete; the group cut by the failure comes again on the next connection.
      follower.pending.dropTrailing(follower.position.open);
      follower.position.connected();
      const partial = follower.flush(true);
      if (partial) yield partial;
      failures += 1;
      if (ctx.settings.connector.run_and_terminate && failures >= RUN_AND_TERMINATE_ATTEMPTS) throw err;
      const wait = Math.min(MAX_RETRY_MS, cfg.retry_delay_ms * 2 ** (failures - 1));
      ctx.log.warn({ attempt: failures, retry_in_ms: wait, reason: err instanceof Error ? err.message : String(err) }, 'live stream interrupted; reconnecting');
      await sleep(wait, ctx.signal);
      if (ctx.signal.aborted) return;
    } finally {
      reader?.close();
    }
  }
}
