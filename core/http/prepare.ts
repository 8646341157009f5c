import { SourceDataError } from '../errors';
import { makeSecretScrubber, redactUrl } from '../log/logger';
import { requestSecrets, type RequestContext } from './errors';
import type { HttpMethod, OutgoingRequest } from './exchange';
import type { HttpRequest } from './types';

/** The client-wide defaults a request is completed with. */
export interface RequestDefaults {
  /** lower-cased names */
  headers: Record<string, string>;
  timeoutMs: number;
  retries: number;
  maxBytes: number;
  /** secrets that are not in the request itself (proxy passwords) */
  extraSecrets: string[];
}

export interface PreparedRequest {
  outgoing: OutgoingRequest;
  ctx: RequestContext;
  stream: boolean;
  accept: (status: number) => boolean;
  timeoutMs: number;
  retries: number;
  /** for a stream, only an explicit per-request cap applies: a live stream is unbounded by nature */
  maxBytes: number | undefined;
  signal?: AbortSignal;
}

export function defaultAccept(status: number): boolean {
  return (status >= 200 && status < 300) || status === 304;
}

function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

function parseTarget(raw: string, method: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SourceDataError(`${method} ${redactUrl(raw)}: not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SourceDataError(`${method} ${redactUrl(raw)}: only http and https URLs are supported`);
  }
  return url;
}

function encodeBody(body: HttpRequest['body'], headers: Record<string, string>): Buffer | undefined {
  if (body === undefined) return undefined;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') {
    headers['content-type'] ??= 'text/plain; charset=utf-8';
    return Buffer.from(body, 'utf8');
  }
  headers['content-type'] ??= 'application/json';
  return Buffer.from(JSON.stringify(body), 'utf8');
}

function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * Turns a caller's request into what goes on the wire plus what errors may say about it. Credentials written into
 * the URL (`https://user:pass@host/`) are moved to an Authorization header so they never reach a log line or a
 * redirect target.
 */
export function prepareRequest(req: HttpRequest, defaults: RequestDefaults): PreparedRequest {
  const method: HttpMethod = req.method ?? 'GET';
  const url = parseTarget(req.url, method);
  const secretsSource = new URL(url.href);
  for (const [name, value] of Object.entries(req.params ?? {})) {
    if (value !== undefined) url.searchParams.append(name, String(value));
  }
  const headers = { ...defaults.headers, ...lowerCaseKeys(req.headers) };
  let password: string | undefined;
  if (req.auth) {
    headers.authorization = basicAuth(req.auth.username, req.auth.password);
    password = req.auth.password;
  } else if (url.username || url.password) {
    headers.authorization = basicAuth(decodeURIComponent(url.username), decodeURIComponent(url.password));
  }
  url.username = '';
  url.password = '';
  const body = encodeBody(req.body, headers);
  const secrets = [...requestSecrets(headers, secretsSource, password), ...requestSecrets({}, url), ...defaults.extraSecrets];
  const ctx: RequestContext = { method, redactedUrl: redactUrl(url.href), scrub: makeSecretScrubber(secrets) };
  const stream = req.responseType === 'stream';
  return {
    outgoing: { method, url, headers, body },
    ctx,
    stream,
    accept: req.acceptStatus ?? defaultAccept,
    timeoutMs: req.timeoutMs ?? defaults.timeoutMs,
    retries: req.retries ?? defaults.retries,
    maxBytes: stream ? req.maxBytes : (req.maxBytes ?? defaults.maxBytes),
    signal: req.signal,
  };
}
