import https from 'node:https';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { PlatformError } from '../errors';
import { makeSecretScrubber, redactUrl } from '../log/logger';

/**
 * The GraphQL client of the connector API: POST `<url>/graphql` with `Authorization: Bearer <token>`.
 * Proxies come from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (axios reads them and tunnels HTTPS through CONNECT).
 * Every failure becomes a PlatformRequestError whose message is one line, names the operation and the platform URL,
 * and never contains the token (nor any custom header value): the axios error, which carries the request headers,
 * is never attached as a cause.
 */

/** Why a request failed; decides whether the caller waits and retries or stops. */
export type PlatformFailure =
  /** the token was refused, or its user lacks a capability: never retried */
  | 'auth'
  /** no answer, or a gateway answer while the platform starts (502/503/504): retried while waiting */
  | 'unreachable'
  /** certificate problem: a configuration matter (OPENCTI_SSL_VERIFY), not retried */
  | 'tls'
  /** something answered that is not OpenCTI's GraphQL endpoint (404, HTML...) */
  | 'not-opencti'
  /** the platform failed (5xx with GraphQL errors) */
  | 'server'
  /** the platform refused the operation (validation, unknown argument, functional error) */
  | 'rejected';

export class PlatformRequestError extends PlatformError {
  readonly failure: PlatformFailure;
  /** `errors[].extensions.code` of the answer, when it had any */
  readonly codes: string[];
  constructor(message: string, failure: PlatformFailure, opts: { status?: number; codes?: string[] } = {}) {
    super(message, { status: opts.status });
    this.failure = failure;
    this.codes = opts.codes ?? [];
  }
}

export interface GraphqlClientOptions {
  /** the platform's base URL, e.g. http://opencti:8080 (a trailing slash is fine) */
  url: string;
  token: string;
  sslVerify?: boolean;
  /** OPENCTI_CUSTOM_HEADERS, sent with every request */
  customHeaders?: Record<string, string>;
  /** per request, default 30 s */
  timeoutMs?: number;
}

interface GraphqlError {
  message?: unknown;
  extensions?: { code?: unknown };
}
interface GraphqlAnswer {
  data?: unknown;
  errors?: GraphqlError[];
}

const AUTH_CODES = new Set(['AUTH_REQUIRED', 'UNAUTHENTICATED', 'FORBIDDEN_ACCESS', 'FORBIDDEN', 'AUTH_FAILURE']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

export class GraphqlClient {
  readonly endpoint: string;
  /** the endpoint with any credentials removed, for messages */
  readonly displayUrl: string;
  private readonly http: AxiosInstance;
  private readonly scrub: (text: string) => string;

  constructor(opts: GraphqlClientOptions) {
    this.endpoint = `${opts.url.replace(/\/+$/, '')}/graphql`;
    this.displayUrl = redactUrl(this.endpoint);
    const custom = opts.customHeaders ?? {};
    this.scrub = makeSecretScrubber([opts.token, ...Object.values(custom)]);
    this.http = axios.create({
      timeout: opts.timeoutMs ?? 30_000,
      // keep-alive: one connection for pings, works and queue checks; TLS verification as configured
      httpsAgent: new https.Agent({ keepAlive: true, rejectUnauthorized: opts.sslVerify ?? true }),
      headers: { ...custom, Authorization: `Bearer ${opts.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      // every status is read here: a GraphQL error body comes with 200, 400 or 500 depending on the server
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(body: unknown) => body],
      maxRedirects: 0,
    });
  }

  /** Runs one operation and returns its `data`; rejects with a PlatformRequestError. */
  async request<T>(document: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
    const operation = operationName(document);
    let status: number;
    let body: string;
    let location: unknown;
    try {
      const res = await this.http.post<string>(this.endpoint, { query: document, variables, operationName: operation }, { signal });
      status = res.status;
      body = typeof res.data === 'string' ? res.data : '';
      location = res.headers.location;
    } catch (err) {
      throw this.transportError(operation, err);
    }
    if (status >= 300 && status < 400) {
      // a POST cannot follow a redirect safely: say where the platform really is
      const to = typeof location === 'string' ? redactUrl(location) : 'elsewhere';
      throw new PlatformRequestError(`OpenCTI ${operation} at ${this.displayUrl}: HTTP ${status}, redirected to ${to}; set OPENCTI_URL to the final address`, 'not-opencti', { status });
    }
    return this.readAnswer<T>(operation, status, body);
  }

  private readAnswer<T>(operation: string, status: number, body: string): T {
    const where = `OpenCTI ${operation} at ${this.displayUrl}`;
    let answer: GraphqlAnswer | null = null;
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed !== null && typeof parsed === 'object') answer = parsed as GraphqlAnswer;
    } catch {
      answer = null;
    }
    if (answer === null) {
      if (status === 502 || status === 503 || status === 504) throw new PlatformRequestError(`${where}: HTTP ${status} (platform not ready)`, 'unreachable', { status });
      if (status === 401 || status === 403) throw new PlatformRequestError(`${where}: HTTP ${status}, the token (OPENCTI_TOKEN) was refused`, 'auth', { status });
      throw new PlatformRequestError(`${where}: HTTP ${status} without a GraphQL answer; is OPENCTI_URL the platform's base URL?`, 'not-opencti', { status });
    }
    const errors = Array.isArray(answer.errors) ? answer.errors : [];
    if (errors.length > 0 || status !== 200) {
      const codes = errors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : '')).filter((c) => c !== '');
      const reasons = errors.map((e) => (typeof e.message === 'string' ? e.message : 'unknown error'));
      const reason = this.scrub(reasons.length > 0 ? reasons.join('; ') : `HTTP ${status}`);
      const failure: PlatformFailure =
        status === 401 || status === 403 || codes.some((c) => AUTH_CODES.has(c))
          ? 'auth'
          : status >= 500 && reasons.length === 0 && status <= 504
            ? 'unreachable'
            : status >= 500
              ? 'server'
              : 'rejected';
      throw new PlatformRequestError(`${where}: ${reason}`, failure, { status, codes });
    }
    return answer.data as T;
  }

  private transportError(operation: string, err: unknown): PlatformRequestError {
    const where = `OpenCTI ${operation} at ${this.displayUrl}`;
    if (axios.isCancel(err) || (err instanceof Error && err.name === 'AbortError')) {
      return new PlatformRequestError(`${where}: aborted`, 'unreachable');
    }
    const code = err instanceof AxiosError ? (err.code ?? '') : '';
    const detail = this.scrub(err instanceof Error ? err.message : String(err));
    if (/CERT|SSL|TLS|self.signed|unable to verify/i.test(`${code} ${detail}`)) {
      return new PlatformRequestError(`${where}: TLS failure (${detail}); set OPENCTI_SSL_VERIFY=false only for a trusted self-signed platform`, 'tls');
    }
    if (NETWORK_CODES.has(code) || /timeout|socket hang up|ECONN|ENOTFOUND|EAI_AGAIN/i.test(detail)) {
      return new PlatformRequestError(`${where} unreachable: ${detail}`, 'unreachable');
    }
    return new PlatformRequestError(`${where} failed: ${detail}`, 'unreachable');
  }
}

/** `query About { ... }` -> `About`; used in messages and sent as operationName. */
export function operationName(document: string): string {
  const m = /^\s*(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(document);
  return m?.[1] ?? 'operation';
}
