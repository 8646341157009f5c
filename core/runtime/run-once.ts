import { randomUUID } from 'node:crypto';
import type { Batch, CollectContext, ConnectorDefinition } from '../contract/connector';
import type { CommonSettings } from '../config/common';
import type { ConfigSpec, InferConfig } from '../config/fields';
import type { ConnectorIdentity, DeliveryReport, Sink } from '../delivery/sink';
import { DeliveryError, isOctiError } from '../errors';
import type { HttpClient } from '../http/types';
import type { Logger } from '../log/logger';
import type { State, StateStore } from '../state/store';
import * as stix from '../stix';
import type { RuntimeObserver } from './observer';
import { screenObjects } from './screen';

export interface RunDeps<Spec extends ConfigSpec> {
  def: ConnectorDefinition<Spec>;
  config: InferConfig<Spec>;
  settings: CommonSettings;
  identity: ConnectorIdentity;
  applicantId: string | null;
  update: boolean;
  sink: Sink;
  store: StateStore;
  http: HttpClient;
  log: Logger;
  observer?: RuntimeObserver;
  /** aborted on shutdown: collection stops, what is in flight is delivered and committed */
  signal: AbortSignal;
  now?: () => Date;
}

export interface RunResult {
  runId: string;
  ok: boolean;
  /** true when the run stopped early because of a shutdown request */
  interrupted: boolean;
  batches: number;
  objects: number;
  events: number;
  bytes: number;
  skippedObjects: number;
  durationMs: number;
  /** the last state committed by this run (null when none was) */
  committed: State | null;
  /** an operator reset the state on the platform during this run: start a new run from the configured start now */
  resetRequested: boolean;
  error?: unknown;
}

/**
 * One run: pull batches from `collect()`, deliver each through the sink, commit its checkpoint only after the sink
 * confirmed it. Delivery is sequential, so the generator feels backpressure and checkpoints commit in order; the
 * first delivery failure stops the run with the state at the last confirmed batch.
 */
export async function runOnce<Spec extends ConfigSpec>(deps: RunDeps<Spec>): Promise<RunResult> {
  const now = deps.now ?? (() => new Date());
  const runId = randomUUID();
  const startedAt = now();
  const log = deps.log.child({ run_id: runId });
  const totals = { batches: 0, objects: 0, events: 0, bytes: 0, skipped: 0 };
  let committed: State | null = null;
  let resetRequested = false;
  let error: unknown;

  let state = await deps.store.load();
  if (deps.store.takeReset?.()) {
    log.warn('state reset by an operator on the platform: starting from the configured start');
    state = null;
  }
  deps.observer?.runStarted?.({ runId, at: startedAt });
  log.info({ cursor: state }, 'run started');
  await deps.sink.startRun({ runId, connector: deps.identity, startedAt, log, applicantId: deps.applicantId, update: deps.update });

  const ctx: CollectContext<InferConfig<Spec>> = {
    config: deps.config,
    settings: deps.settings,
    state,
    log,
    http: deps.http,
    stix,
    signal: deps.signal,
    runStartedAt: startedAt,
    now,
  };
  const iterator = deps.def.collect(ctx)[Symbol.asyncIterator]();
  try {
    while (!deps.signal.aborted) {
      const next = await iterator.next();
      if (next.done) break;
      const batch: Batch = next.value;
      const delivered = await deliverBatch(deps, log, batch, totals, startedAt);
      if (delivered) deps.observer?.batchDelivered?.(delivered.report, delivered.ms);
      if (batch.checkpoint !== undefined) {
        await deps.store.save(batch.checkpoint);
        committed = batch.checkpoint;
        deps.observer?.checkpointCommitted?.(batch.checkpoint);
        log.debug({ cursor: batch.checkpoint }, 'checkpoint committed');
        // A reset seen by the ping mid-run: what this run still holds is positioned on the old cursor.
        if (deps.store.takeReset?.()) {
          resetRequested = true;
          log.warn('state reset by an operator on the platform: ending this run to restart from the configured start');
          break;
        }
      }
    }
  } catch (err) {
    // An abort while the connector was waiting on its source is a shutdown, not a failure; an unconfirmed
    // delivery is a failure either way.
    if (!deps.signal.aborted || err instanceof DeliveryError || !isAbortLike(err)) error = err;
  } finally {
    await iterator.return?.(undefined).catch(() => undefined);
  }

  const interrupted = deps.signal.aborted && error === undefined;
  const durationMs = now().getTime() - startedAt.getTime();
  const ok = error === undefined;
  const summary = `${totals.objects} objects, ${totals.events} events in ${totals.batches} batches`;
  await deps.sink
    .endRun({ ok, message: ok ? `${interrupted ? 'interrupted after ' : ''}${summary}` : `failed after ${summary}: ${describe(error)}` })
    .catch((err: unknown) => log.warn({ err }, 'closing the run on the sink failed'));
  const result: RunResult = {
    runId,
    ok,
    interrupted,
    batches: totals.batches,
    objects: totals.objects,
    events: totals.events,
    bytes: totals.bytes,
    skippedObjects: totals.skipped,
    durationMs,
    committed,
    resetRequested,
    error,
  };
  const fields = { batches: totals.batches, objects: totals.objects, events: totals.events, bytes: totals.bytes, skipped: totals.skipped, duration_ms: durationMs };
  if (ok) log.info(fields, interrupted ? 'run interrupted by shutdown; delivered data committed' : 'run finished');
  else {
    // An expected failure (source down, bad token, bad data) is one line; anything else keeps its stack.
    const expected = isOctiError(error) && error.expected;
    log.error(
      { ...fields, code: isOctiError(error) ? error.code : undefined, err: expected ? undefined : error },
      `run failed: ${describe(error)}; state left at the last confirmed batch`,
    );
  }
  return result;
}

async function deliverBatch<Spec extends ConfigSpec>(
  deps: RunDeps<Spec>,
  log: Logger,
  batch: Batch,
  totals: { batches: number; objects: number; events: number; bytes: number; skipped: number },
  startedAt: Date,
): Promise<{ report: DeliveryReport; ms: number } | null> {
  const { objects, skipped } = screenObjects(batch.objects ?? [], log);
  totals.skipped += skipped;
  const events = batch.events ?? [];
  if (objects.length === 0 && events.length === 0) return null;
  const t0 = performance.now();
  let report: DeliveryReport;
  try {
    report = await deps.sink.deliver({ objects, events });
  } catch (err) {
    throw isOctiError(err) ? err : new DeliveryError(`delivery to the ${deps.sink.kind} sink failed: ${describe(err)}`, err);
  }
  const ms = performance.now() - t0;
  totals.batches += 1;
  totals.objects += report.objects;
  totals.events += report.events;
  totals.bytes += report.bytes;
  const elapsedS = Math.max((Date.now() - startedAt.getTime()) / 1000, 0.001);
  log.info(
    {
      batch: totals.batches,
      objects: report.objects,
      events: report.events,
      bytes: report.bytes,
      duration_ms: Math.round(ms),
      total_objects: totals.objects + totals.events,
      rate_per_s: Math.round((totals.objects + totals.events) / elapsedS),
    },
    'batch delivered',
  );
  return { report, ms };
}

function isAbortLike(err: unknown): boolean {
  const e = err as { name?: string; code?: string } | null;
  return e?.name === 'AbortError' || e?.code === 'ABORT_ERR' || e?.name === 'CanceledError' || e?.code === 'ERR_CANCELED';
}

export function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
