import type { Readable } from 'node:stream';
import { dataError, errorFields, type RequestContext } from './errors';
import type { ResponseHead } from './exchange';
import type { HttpResponse } from './types';

const EMPTY = Buffer.alloc(0);

/** The response handed to callers; `json()` failures name the URL, like every other client error. */
export function makeResponse(ctx: RequestContext, head: ResponseHead, body: Buffer, stream?: Readable): HttpResponse {
  const text = (): string => {
    const decoded = body.toString('utf8');
    return decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  };
  return {
    status: head.status,
    headers: head.headers,
    url: head.url.href,
    body: stream ? EMPTY : body,
    stream,
    text,
    json<T = unknown>(): T {
      try {
        return JSON.parse(text()) as T;
      } catch (err) {
        const reason = errorFields(err).message;
        throw dataError(ctx, `body is not valid JSON (${reason.slice(0, 200)})`, head.status);
      }
    },
  };
}
