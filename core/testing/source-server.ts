import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { answer, type AnswerSpec } from './source-answers';

export type { AnswerSpec, AuthCheck } from './source-answers';

/**
 * The local source server every connector test talks to: a real HTTP(S) server on 127.0.0.1 with a free port, scripted
 * per route, recording every request so tests assert on what the connector asked for rather than mocking its client.
 */

export interface RecordedRequest {
  method: string;
  /** path without the query string */
  path: string;
  /** the query string decoded; a repeated parameter keeps its last value (see `searchParams` for all) */
  query: Record<string, string>;
  searchParams: URLSearchParams;
  /** lower-cased names, as Node gives them */
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Date.now() when the request arrived: lets a test check the spacing of retries without sleeping itself */
  receivedAt: number;
  /** the TLS client certificate's subject CN, when one was presented */
  clientCertCN?: string;
}

/** Full control: write the response yourself (SSE, pagination logic, anything the spec does not cover). */
export type RouteHandler = (req: RecordedRequest, res: http.ServerResponse, raw: http.IncomingMessage) => void | Promise<void>;

/** A spec answers every request; a list answers the n-th request with the n-th spec, the last one repeating. */
export type Route = AnswerSpec | AnswerSpec[] | RouteHandler;

export interface SourceServerOptions {
  /** serve HTTPS with this certificate; `ca` + `requestClientCert` demand a client certificate signed by that CA */
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer; requestClientCert?: boolean };
}

export interface SourceServer {
  /** `http(s)://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** every request received, in order of arrival */
  readonly requests: readonly RecordedRequest[];
  /** the absolute URL of a path on this server */
  url(path?: string): string;
  route(method: string, path: string, route: Route): void;
  /** requests received on one path (any method) */
  requestsTo(path: string): RecordedRequest[];
  /** resolves once `count` requests (to `path`, if given) have arrived; rejects after `timeoutMs` */
  waitForRequests(count: number, path?: string, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

/** Opens a `text/event-stream` response; `send` writes one event (multi-line data is split as the format requires). */
export function openEventStream(res: http.ServerResponse): { send(event: { id?: string; event?: string; data: string }): void; end(): void } {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  return {
    send(event) {
      let frame = '';
      if (event.id !== undefined) frame += `id: ${event.id}\n`;
      if (event.event !== undefined) frame += `event: ${event.event}\n`;
      for (const line of event.data.split('\n')) frame += `data: ${line}\n`;
      res.write(`${frame}\n`);
    },
    end() {
      res.end();
    },
  };
}

function readRequestBody(raw: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    raw.on('end', () => resolve(Buffer.concat(chunks)));
    raw.on('error', reject);
  });
}

function clientCertCN(raw: http.IncomingMessage): string | undefined {
  const socket = raw.socket as { getPeerCertificate?: () => { subject?: { CN?: string | string[] } } };
  const cn = socket.getPeerCertificate?.()?.subject?.CN;
  return Array.isArray(cn) ? cn[0] : cn;
}

export async function startSourceServer(options: SourceServerOptions = {}): Promise<SourceServer> {
  const routes = new Map<string, { route: Route; served: number }>();
  const requests: RecordedRequest[] = [];
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();

  const onRequest = async (raw: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const receivedAt = Date.now();
    const parsed = new URL(raw.url ?? '/', 'http://source.invalid');
    const body = await readRequestBody(raw);
    const recorded: RecordedRequest = {
      method: raw.method ?? 'GET',
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      searchParams: parsed.searchParams,
      headers: raw.headers,
      body,
      receivedAt,
      clientCertCN: clientCertCN(raw),
    };
    requests.push(recorded);
    for (const wake of [...waiters]) wake();
    const entry = routes.get(`${recorded.method} ${recorded.path}`);
    if (entry === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route for ${recorded.method} ${recorded.path}\n`);
      return;
    }
    const index = entry.served++;
    const { route } = entry;
    if (typeof route === 'function') {
      await route(recorded, res, raw);
      return;
    }
    const spec = Array.isArray(route) ? route[Math.min(index, route.length - 1)] : route;
    await answer(spec ?? {}, recorded, res, timers);
  };

  const listener = (raw: http.IncomingMessage, res: http.ServerResponse): void => {
    onRequest(raw, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`source server failure: ${String((err as { message?: unknown } | null)?.message ?? err)}\n`);
    });
  };
  const tls = options.tls;
  const server = tls
    ? https.createServer({ cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: tls.requestClientCert === true, rejectUnauthorized: tls.requestClientCert === true }, listener)
    : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    origin,
    port,
    requests,
    url: (path = '/') => `${origin}${path.startsWith('/') ? path : `/${path}`}`,
    route(method, path, route) {
      routes.set(`${method.toUpperCase()} ${path}`, { route, served: 0 });
    },
    requestsTo: (path) => requests.filter((r) => r.path === path),
    waitForRequests(count, path, timeoutMs = 10_000) {
      const matching = (): RecordedRequest[] => (path === undefined ? [...requests] : requests.filter((r) => r.path === path));
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (matching().length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(matching());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`source server: ${matching().length} of ${count} expected requests${path ? ` to ${path}` : ''} after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        // stalled and kept-alive connections would hold close() open forever
        server.closeAllConnections();
      });
    },
  };
}
