/**
 * When to try a request again and how long to wait first. Pure functions plus one abortable sleep, so the policy can be
 * tested without a server and the client loop stays a loop.
 */

export interface RetryPolicy {
  /** attempts after the first */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Statuses that say "not now" rather than "never": request timeout, too early, rate limit and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * A POST may already have been acted upon when a connection drops or a 500 comes back, so it is only retried when the
 * server said it did not process it (408, 425, 429, 503) or when we never reached the server at all.
 */
const NON_IDEMPOTENT_RETRYABLE_STATUSES = new Set([408, 425, 429, 503]);
const NEVER_CONNECTED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function isIdempotent(method: string): boolean {
  return method !== 'POST';
}

export function mayRetryStatus(method: string, status: number): boolean {
  if (!isRetryableStatus(status)) return false;
  return isIdempotent(method) || NON_IDEMPOTENT_RETRYABLE_STATUSES.has(status);
}

/** `code` is the Node system error code of a failure that produced no HTTP status (or undefined for a timeout). */
export function mayRetryNetworkFailure(method: string, code: string | undefined): boolean {
  return isIdempotent(method) || (code !== undefined && NEVER_CONNECTED_CODES.has(code));
}

/**
 * Parses `Retry-After`: delta-seconds or an HTTP date. Returns milliseconds from `nowMs` (never negative), or undefined
 * when the header is absent or unreadable (then the normal backoff applies).
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Exponential backoff with "equal jitter": half the window is fixed, half random, so retries from many connectors
 * spread out while each still waits at least half of the nominal delay. `attempt` is the retry number, from 1.
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(nominal / 2 + (nominal / 2) * random());
}

/** The server's Retry-After wins over our own backoff (it knows its rate limit), but never beyond maxDelayMs. */
export function retryDelayMs(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
  return backoffDelayMs(attempt, policy);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it is aborted (shutdown must not wait out a backoff). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
