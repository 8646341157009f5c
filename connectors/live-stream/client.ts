import { SourceAuthError, SourceUnavailableError, redactUrl, type HttpClient } from '../../core';
import { isEventId, type StreamStart } from './position';
import { SseReader } from './reader';

/** What the stream client needs from the configuration. */
export interface RemoteStream {
  url: string;
  token: string;
  id: string;
  listen_delete: boolean;
  no_dependencies: boolean;
}

/** The remote base URL without trailing slashes (OpenCTI may live under a base path, which is kept). */
export function remoteBase(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The remote as logs and errors show it: credentials removed, no trailing slash. */
export function describeRemote(url: string): string {
  return redactUrl(remoteBase(url)).replace(/\/+$/, '');
}

export function streamUrl(remote: Pick<RemoteStream, 'url' | 'id'>): string {
  return `${remoteBase(remote.url)}/stream/${encodeURIComponent(remote.id)}`;
}

/**
 * The query of one connection: the start point, the replay end, deletions and dependencies, always explicit (the
 * remote's defaults differ between versions).
 */
export function streamParams(remote: RemoteStream, start: StreamStart | null): Record<string, string> {
  const params: Record<string, string> = {};
  if (start !== null) params.from = start.from;
  if (start?.recover !== undefined) params.recover = start.recover;
  params['listen-delete'] = String(remote.listen_delete);
  params['no-dependencies'] = String(remote.no_dependencies);
  return params;
}

export function streamHeaders(remote: Pick<RemoteStream, 'token'>, start: StreamStart | null): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${remote.token}`,
    accept: 'text/event-stream',
    'cache-control': 'no-cache',
  };
  // the standard way to resume; older platforms read only this one
  if (start !== null && isEventId(start.from)) headers['last-event-id'] = start.from;
  return headers;
}

/** Says in the stream's own terms why the remote refused a connection; the client's message follows. */
function explain(remote: RemoteStream, err: unknown): unknown {
  const where = `live stream "${remote.id}" at ${describeRemote(remote.url)}`;
  if (err instanceof SourceAuthError) {
    return new SourceAuthError(`${where}: the remote refused the token (HTTP ${err.status ?? '401/403'}); check LIVE_STREAM_TOKEN and that its user can read this stream — ${err.message}`, err.status);
  }
  if (err instanceof SourceUnavailableError && err.status === 410) {
    return new SourceUnavailableError(`${where} is stopped on the remote (HTTP 410); start it there (Data sharing > Live streams)`, { status: 410, cause: err });
  }
  return err;
}

/**
 * Opens one SSE connection (`start` null: from now on, no replay; what `check` uses). No retries here: the caller reconnects with its own backoff and logs every attempt.
 * The request deadline covers connecting and the response head; once streaming, the watchdog takes over.
 */
export async function openStream(http: HttpClient, remote: RemoteStream, start: StreamStart | null, opts: { signal: AbortSignal; watchdogMs: number; readAhead?: number }): Promise<SseReader> {
  const url = streamUrl(remote);
  try {
    const res = await http.get(url, {
      params: streamParams(remote, start),
      headers: streamHeaders(remote, start),
      responseType: 'stream',
      retries: 0,
      // the client's own idle timer must not fire before the watchdog, which knows about heartbeats
      timeoutMs: Math.max(30_000, opts.watchdogMs * 2),
      signal: opts.signal,
    });
    if (!res.stream) throw new SourceUnavailableError(`GET ${redactUrl(url)}: no response body`);
    const type = res.headers['content-type'] ?? '';
    if (!type.startsWith('text/event-stream')) {
      res.stream.destroy();
      throw new SourceUnavailableError(`GET ${redactUrl(url)}: answered ${type || 'no content type'}, not an event stream (is LIVE_STREAM_URL the platform's base URL?)`);
    }
    return new SseReader(res.stream, { watchdogMs: opts.watchdogMs, readAhead: opts.readAhead, describe: `live stream ${redactUrl(url)}` });
  } catch (err) {
    throw explain(remote, err);
  }
}
