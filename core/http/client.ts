import { isOctiError, type OctiError } from '../errors';
import { redactUrl, silentLogger, type Logger } from '../log/logger';
import { AgentPool } from './agents';
import { GuardedBody, collect, readPrefix } from './body';
import { cleanCause, clientCertificateRefused, errorFields, statusError, tooLarge, transportError, type RequestContext } from './errors';
import { exchange } from './exchange';
import { prepareRequest, type PreparedRequest, type RequestDefaults } from './prepare';
import { proxySecrets, type ProxyEnv } from './proxy';
import { makeResponse } from './response';
import { abortableSleep, mayRetryNetworkFailure, mayRetryStatus, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry';
import { classifyTlsFailure, loadTlsMaterial, type TlsMaterial } from './tls';
import type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse } from './types';

export { httpFailureOf, type HttpFailure } from './errors';
export type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse } from './types';

/** What a client needs besides its options: where to log, and where proxy variables come from (tests pass their own). */
export interface HttpClientContext {
  log?: Logger;
  /** default `process.env`, read at each request */
  env?: ProxyEnv;
}

const DEFAULTS = { timeoutMs: 30_000, retries: 4, baseDelayMs: 500, maxDelayMs: 60_000, maxBytes: 256 * 1024 * 1024 };
const USER_AGENT = 'octi-connectors';
const EXCERPT_BYTES = 4096;

/** Marks an attempt aborted by our own deadline, as opposed to the caller's signal. */
class DeadlineExceeded extends Error {}

type AttemptOutcome =
  | { ok: true; response: HttpResponse }
  | { ok: false; error: OctiError; retryable: boolean; status?: number; retryAfterMs?: number };

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 3; e = errorFields(e).cause, depth++) {
    const { code } = errorFields(e);
    if (code !== undefined && code !== 'ERR_CANCELED' && !code.startsWith('ERR_BAD_')) return code;
  }
  return undefined;
}

class AxiosHttpClient implements HttpClient {
  private readonly options: HttpClientOptions;
  private readonly context: Required<HttpClientContext>;
  private readonly tls: TlsMaterial;
  private readonly agents: AgentPool;
  private readonly policy: RetryPolicy;

  constructor(options: HttpClientOptions, context: HttpClientContext, previousTls?: TlsMaterial) {
    this.options = { ...options, headers: { ...options.headers } };
    this.context = { log: context.log ?? silentLogger(), env: context.env ?? process.env };
    this.tls = loadTlsMaterial(options, previousTls);
    this.agents = new AgentPool(this.tls, this.context.env);
    this.policy = {
      retries: options.retries ?? DEFAULTS.retries,
      baseDelayMs: options.baseDelayMs ?? DEFAULTS.baseDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULTS.maxDelayMs,
    };
  }

  with(options: HttpClientOptions): HttpClient {
    const merged: HttpClientOptions = { ...this.options, ...options, headers: { ...this.options.headers, ...options.headers } };
    return new AxiosHttpClient(merged, this.context, this.tls);
  }

  get(url: string, req: Omit<HttpRequest, 'url' | 'method'> = {}): Promise<HttpResponse> {
    return this.request({ ...req, url, method: 'GET' });
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const prepared = prepareRequest(req, this.requestDefaults());
    const { ctx } = prepared;
    const policy = { ...this.policy, retries: prepared.retries };
    for (let attempt = 1; ; attempt++) {
      if (prepared.signal?.aborted) throw prepared.signal.reason;
      const outcome = await this.attempt(prepared);
      if (outcome.ok) return outcome.response;
      if (!outcome.retryable || attempt > policy.retries) throw outcome.error;
      const delay = retryDelayMs(attempt, policy, outcome.retryAfterMs);
      this.context.log.warn(
        { url: ctx.redactedUrl, method: ctx.method, status: outcome.status, attempt, retry_in_ms: delay, reason: outcome.error.message },
        'request retried',
      );
      await abortableSleep(delay, prepared.signal);
    }
  }

