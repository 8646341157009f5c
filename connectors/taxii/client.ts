import { SourceDataError, redactUrl, type HttpClient, type HttpResponse, type StixObject } from '../../core';
import type { TaxiiConfig } from './config';
import { PROFILES, isJsonMediaType, type VersionProfile } from './media';

/** One TAXII 2.1 page: the envelope's objects, `more`, `next`, and the date-added headers. */
export interface EnvelopePage {
  kind: 'page';
  objects: StixObject[];
  more: boolean;
  next: string | null;
  dateAddedLast: string | undefined;
}

/** The server would not take the `next` cursor we sent (it expired or the server restarted). */
export interface CursorRefused {
  kind: 'cursor-refused';
  status: number;
}

/** `items a-b/total` (total null when the server did not say). */
export interface ItemRange {
  first: number;
  last: number;
  total: number | null;
}

/** One TAXII 2.0 answer to a ranged request. */
export type RangeAnswer =
  | { kind: 'full'; objects: StixObject[]; dateAddedLast: string | undefined }
  | { kind: 'partial'; objects: StixObject[]; range: ItemRange | null; dateAddedLast: string | undefined }
  | { kind: 'past-end'; total: number | null }
  | { kind: 'range-refused'; status: number };

export type RangeSpelling = 'items=' | 'items ';

/** Statuses a server may give for a `next` it no longer knows (TAXII does not fix one). */
const CURSOR_REFUSED = new Set([400, 404, 410, 416, 422]);

const CONTENT_RANGE = /^\s*items[\s=]+(\d+)\s*-\s*(\d+)\s*(?:\/\s*(\d+|\*)\s*)?$/i;
const UNSATISFIED_RANGE = /^\s*items[\s=]+\*\s*\/\s*(\d+)\s*$/i;

/**
 * Reads `Content-Range` of a 2.0 answer: `items 0-99/1000` as RFC 7233 spells it, and the `items=0-99/1000`,
 * `items 0-99` (no total) and `items 0-99/*` variants servers send. Null when absent or unreadable.
 */
export function parseContentRange(value: string | undefined): ItemRange | null {
  if (value === undefined) return null;
  const match = CONTENT_RANGE.exec(value);
  if (match === null) return null;
  const first = Number(match[1]);
  const last = Number(match[2]);
  if (last < first) return null;
  const total = match[3] === undefined || match[3] === '*' ? null : Number(match[3]);
  return { first, last, total };
}

function totalOfUnsatisfied(value: string | undefined): number | null {
  const match = value === undefined ? null : UNSATISFIED_RANGE.exec(value);
  return match === null ? null : Number(match[1]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Makes sure an API root URL ends with `/`, as TAXII URLs do, so relative paths resolve under it. */
export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** The HTTP side of the connector: URLs, media types, status handling, and reading answers into plain pages. */
export class TaxiiClient {
  readonly profile: VersionProfile;
  readonly apiRoot: string;
  readonly objectsUrl: string;

  constructor(
    private readonly http: HttpClient,
    config: Pick<TaxiiConfig, 'server_url' | 'collection' | 'version'>,
    private readonly signal?: AbortSignal,
  ) {
    this.profile = PROFILES[config.version];
    this.apiRoot = withTrailingSlash(config.server_url);
    this.objectsUrl = new URL(`collections/${encodeURIComponent(config.collection)}/objects/`, this.apiRoot).href;
  }

  /** GET a TAXII resource (discovery, API root, collections) as JSON. */
  async getResource(url: string): Promise<unknown> {
    const res = await this.http.get(url, { headers: { accept: this.profile.taxiiAccept }, signal: this.signal, acceptStatus: acceptWith406 });
    return this.readJson(res, this.profile.taxiiAccept);
  }

  /** One TAXII 2.1 objects request. A `next` the server refuses comes back as `cursor-refused`, not as an error. */
  async fetchEnvelope(query: { addedAfter: string | null; next: string | null; limit: number | undefined }): Promise<EnvelopePage | CursorRefused> {
    const withCursor = query.next !== null;
    const res = await this.http.get(this.objectsUrl, {
      headers: { accept: this.profile.objectsAccept },
      params: { added_after: query.addedAfter ?? undefined, limit: query.limit, next: query.next ?? undefined },
      signal: this.signal,
      acceptStatus: (s) => acceptWith406(s) || (withCursor && CURSOR_REFUSED.has(s)),
    });
    if (withCursor && CURSOR_REFUSED.has(res.status)) return { kind: 'cursor-refused', status: res.status };
    const body = this.readJson(res, this.profile.objectsAccept);
    if (!isRecord(body)) throw new SourceDataError(`GET ${redactUrl(res.url)}: not a TAXII envelope (expected a JSON object)`);
    const next = body.next === undefined || body.next === null || body.next === '' ? null : String(body.next);
    return {
      kind: 'page',
      objects: this.objectsOf(body, res.url),
      more: body.more === true || body.more === 'true',
      next,
      dateAddedLast: res.headers['x-taxii-date-added-last'],
    };
  }

  /** One TAXII 2.0 objects request for `items start-(start+length-1)`; no Range at all when `length` is unknown. */
  async fetchRange(query: { addedAfter: string | null; start: number; length: number | undefined; spelling: RangeSpelling }): Promise<RangeAnswer> {
    const headers: Record<string, string> = { accept: this.profile.objectsAccept };
    const ranged = query.length !== undefined;
    if (ranged) headers.range = `${query.spelling}${query.start}-${query.start + query.length! - 1}`;
    const res = await this.http.get(this.objectsUrl, {
      headers,
      params: { added_after: query.addedAfter ?? undefined },
      signal: this.signal,
      acceptStatus: (s) => acceptWith406(s) || (ranged && (s === 416 || s === 400)),
    });
    if (res.status === 416) return { kind: 'past-end', total: totalOfUnsatisfied(res.headers['content-range']) };
    if (res.status === 400) return { kind: 'range-refused', status: 400 };
    const body = this.readJson(res, this.profile.objectsAccept);
    if (!isRecord(body)) throw new SourceDataError(`GET ${redactUrl(res.url)}: not a STIX bundle (expected a JSON object)`);
    const objects = this.objectsOf(body, res.url);
    const dateAddedLast = res.headers['x-taxii-date-added-last'];
    if (res.status === 206) return { kind: 'partial', objects, range: parseContentRange(res.headers['content-range']), dateAddedLast };
    return { kind: 'full', objects, dateAddedLast };
  }

  private objectsOf(body: Record<string, unknown>, url: string): StixObject[] {
    if (body.objects === undefined || body.objects === null) return [];
    if (!Array.isArray(body.objects)) throw new SourceDataError(`GET ${redactUrl(url)}: "objects" is not a list`);
    return body.objects as StixObject[];
  }

  private readJson(res: HttpResponse, accept: string): unknown {
    const url = redactUrl(res.url);
    if (res.status === 406) {
      const other = this.profile.version === '2.1' ? '2.0' : '2.1';
      throw new SourceDataError(`GET ${url}: HTTP 406, the server does not serve "${accept}" (a TAXII ${other} server? set TAXII_VERSION=${other})`);
    }
    const contentType = res.headers['content-type'];
    if (!isJsonMediaType(contentType)) throw new SourceDataError(`GET ${url}: answered "${contentType}", not TAXII JSON (is TAXII_SERVER_URL an API root?)`);
    return res.json();
  }
}

function acceptWith406(status: number): boolean {
  return (status >= 200 && status < 300) || status === 406;
}
