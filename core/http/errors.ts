import { SourceAuthError, SourceDataError, SourceUnavailableError, type OctiError } from '../errors';

/**
 * How HTTP failures become the project's typed errors. Every message reads `<METHOD> <redacted URL>: <what happened>`,
 * and the request's secrets (passwords, tokens, key-like header values) are masked in everything built here, including
 * a body excerpt, because servers do echo credentials back in error pages.
 */

/** The facts of a failed exchange, attached to the error without widening the shared error classes. */
export interface HttpFailure {
  method: string;
  /** the URL asked for, credentials removed */
  url: string;
  /** the URL that answered, when a redirect led elsewhere */
  redirectedTo?: string;
  status?: number;
  /** the first bytes of the error body, secrets masked */
  bodyExcerpt?: string;
}

const failures = new WeakMap<object, HttpFailure>();

/**
 * Message, code and cause of anything thrown. Duck-typed on purpose: errors from Node's core modules are not
 * `instanceof Error` inside jest's sandbox, and a check that works only in production is no check.
 */
export function errorFields(err: unknown): { message: string; name?: string; code?: string; cause?: unknown } {
  if (typeof err !== 'object' || err === null) return { message: String(err) };
  const { message, name, code, cause } = err as { message?: unknown; name?: unknown; code?: unknown; cause?: unknown };
  return {
    message: typeof message === 'string' ? message : String(err),
    name: typeof name === 'string' ? name : undefined,
    code: typeof code === 'string' ? code : undefined,
    cause,
  };
}

/** The HTTP facts of an error thrown by the client, if it came from one. */
export function httpFailureOf(err: unknown): HttpFailure | undefined {
  return typeof err === 'object' && err !== null ? failures.get(err) : undefined;
}

function attach<E extends OctiError>(err: E, failure: HttpFailure): E {
  failures.set(err, failure);
  return err;
}

/** What an error needs to know about the request it reports on. */
export interface RequestContext {
  method: string;
  redactedUrl: string;
  /** set once a redirect led to another URL (redacted too) */
  redirectedTo?: string;
  scrub: (text: string) => string;
}

/** `GET https://host/path` (plus where a redirect led): how every message starts. */
function where(ctx: RequestContext): string {
  return `${ctx.method} ${ctx.redactedUrl}${ctx.redirectedTo === undefined ? '' : ` (redirected to ${ctx.redirectedTo})`}`;
}

function facts(ctx: RequestContext, status?: number, bodyExcerptText?: string): HttpFailure {
  const failure: HttpFailure = { method: ctx.method, url: ctx.redactedUrl };
  if (ctx.redirectedTo !== undefined) failure.redirectedTo = ctx.redirectedTo;
  if (status !== undefined) failure.status = status;
  if (bodyExcerptText !== undefined) failure.bodyExcerpt = bodyExcerptText;
  return failure;
}

const EXCERPT_CHARS = 300;

export function bodyExcerpt(body: Buffer, scrub: (text: string) => string): string | undefined {
  if (body.length === 0) return undefined;
  const text = body.subarray(0, EXCERPT_CHARS * 4).toString('utf8').replace(/\s+/g, ' ').trim();
  const cut = text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
  return scrub(cut);
}

const SECRET_HEADER_NAME = /auth|token|key|secret|cookie|pass/i;

/** Values that must never appear in an error or a log line: header secrets, basic-auth password, URL credentials. */
export function requestSecrets(headers: Record<string, string>, url: URL, password?: string): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADER_NAME.test(name)) continue;
    values.push(value);
    // "Bearer abc" / "Basic abc": the credential alone may be echoed without its scheme
    const parts = value.split(/\s+/);
    if (parts.length === 2 && parts[1]) values.push(parts[1]);
  }
  if (password) values.push(password);
  if (url.password) values.push(decodeURIComponent(url.password));
  for (const [key, value] of url.searchParams) if (/key|token|secret|pass|auth/i.test(key)) values.push(value);
  return values;
}

function describe(ctx: RequestContext, status: number, statusText: string | undefined): string {
  return `${where(ctx)}: HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
}

function withExcerpt(message: string, excerpt: string | undefined): string {
  return excerpt === undefined ? message : `${message} — ${excerpt}`;
}

/**
 * A status we do not accept. 401/403: our credentials are refused (407: by the proxy). 410: the feed is gone for good (reported as
 * unavailable, but not retried). 408/425/429/5xx: unavailable (the caller has already retried). Any other 4xx, 404 first,
 * means the configured URL or parameters are wrong: a SourceDataError that names the URL and the status so the operator
 * can fix the configuration. An unexpected 3xx or 1xx is reported the same way.
 */
export function statusError(
  ctx: RequestContext,
  res: { status: number; statusText?: string; body: Buffer; retryAfterMs?: number },
): OctiError {
  const excerpt = bodyExcerpt(res.body, ctx.scrub);
  const failure = facts(ctx, res.status, excerpt);
  const base = describe(ctx, res.status, res.statusText);
  if (res.status === 401 || res.status === 403) {
    return attach(new SourceAuthError(withExcerpt(`${base} (credentials refused; check the token or password configured for this source)`, excerpt), res.status), failure);
  }
  if (res.status === 407) {
    return attach(new SourceAuthError(withExcerpt(`${base} (the proxy refused our credentials; check HTTPS_PROXY / HTTP_PROXY)`, excerpt), 407), failure);
  }
  if (res.status === 410) {
    return attach(new SourceUnavailableError(withExcerpt(`${base} (the source says this resource is gone for good)`, excerpt), { status: 410 }), failure);
  }
  if (res.status === 408 || res.status === 425 || res.status === 429 || res.status >= 500) {
    return attach(new SourceUnavailableError(withExcerpt(base, excerpt), { status: res.status, retryAfterMs: res.retryAfterMs }), failure);
  }
  const advice = res.status === 404 ? ' (is the configured URL right?)' : '';
  return attach(new SourceDataError(withExcerpt(`${base}${advice}`, excerpt)), failure);
}

/** A failure that produced no status: network, timeout, TLS. `cause` is a clean Error (never an axios error and its config). */
export function transportError(ctx: RequestContext, what: string, cause?: Error): SourceUnavailableError {
  return attach(new SourceUnavailableError(`${where(ctx)}: ${ctx.scrub(what)}`, { cause }), facts(ctx));
}

export function clientCertificateRefused(ctx: RequestContext, code: string): SourceAuthError {
  return attach(new SourceAuthError(`${where(ctx)}: the server refused our TLS client certificate (${code})`), facts(ctx));
}

export function tooLarge(ctx: RequestContext, maxBytes: number, status: number): SourceDataError {
  return attach(new SourceDataError(`${where(ctx)}: body larger than the ${maxBytes}-byte cap (maxBytes)`), facts(ctx, status));
}

export function dataError(ctx: RequestContext, what: string, status?: number): SourceDataError {
  return attach(new SourceDataError(`${where(ctx)}: ${ctx.scrub(what)}`), facts(ctx, status));
}

/**
 * A copy of a low-level error with only its message (secrets masked) and code: the original may hold request options,
 * headers or sockets that a logger's error serializer would print.
 */
export function cleanCause(err: unknown, scrub: (text: string) => string): Error {
  const { message, name, code } = errorFields(err);
  const clean = new Error(scrub(message));
  if (name !== undefined) clean.name = name;
  if (code !== undefined) Object.assign(clean, { code });
  return clean;
}
