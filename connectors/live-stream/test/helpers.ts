import { mkdtempSync, promises as fs, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDirectory, runConnectorOnce, type ConnectorRunResult, type DirectoryFile, type RunConnectorOptions } from '../../../core/testing/run-connector';
import liveStream from '../connector';
import { FakeRemote, indicatorPayload, type LogEvent } from './fake-remote';

export const TOKEN = 'remote-token-3f9a1c';
export const STREAM_ID = 'a1b2c3d4-stream';
/** Short periods so that heartbeats, the watchdog and reconnections happen within a test. */
export const HEARTBEAT_MS = 100;

export function startRemote(heartbeatMs = HEARTBEAT_MS): Promise<FakeRemote> {
  return FakeRemote.start({
    token: TOKEN,
    heartbeatMs,
    streams: [
      { id: STREAM_ID, name: 'Shared intel', description: 'what we share with partners', live: true, public: false },
      { id: 'b-stopped', name: 'Old feed', live: false },
    ],
  });
}

export function envFor(remote: FakeRemote, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LIVE_STREAM_URL: remote.url,
    LIVE_STREAM_TOKEN: TOKEN,
    LIVE_STREAM_ID: STREAM_ID,
    LIVE_STREAM_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS),
    LIVE_STREAM_RETRY_DELAY_MS: '20',
    LIVE_STREAM_BATCH_MAX_DELAY_MS: '20',
    ...extra,
  };
}

/** `count` past creates, one millisecond apart from `firstMs`. */
export function history(count: number, firstMs = 1_700_000_000_000, firstN = 1): LogEvent[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${firstMs + i}-0`, type: 'create' as const, payload: indicatorPayload(firstN + i) }));
}

/** A temporary folder pair for runs that share their output and state. */
export function freshFolders(state?: Record<string, unknown>): { outDir: string; statePath: string } {
  const base = mkdtempSync(join(tmpdir(), 'octi-live-stream-'));
  const statePath = join(base, 'state.json');
  if (state) writeFileSync(statePath, JSON.stringify(state));
  return { outDir: join(base, 'out'), statePath };
}

export function run(remote: FakeRemote, opts: RunConnectorOptions & { extraEnv?: Record<string, string> } = {}): Promise<ConnectorRunResult> {
  const { extraEnv, ...rest } = opts;
  return runConnectorOnce(liveStream, { ...rest, env: envFor(remote, { ...extraEnv, ...rest.env }) });
}

const running = new Set<AbortController>();

/**
 * Starts the connector in live mode (no run-and-terminate); `stop()` is SIGTERM and resolves with the run's result.
 * `stopAll()` (afterEach) stops what a failed test left running, so that jest can exit.
 */
export function startLive(remote: FakeRemote, opts: RunConnectorOptions = {}): { stop(): Promise<ConnectorRunResult>; result: Promise<ConnectorRunResult> } {
  const controller = new AbortController();
  running.add(controller);
  const result = run(remote, { ...opts, env: { CONNECTOR_RUN_AND_TERMINATE: 'false', ...opts.env }, signal: controller.signal });
  return {
    result,
    stop() {
      controller.abort();
      running.delete(controller);
      return result;
    },
  };
}

export function stopAll(): void {
  for (const c of running) c.abort();
  running.clear();
}

/** The DIRECTORY_EVENT files, in write order. */
export function eventFiles(files: DirectoryFile[]): { id: string; type: string; dataId: string; file: DirectoryFile }[] {
  return files
    .filter((f) => f.bundle_type === 'DIRECTORY_EVENT')
    .map((f) => {
      const event = f.event as { id: string; type: string; data: { id: string } };
      return { id: event.id, type: event.type, dataId: event.data.id, file: f };
    });
}

export async function readState(statePath: string): Promise<Record<string, unknown> | null> {
  const text = await fs.readFile(statePath, 'utf8').catch(() => null);
  return text ? (JSON.parse(text) as Record<string, unknown>) : null;
}

/** Polls a condition (files on disk, requests received) until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function delivered(outDir: string): Promise<ReturnType<typeof eventFiles>> {
  return eventFiles(await readDirectory(outDir));
}
