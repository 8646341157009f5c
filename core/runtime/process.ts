import type { DestinationStream } from 'pino';
import type { ConnectorDefinition } from '../contract/connector';
import type { ConfigSpec, InferConfig } from '../config/fields';
import { parseIsoDuration } from '../config/duration';
import { resolveConfig, type ResolvedConfig } from '../config/resolve';
import { ConfigError, SourceAuthError, StateError, isOctiError } from '../errors';
import { createHttpClient } from '../http/client';
import type { HttpClient } from '../http/types';
import { createLogger, type Logger } from '../log/logger';
import type { RuntimeObserver } from './observer';
import { runOnce, type RunResult } from './run-once';
import { sleep } from './sleep';
import { wire, type Wiring } from './wiring';

export interface ProcessOptions {
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** log destination (tests); default stderr, pretty on a TTY */
  logDestination?: DestinationStream;
  /** external stop (tests); the CLI wires SIGTERM/SIGINT to it */
  signal?: AbortSignal;
  /** extra observers (metrics) */
  observers?: RuntimeObserver[];
  now?: () => Date;
}

/** Failures that no retry can cure: a refused token, an unreadable state, a bad configuration. They end the process. */
function isPermanent(err: unknown): boolean {
  return err instanceof SourceAuthError || err instanceof StateError || err instanceof ConfigError;
}

/** Delay before a stream connector's collect() is restarted after a failure. */
const STREAM_RESTART_MS = [1000, 5000, 15000, 60000];

