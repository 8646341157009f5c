import type { Readable } from 'node:stream';

/** TLS and proxy options of a client; all optional. Proxies come from HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
export interface HttpClientOptions {
  /** verify server certificates (default true) */
  sslVerify?: boolean;
  /** PEM file paths for client-certificate authentication and a private CA */
  certPath?: string;
  keyPath?: string;
  caPath?: string;
  /** per-request timeout covering connect, headers and body (default 30 s) */
  timeoutMs?: number;
  /** attempts after the first for retryable failures: network errors, 408, 425, 429, 5xx (default 4) */
  retries?: number;
  /** first backoff delay; doubled each attempt with jitter, capped at maxDelayMs (default 500 ms / 60 s) */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** refuse bodies larger than this (default 256 MiB); the error names the URL and the cap */
  maxBytes?: number;
  /** headers sent with every request (e.g. Authorization); never logged */
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
  maxBytes?: number;
  signal?: AbortSignal;
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
 * The HTTP client every connector uses. Failures are typed: SourceAuthError (401/403, never retried),
 * SourceUnavailableError (network, timeout, 429/5xx after retries, 410), SourceDataError (body over the cap, bad JSON),
 * each message naming the method, the URL (credentials removed) and the status.
 */
export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  get(url: string, req?: Omit<HttpRequest, 'url' | 'method'>): Promise<HttpResponse>;
  /** a client with other defaults (auth headers, TLS files) sharing nothing mutable with this one */
  with(options: HttpClientOptions): HttpClient;
}