  private requestDefaults(): RequestDefaults {
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent ?? USER_AGENT, accept: '*/*', 'accept-encoding': 'gzip, deflate, br' };
    for (const [name, value] of Object.entries(this.options.headers ?? {})) headers[name.toLowerCase()] = value;
    return {
      headers,
      timeoutMs: this.options.timeoutMs ?? DEFAULTS.timeoutMs,
      retries: this.policy.retries,
      maxBytes: this.options.maxBytes ?? DEFAULTS.maxBytes,
      extraSecrets: proxySecrets(this.context.env),
    };
  }

  /** One try: connect, redirects, status, body; all within `timeoutMs`. Throws only when the caller aborted. */
  private async attempt(prepared: PreparedRequest): Promise<AttemptOutcome> {
    const { ctx, signal, timeoutMs } = prepared;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DeadlineExceeded()), timeoutMs);
    const onCallerAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    // after a redirect, errors name both the URL asked for and the one that answered
    let answered: RequestContext = ctx;
    try {
      const head = await exchange(ctx, prepared.outgoing, this.agents, controller.signal);
      if (head.url.href !== prepared.outgoing.url.href) answered = { ...ctx, redirectedTo: redactUrl(head.url.href) };
      const guard = (maxBytes: number | undefined, bodySignal: AbortSignal | undefined): GuardedBody =>
        new GuardedBody(head.body, {
          maxBytes,
          onTooLarge: () => tooLarge(answered, maxBytes ?? 0, head.status),
          mapError: (err) => err as Error,
          signal: bodySignal,
        });
      if (!prepared.accept(head.status)) {
        const excerpt = await readPrefix(guard(undefined, controller.signal), EXCERPT_BYTES);
        const retryAfterMs = parseRetryAfter(head.headers['retry-after'], Date.now());
        const error = statusError(answered, { status: head.status, statusText: head.statusText, body: excerpt, retryAfterMs });
        return { ok: false, error, retryable: mayRetryStatus(ctx.method, head.status), status: head.status, retryAfterMs };
      }
      if (prepared.stream) {
        // from here on the stream belongs to the caller: no overall deadline, an idle timer instead
        clearTimeout(timer);
        const stream = new GuardedBody(head.body, {
          maxBytes: prepared.maxBytes,
          onTooLarge: () => tooLarge(answered, prepared.maxBytes ?? 0, head.status),
          idleMs: timeoutMs,
          onIdle: () => transportError(answered, `no data for ${timeoutMs} ms (timeout)`),
          mapError: (err) => this.failureFrom(err, answered, controller.signal, timeoutMs).error,
          signal,
        });
        return { ok: true, response: makeResponse(answered, head, Buffer.alloc(0), stream) };
      }
      const body = await collect(guard(prepared.maxBytes, controller.signal));
      this.context.log.debug({ url: ctx.redactedUrl, method: ctx.method, status: head.status, bytes: body.length }, 'request done');
      return { ok: true, response: makeResponse(answered, head, body) };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      return this.failureFrom(err, answered, controller.signal, timeoutMs);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  /** Any failure without an unaccepted status: ours (already typed), the deadline, TLS, or the network. */
  private failureFrom(err: unknown, ctx: RequestContext, attemptSignal: AbortSignal, timeoutMs: number): Extract<AttemptOutcome, { ok: false }> {
    if (isOctiError(err)) return { ok: false, error: err, retryable: false };
    if (attemptSignal.aborted && attemptSignal.reason instanceof DeadlineExceeded) {
      const error = transportError(ctx, `no complete answer within the ${timeoutMs} ms timeout`);
      return { ok: false, error, retryable: mayRetryNetworkFailure(ctx.method, undefined) };
    }
    const code = errorCode(err);
    const tlsFailure = classifyTlsFailure(code);
    if (tlsFailure === 'client-certificate-refused' && code !== undefined) {
      return { ok: false, error: clientCertificateRefused(ctx, code), retryable: false };
    }
    if (tlsFailure === 'server-untrusted') {
      const what = `server certificate not trusted (${code}); give its CA with caPath, or turn ssl_verify off`;
      return { ok: false, error: transportError(ctx, what, cleanCause(err, ctx.scrub)), retryable: false };
    }
    const { message } = errorFields(err);
    const error = transportError(ctx, `network failure: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`, cleanCause(err, ctx.scrub));
    return { ok: false, error, retryable: mayRetryNetworkFailure(ctx.method, code) };
  }
}

/**
 * The HTTP client every connector uses (see HttpClient in ./types for the error contract). TLS files are read now, so a
 * missing certificate fails at start-up with a ConfigError naming the file.
 */
export function createHttpClient(options: HttpClientOptions & HttpClientContext = {}): HttpClient {
  const { log, env, ...clientOptions } = options;
  return new AxiosHttpClient(clientOptions, { log, env });
}
