import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { RecordedRequest } from './source-server';

/** Credentials a route demands; anything else gets a 401 with a WWW-Authenticate challenge. */
export type AuthCheck = { basic: { username: string; password: string } } | { bearer: string };

/** One scripted answer of the source server. Steps apply in this order: delay, auth, redirect, 304, body. */
export interface AnswerSpec {
  /** default 200 (302 with `redirectTo`) */
  status?: number;
  headers?: Record<string, string>;
  /** a string or Buffer as is; anything else as JSON */
  body?: string | Buffer | object;
  /** serve this file's bytes (content type from the extension unless given) */
  file?: string;
  /** wait before answering at all (nothing is sent meanwhile) */
  delayMs?: number;
  auth?: AuthCheck;
  /** answer with a redirect to this URL or path */
  redirectTo?: string;
  /** send this ETag; a request with a matching If-None-Match gets 304 */
  etag?: string;
  /** send this Last-Modified; a request with If-Modified-Since at or after it gets 304 */
  lastModified?: Date | string;
  /** gzip the body and say so in Content-Encoding */
  gzip?: boolean;
  /** no Content-Length: the body goes out in 16 KiB chunks (a client cannot know the size up front) */
  chunked?: boolean;
  /** send the headers and this many body bytes, then nothing more (the connection stays open) */
  stallAfterBytes?: number;
  /** send the headers and this many body bytes, then destroy the connection */
  cutAfterBytes?: number;
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.rss': 'application/rss+xml',
  '.csv': 'text/csv',
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

function bodyOf(spec: AnswerSpec): { bytes: Buffer; contentType?: string } {
  if (spec.file !== undefined) return { bytes: readFileSync(spec.file), contentType: CONTENT_TYPES[extname(spec.file).toLowerCase()] };
  if (spec.body === undefined) return { bytes: Buffer.alloc(0) };
  if (Buffer.isBuffer(spec.body)) return { bytes: spec.body, contentType: 'application/octet-stream' };
  if (typeof spec.body === 'string') return { bytes: Buffer.from(spec.body, 'utf8'), contentType: 'text/plain; charset=utf-8' };
  return { bytes: Buffer.from(JSON.stringify(spec.body), 'utf8'), contentType: 'application/json' };
}

function authorized(check: AuthCheck, header: string | undefined): boolean {
  if ('bearer' in check) return header === `Bearer ${check.bearer}`;
  const expected = Buffer.from(`${check.basic.username}:${check.basic.password}`, 'utf8').toString('base64');
  return header === `Basic ${expected}`;
}

function notModified(spec: AnswerSpec, req: RecordedRequest): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (spec.etag !== undefined && ifNoneMatch !== undefined) {
    return ifNoneMatch.split(',').some((tag) => tag.trim() === spec.etag || tag.trim() === '*');
  }
  const ifModifiedSince = req.headers['if-modified-since'];
  if (spec.lastModified !== undefined && ifModifiedSince !== undefined) {
    const since = Date.parse(ifModifiedSince);
    // HTTP dates have whole seconds: compare at that precision
    const modified = Math.floor(new Date(spec.lastModified).getTime() / 1000) * 1000;
    return !Number.isNaN(since) && since >= modified;
  }
  return false;
}

function wait(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timers.add(timer);
  });
}

function validatorHeaders(spec: AnswerSpec): Record<string, string> {
  const headers: Record<string, string> = {};
  if (spec.etag !== undefined) headers.etag = spec.etag;
  if (spec.lastModified !== undefined) headers['last-modified'] = new Date(spec.lastModified).toUTCString();
  return headers;
}

function writeChunked(res: ServerResponse, bytes: Buffer): void {
  const CHUNK = 16 * 1024;
  let offset = 0;
  const writeMore = (): void => {
    while (offset < bytes.length) {
      const chunk = bytes.subarray(offset, offset + CHUNK);
      offset += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', writeMore);
        return;
      }
    }
    res.end();
  };
  writeMore();
}

/** Plays one spec on one response. `timers` lets the server cancel pending delays when it closes. */
export async function answer(spec: AnswerSpec, req: RecordedRequest, res: ServerResponse, timers: Set<NodeJS.Timeout>): Promise<void> {
  if (spec.delayMs !== undefined) await wait(spec.delayMs, timers);
  if (res.destroyed) return;
  if (spec.auth !== undefined && !authorized(spec.auth, req.headers.authorization)) {
    const challenge = 'bearer' in spec.auth ? 'Bearer realm="source"' : 'Basic realm="source"';
    res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'text/plain' }).end('unauthorized\n');
    return;
  }
  if (spec.redirectTo !== undefined) {
    res.writeHead(spec.status ?? 302, { location: spec.redirectTo, ...spec.headers }).end();
    return;
  }
  if (notModified(spec, req)) {
    res.writeHead(304, { ...validatorHeaders(spec), ...spec.headers }).end();
    return;
  }
  const { bytes: plain, contentType } = bodyOf(spec);
  const bytes = spec.gzip ? gzipSync(plain) : plain;
  const headers: Record<string, string> = { ...validatorHeaders(spec) };
  if (contentType !== undefined) headers['content-type'] = contentType;
  if (spec.gzip) headers['content-encoding'] = 'gzip';
  if (!spec.chunked) headers['content-length'] = String(bytes.length);
  res.writeHead(spec.status ?? 200, { ...headers, ...spec.headers });
  const partial = spec.cutAfterBytes ?? spec.stallAfterBytes;
  if (partial !== undefined) {
    res.flushHeaders();
    res.write(bytes.subarray(0, partial), () => {
      // let the bytes reach the client before the cut, so it really is a cut mid-body
      if (spec.cutAfterBytes !== undefined) setImmediate(() => res.socket?.destroy());
    });
    return;
  }
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  if (spec.chunked) writeChunked(res, bytes);
  else res.end(bytes);
}
