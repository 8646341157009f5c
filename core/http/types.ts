import type { Readable } from 'node:stream';

/**
 * TLS and proxy options of a client; all optional. Proxies come from the environment: `https_proxy` for https URLs
 * (tunnelled with CONNECT), `http_proxy` for http URLs (forwarded), `no_proxy` for exceptions; lower case read first.
 */
export interface HttpClientOptions {
  /** verify server certificates (default true) */
  sslVerify?: boolean;
  /** PEM file paths for client-certificate authentication and a private CA (added to the public roots); read once, at creation */
  certPath?: string;
  keyPath?: string;
  caPath?: string;
  /** per-attempt deadline covering connect, redirects, headers and body (default 30 s); for a stream, an idle timeout once the headers are in */
  timeoutMs?: number;
  /** attempts after the first for retryable failures: network errors, 408, 425, 429, 5xx (default 4) */
  retries?: number;
  /** first backoff delay; doubled each attempt with jitter, capped at maxDelayMs (default 500 ms / 60 s) */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** refuse bodies larger than this (default 256 MiB), cut while streaming; the error names the URL and the cap. Streams: see HttpRequest.maxBytes */
  maxBytes?: number;
  /** headers sent with every request (e.g. Authorization); never logged, not sent after a redirect to another origin */
  headers?: Record<string, string>;
  userAgent?: string;
}

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  headers?: Record<string, string>;
  /** query parameters appended to the URL; undefined values are left out */
  params?: Record<string, string | number | boolean | undefined>;
  /** a string or Buffer is sent as is; an object is sent as JSON */
  body?: string | Buffer | object;
  /** 'stream' gives a Readable body (SSE, very large documents); the default buffers the whole body */
  responseType?: 'buffer' | 'stream';
  /** statuses returned instead of thrown (default: 2xx and 304) */
  acceptStatus?: (status: number) => boolean;
  timeoutMs?: number;
  retries?: number;
  /** for responseType 'stream' only this per-request value applies (a live stream is unbounded by nature) */
  maxBytes?: number;
  /** aborting rejects with the signal's reason, also during a backoff wait, and destroys a returned stream */
  signal?: AbortSignal;
  /** basic auth; credentials written in the URL (`https://user:pass@host/`) are used the same way */
  auth?: { username: string; password: string };
}

export interface HttpResponse {
  status: number;
  /** lower-cased header names */
  headers: Record<string, string>;
  /** the final URL, after redirects */
  url: string;
  /** raw body bytes (decompressed); empty for responseType 'stream' */
  body: Buffer;
  /** for responseType 'stream' */
  stream?: Readable;
  /** body decoded as UTF-8 */
  text(): string;
  /** body parsed as JSON; a SourceDataError naming the URL on invalid JSON */
  json<T = unknown>(): T;
}

/**
 * The HTTP client every connector uses (implementation: ./client.ts). Failures are typed, each message naming the
 * method, the URL (credentials removed), the status and a short body excerpt (secrets masked):
 * - SourceAuthError: 401/403 (407 from a proxy), or a TLS client certificate refused; never retried;
 * - SourceUnavailableError: network failures, timeouts, 408/425/429/5xx once retries are spent (`retryAfterMs` kept),
 *   410 (not retried), an untrusted server certificate (not retried);
 * - SourceDataError: any other 4xx (a 404 usually means the configured URL is wrong), more than 5 redirects, a body
 *   over the cap, invalid JSON. `httpFailureOf(err)` gives the status to tell these apart from item-level data errors.
 * Retries use exponential backoff with jitter, or the server's Retry-After (capped at maxDelayMs); a POST is retried
 * only when the server said it did not process it (408/425/429/503) or could not be reached.
 */
export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  get(url: string, req?: Omit<HttpRequest, 'url' | 'method'>): Promise<HttpResponse>;
  /** a client with other defaults (auth headers, TLS files) sharing nothing mutable with this one */
  with(options: HttpClientOptions): HttpClient;
}
