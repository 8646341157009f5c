import { PlatformError } from '../errors';
import type { Logger } from '../log/logger';
import { backoffDelay, pause } from './backoff';
import { ABOUT, ME } from './documents';
import { PlatformRequestError, type GraphqlClient } from './graphql';

/**
 * The first contact with the platform: `about { version }` needs a valid token, so it checks both that OpenCTI
 * answers and that OPENCTI_TOKEN is accepted. While the platform starts (connection refused, 502/503/504) we wait
 * with backoff and say so; anything else is a clear one-line failure.
 */

export interface WaitOptions {
  /** give up after this long (default 10 min): a platform that never comes is a failure, not a hang */
  maxWaitMs?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export async function fetchVersion(client: GraphqlClient, signal?: AbortSignal): Promise<string> {
  try {
    const data = await client.request<{ about: { version: string } | null }>(ABOUT, {}, signal);
    return data.about?.version ?? 'unknown';
  } catch (err) {
    throw explain(err);
  }
}

export async function fetchTokenUser(client: GraphqlClient, signal?: AbortSignal): Promise<{ id: string; name: string }> {
  try {
    const data = await client.request<{ me: { id: string; name: string } }>(ME, {}, signal);
    return data.me;
  } catch (err) {
    throw explain(err);
  }
}

/** Resolves with the platform version once it answers; rejects at once for a refused token or a wrong URL. */
export async function waitForPlatform(client: GraphqlClient, log: Logger, signal: AbortSignal, opts: WaitOptions = {}): Promise<string> {
  const started = Date.now();
  const maxWaitMs = opts.maxWaitMs ?? 10 * 60_000;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetchVersion(client, signal);
    } catch (err) {
      if (signal.aborted) throw new PlatformError(`stopped while waiting for OpenCTI at ${client.displayUrl}`);
      if (!(err instanceof PlatformRequestError) || err.failure !== 'unreachable') throw err;
      const waited = Date.now() - started;
      if (waited >= maxWaitMs) {
        throw new PlatformError(`OpenCTI at ${client.displayUrl} did not answer within ${Math.round(waited / 1000)} s: ${err.message}`);
      }
      const retryInMs = Math.min(backoffDelay(attempt, { initialMs: opts.initialDelayMs ?? 1000, maxMs: opts.maxDelayMs ?? 30_000 }), maxWaitMs - waited);
      log.warn({ url: client.displayUrl, attempt, retry_in_ms: retryInMs, reason: err.message }, 'waiting for the OpenCTI platform to start');
      await pause(retryInMs, signal);
      if (signal.aborted) throw new PlatformError(`stopped while waiting for OpenCTI at ${client.displayUrl}`);
    }
  }
}

/** Turns a refused token into the sentence an operator needs; other failures keep their own message. */
export function explain(err: unknown): unknown {
  if (err instanceof PlatformRequestError && err.failure === 'auth') {
    const forbidden = err.codes.includes('FORBIDDEN_ACCESS') || err.codes.includes('FORBIDDEN');
    const what = forbidden
      ? "the user of OPENCTI_TOKEN lacks a capability the connector needs (give it the platform's Connector role)"
      : 'the platform refused OPENCTI_TOKEN (wrong, revoked or expired token)';
    return new PlatformRequestError(`${what}: ${err.message}`, 'auth', { status: err.status, codes: err.codes });
  }
  return err;
}
