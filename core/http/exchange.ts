import axios, { AxiosHeaders } from 'axios';
import type { Readable } from 'node:stream';
import { redactUrl } from '../log/logger';
import type { AgentPool } from './agents';
import { dataError, type RequestContext } from './errors';

/**
 * One exchange with a source: a request, the redirects it leads to, and the response head with its body still
 * unread. axios is used as a plain transport: we choose the agent for every hop (so NO_PROXY is honoured after a
 * redirect), follow redirects ourselves (so credentials can be dropped when the origin changes), and read the body
 * ourselves (so the size cap and the deadline apply while it streams).
 */

// Our own instance: interceptors or defaults another module sets on the shared axios instance do not reach us.
const transport = axios.create();

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';

export interface OutgoingRequest {
  method: HttpMethod;
  /** no user-info: credentials travel in headers only */
  url: URL;
  /** lower-cased names */
  headers: Record<string, string>;
  body?: Buffer;
}

export interface ResponseHead {
  status: number;
  statusText: string;
  /** lower-cased names; content-encoding removed once decompressed */
  headers: Record<string, string>;
  /** the URL that answered, after redirects */
  url: URL;
  /** decompressed body, not yet read */
  body: Readable;
}

export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that identify us to one origin; a redirect to another origin (scheme, host or port) does not get them. */
const ORIGIN_BOUND_HEADER = /auth|cookie|token|key|secret|pass/i;

function flattenHeaders(headers: unknown): Record<string, string> {
  const source = headers instanceof AxiosHeaders ? headers.toJSON() : (headers as Record<string, unknown>);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(source ?? {})) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

async function sendOneHop(req: OutgoingRequest, agents: AgentPool, signal: AbortSignal): Promise<ResponseHead> {
  const { agent } = agents.agentFor(req.url);
  const res = await transport.request<Readable>({
    adapter: 'http',
    url: req.url.href,
    method: req.method,
    headers: req.headers,
    data: req.body,
    responseType: 'stream',
    decompress: true,
    maxRedirects: 0,
    // axios' own proxy handling is off: the agent decides (CONNECT for https, absolute-form forwarding for http)
    proxy: false,
    httpAgent: agent,
    httpsAgent: agent,
    signal,
    // our deadline covers connect, headers and body; axios' timeout is only an idle socket timer
    timeout: 0,
    validateStatus: () => true,
    maxContentLength: -1,
    maxBodyLength: -1,
  });
  return { status: res.status, statusText: res.statusText, headers: flattenHeaders(res.headers), url: req.url, body: res.data };
}

/** The request for the next hop: 303 (and 301/302 after a POST) become a GET without body, as browsers do. */
function nextHop(ctx: RequestContext, prev: OutgoingRequest, status: number, location: string): OutgoingRequest {
  let next: URL;
  try {
    next = new URL(location, prev.url);
  } catch {
    throw dataError(ctx, `redirect to an invalid URL (HTTP ${status})`, status);
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw dataError(ctx, `redirect to a non-HTTP URL ${redactUrl(next.href)}`, status);
  }
  next.username = '';
  next.password = '';
  const headers = { ...prev.headers };
  const toGet = status === 303 || ((status === 301 || status === 302) && prev.method === 'POST');
  let method = prev.method;
  let body = prev.body;
  if (toGet && method !== 'HEAD') {
    method = 'GET';
    body = undefined;
    delete headers['content-type'];
    delete headers['content-length'];
  }
  if (next.origin !== prev.url.origin) {
    for (const name of Object.keys(headers)) if (ORIGIN_BOUND_HEADER.test(name)) delete headers[name];
  }
  return { method, url: next, headers, body };
}

/** Sends the request and follows up to MAX_REDIRECTS redirects; returns the first non-redirect response head. */
export async function exchange(ctx: RequestContext, first: OutgoingRequest, agents: AgentPool, signal: AbortSignal): Promise<ResponseHead> {
  let req = first;
  for (let redirects = 0; ; redirects++) {
    const head = await sendOneHop(req, agents, signal);
    const location = head.headers.location;
    if (!REDIRECT_STATUSES.has(head.status) || location === undefined) return head;
    // a redirect's own body is never needed; destroying it also frees the deadline from a slow one
    head.body.destroy();
    if (redirects >= MAX_REDIRECTS) {
      throw dataError(ctx, `more than ${MAX_REDIRECTS} redirects (stopped at ${redactUrl(req.url.href)})`, head.status);
    }
    req = nextHop(ctx, req, head.status, location);
  }
}
