import { StateError } from '../errors';
import type { Logger } from '../log/logger';
import { backoffDelay, pause } from '../platform/backoff';
import type { PingStateChannel } from '../platform/ping';
import type { State, StateStore } from './store';

/**
 * Connector state kept on the platform (`connector_state`), as the reference SDK does, but pushed by an immediate
 * ping after every committed checkpoint: `save` resolves only once the platform took it, so a crash loses nothing.
 *
 * Operator reset. The platform's reset writes `''` and raises a flag; the next ping is not written and is answered
 * `''` once. We treat an empty answer as a reset only when the platform held a non-empty state before that ping
 * (what we last pushed); any other mismatch between what we sent and what came back is a stale read and is ignored,
 * because our local state is the truth (the reference SDK overwrites its state with any differing echo).
 * Known limit: a reset made while the platform held no state at all is indistinguishable from a stale echo.
 */

export interface PlatformStoreOptions {
  /** attempts of the immediate ping behind `save` before it fails (default 5) */
  saveAttempts?: number;
  saveRetryInitialMs?: number;
  saveRetryMaxMs?: number;
}

export class PlatformStateStore implements StateStore, PingStateChannel {
  readonly kind = 'platform';
  private current: State | null;
  /** the state text the platform holds, as far as its answers tell */
  private platformHolds: string;
  private resetPending = false;
  private push: (() => Promise<void>) | null = null;

  constructor(
    registrationState: string | null,
    private readonly log: Logger,
    private readonly opts: PlatformStoreOptions = {},
  ) {
    this.current = parseState(registrationState);
    this.platformHolds = this.current === null ? '' : (registrationState ?? '');
  }

  /** Wires the ping that carries the state (the link's pinger). */
  attach(push: () => Promise<void>): void {
    this.push = push;
  }

  async load(): Promise<State | null> {
    return this.current === null ? null : structuredClone(this.current);
  }

  async save(state: State): Promise<void> {
    if (this.resetPending) {
      // The operator's reset wins over progress made before the runtime noticed it.
      this.log.warn('checkpoint not saved: the state was reset on the platform; the next run starts from the configured start');
      return;
    }
    this.current = structuredClone(state);
    await this.pushWithRetry();
  }

  takeReset(): boolean {
    if (!this.resetPending) return false;
    this.resetPending = false;
    return true;
  }

  /** true between a detected reset and the runtime taking it */
  get resetRequested(): boolean {
    return this.resetPending;
  }

  outgoing(): string {
    return this.current === null ? '' : JSON.stringify(this.current);
  }

  answered(sent: string, answer: string | null): void {
    const answerEmpty = isEmptyState(answer);
    if (answerEmpty && !isEmptyState(sent) && !isEmptyState(this.platformHolds)) {
      this.current = null;
      this.platformHolds = '';
      this.resetPending = true;
      this.log.warn('the connector state was reset on the platform by an operator: the next run starts from the configured start');
      return;
    }
    if (!answerEmpty && answer !== sent) this.log.debug('ping answered an older state (stale read): ignored, the local state stands');
    this.platformHolds = sent;
  }

  async close(): Promise<void> {
    this.push = null;
  }

  private async pushWithRetry(): Promise<void> {
    const push = this.push;
    if (!push) return;
    const attempts = this.opts.saveAttempts ?? 5;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        await push();
        return;
      } catch (err) {
        lastError = err;
        if (attempt < attempts) {
          await pause(backoffDelay(attempt, { initialMs: this.opts.saveRetryInitialMs ?? 1000, maxMs: this.opts.saveRetryMaxMs ?? 15_000 }));
        }
      }
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    throw new StateError(`the platform did not take the connector state after ${attempts} attempts: ${reason}`, lastError);
  }
}

function isEmptyState(text: string | null): boolean {
  return text === null || text.trim() === '' || text.trim() === 'null';
}

/** The registration's `connector_state`: JSON text of an object, or empty. Anything else is never silently reset. */
export function parseState(text: string | null): State | null {
  if (isEmptyState(text)) return null;
  let value: unknown;
  try {
    value = JSON.parse(text as string);
  } catch (err) {
    throw new StateError(`the connector state saved on the platform is not JSON; reset it from the platform's connector page`, err);
  }
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new StateError(`the connector state saved on the platform is not a JSON object; reset it from the platform's connector page`);
  }
  return value as State;
}