/** Prints an expected failure as one line; anything else with its stack. */
export function reportFailure(log: Logger | null, err: unknown, what: string): void {
  if (isOctiError(err) && err.expected) {
    if (log) log.error({ code: err.code }, `${what}: ${err.message}`);
    else process.stderr.write(`${what}: ${err.message}\n`);
  } else if (log) log.error({ err }, what);
  else process.stderr.write(`${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
}

/** Loads and validates the configuration; a ConfigError is printed line by line and gives exit 2. */
export function loadOrExplain<Spec extends ConfigSpec>(
  def: ConnectorDefinition<Spec>,
  opts: ProcessOptions,
): { cfg: ResolvedConfig<InferConfig<Spec>>; log: Logger } | { exitCode: number } {
  let cfg: ResolvedConfig<InferConfig<Spec>>;
  try {
    cfg = resolveConfig(def, { configPath: opts.configPath, env: opts.env, cwd: opts.cwd });
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.problems) process.stderr.write(`configuration error: ${line}\n`);
      return { exitCode: 2 };
    }
    reportFailure(null, err, 'configuration');
    return { exitCode: isOctiError(err) ? err.exitCode : 1 };
  }
  const log = createLogger({
    level: cfg.settings.connector.log_level,
    secrets: cfg.secrets,
    destination: opts.logDestination,
    bindings: { connector: def.name, connector_id: cfg.connectorId },
  });
  for (const w of cfg.warnings) log.warn(w);
  return { cfg, log };
}

/**
 * The whole life of a connector process: configuration, wiring (directory or platform), runs on the schedule or once,
 * graceful stop. Returns the exit code: 0 ok, 1 failure, 2 configuration.
 */
export async function runConnectorProcess<Spec extends ConfigSpec>(def: ConnectorDefinition<Spec>, opts: ProcessOptions = {}): Promise<number> {
  const loaded = loadOrExplain(def, opts);
  if ('exitCode' in loaded) return loaded.exitCode;
  const { cfg, log } = loaded;
  const signal = opts.signal ?? new AbortController().signal;
  const c = cfg.settings.connector;

  // The source's client first: its options come from the connector's config (credentials, TLS files), and a
  // problem there is a configuration error (exit 2) to report before registering anywhere.
  let http: HttpClient;
  try {
    http = createHttpClient({ ...(def.http?.(cfg.config) ?? {}), log });
  } catch (err) {
    reportFailure(log, err, 'configuration');
    return isOctiError(err) ? err.exitCode : 1;
  }

  let wiring: Wiring;
  try {
    wiring = await wire(def, cfg, log, signal, opts.cwd);
  } catch (err) {
    if (signal.aborted) return 0;
    reportFailure(log, err, 'start failed');
    return isOctiError(err) ? err.exitCode : 1;
  }
  const observers = [...wiring.observers, ...(opts.observers ?? [])];
  const observer: RuntimeObserver = fanOut(observers);
  const update = c.update_existing_data ?? def.update ?? false;
  const runOnceNow = (): Promise<RunResult> =>
    runOnce({
      def,
      config: cfg.config,
      settings: cfg.settings,
      identity: wiring.identity,
      applicantId: wiring.applicantId,
      update,
      sink: wiring.sink,
      store: wiring.store,
      http,
      log,
      observer,
      signal,
      now: opts.now,
    });

  log.info(
    { sink: wiring.sink.kind, state: wiring.store.kind, mode: cfg.directoryMode ? 'directory' : 'platform' },
    cfg.directoryMode ? 'connector started on the embedded default (directory sink, local state file)' : 'connector started',
  );
  try {
    return def.type === 'STREAM' ? await serveStream(runOnceNow, c.run_and_terminate, log, signal) : await serveSchedule(runOnceNow, cfg, def, wiring, observer, log, signal);
  } catch (err) {
    // What fails outside a run's own error handling (the state cannot be loaded, the sink cannot start a run).
    reportFailure(log, err, 'stopped');
    return isOctiError(err) ? err.exitCode : 1;
  } finally {
    await wiring.close().catch((err: unknown) => log.warn({ err }, 'closing the sink failed'));
    log.flush?.();
  }
}

async function serveSchedule<Spec extends ConfigSpec>(
  runOnceNow: () => Promise<RunResult>,
  cfg: ResolvedConfig<InferConfig<Spec>>,
  def: ConnectorDefinition<Spec>,
  wiring: Wiring,
  observer: RuntimeObserver,
  log: Logger,
  signal: AbortSignal,
): Promise<number> {
  const c = cfg.settings.connector;
  const periodMs = c.duration_period ?? (def.defaultPeriod ? parseIsoDuration(def.defaultPeriod) : 0);
  const once = c.run_and_terminate || periodMs === 0;
  while (!signal.aborted) {
    const skipReason = await queueOverThreshold(wiring, c.queue_threshold, log);
    if (skipReason) {
      const nextRunAt = once ? null : new Date(Date.now() + periodMs);
      observer.runSkipped?.({ reason: skipReason, nextRunAt });
      log.warn({ next_run: nextRunAt?.toISOString() ?? null }, `run skipped: ${skipReason}`);
      if (once) return 0;
      await sleep(periodMs, signal);
      continue;
    }
    const result = await runOnceNow();
    const nextRunAt = once || signal.aborted ? null : new Date(Date.now() + periodMs);
    observer.runEnded?.({ runId: result.runId, ok: result.ok, at: new Date(), nextRunAt, error: result.error });
    if (!result.ok && (once || isPermanent(result.error))) return 1;
    if (result.resetRequested && !signal.aborted) continue;
    if (once) return result.ok ? 0 : 1;
    if (signal.aborted) break;
    log.info({ next_run: nextRunAt?.toISOString() }, 'waiting for the next run');
    await sleep(periodMs, signal);
  }
  log.info('stopped');
  return 0;
}

/** A stream connector's collect() runs until stopped; a failure restarts it with backoff, 401/403 end the process. */
async function serveStream(runOnceNow: () => Promise<RunResult>, runAndTerminate: boolean, log: Logger, signal: AbortSignal): Promise<number> {
  let failures = 0;
  while (!signal.aborted) {
    const result = await runOnceNow();
    if (result.ok) {
      if (runAndTerminate || signal.aborted) return 0;
      failures = 0;
      continue;
    }
    if (runAndTerminate || isPermanent(result.error)) return 1;
    const wait = STREAM_RESTART_MS[Math.min(failures, STREAM_RESTART_MS.length - 1)]!;
    failures += 1;
    log.warn({ retry_in_ms: wait, attempt: failures }, 'restarting the stream');
    await sleep(wait, signal);
  }
  return 0;
}

async function queueOverThreshold(wiring: Wiring, thresholdMb: number, log: Logger): Promise<string | null> {
  if (!wiring.link || wiring.sink.kind === 'directory') return null;
  try {
    const bytes = await wiring.link.queueBytes();
    // Decimal megabytes, as the reference SDK and the ping's queue_messages_size count them.
    if (bytes > thresholdMb * 1_000_000) return `the platform holds ${(bytes / 1_000_000).toFixed(1)} MB for this connector, over CONNECTOR_QUEUE_THRESHOLD (${thresholdMb} MB)`;
  } catch (err) {
    log.warn({ err }, 'queue size unknown; running anyway');
  }
  return null;
}

function fanOut(observers: RuntimeObserver[]): RuntimeObserver {
  const safe = (fn: () => void) => {
    try {
      fn();
    } catch {
      // observers must never break a run
    }
  };
  return {
    runStarted: (i) => observers.forEach((o) => safe(() => o.runStarted?.(i))),
    batchDelivered: (r, ms) => observers.forEach((o) => safe(() => o.batchDelivered?.(r, ms))),
    checkpointCommitted: (s) => observers.forEach((o) => safe(() => o.checkpointCommitted?.(s))),
    runEnded: (i) => observers.forEach((o) => safe(() => o.runEnded?.(i))),
    runSkipped: (i) => observers.forEach((o) => safe(() => o.runSkipped?.(i))),
  };
}
