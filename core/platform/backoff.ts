/** Exponential backoff with jitter, shared by the platform wait, state saves and the broker reconnection. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** Delay before attempt `attempt` (1-based): initial * 2^(attempt-1), capped, with ±20 % jitter so restarts spread. */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const base = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, attempt - 1));
  const jitter = base * 0.2 * (Math.random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(opts.maxMs, base + jitter)));
}

/** Waits `ms` or until the signal aborts; resolves either way (the caller checks the signal). */
export { sleep as pause } from '../runtime/sleep';
