import { randomBytes, randomUUID } from 'node:crypto';
import type { JsonObject } from './fixtures';

/**
 * The objects endpoint of the local TAXII server, as pure functions from a request to an answer: TAXII 2.1 envelopes
 * with opaque, expiring `next` cursors, and TAXII 2.0 bundles paged by `Range: items a-b` with 206 + Content-Range.
 */

export interface StoredObject {
  object: JsonObject;
  /** the server's date added, UTC with microseconds (all distinct, increasing) */
  dateAdded: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export interface EnvelopeOptions {
  pageCap: number;
  /** 'next' = cursors; 'date' = `more` without `next`, the client continues with X-TAXII-Date-Added-Last */
  paging: 'next' | 'date';
  cursorTtlMs: number;
  dateAddedHeaders: boolean;
  /** how the date-added headers are written: RFC 3339, or MITRE's JavaScript Date text */
  dateFormat: 'rfc3339' | 'javascript';
}

export interface RangeOptions {
  pageCap: number;
  /** the Range spellings the server understands */
  rangeSpelling: 'items=' | 'items ' | 'any';
  contentRange: 'total' | 'no-total';
  ignoreRange: boolean;
  dateAddedHeaders: boolean;
}

interface Cursor {
  offset: number;
  addedAfter: string;
  expiresAt: number;
}

const UTC = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/;

/** Microseconds since the epoch; TAXII timestamps only. NaN for anything else. */
export function micros(timestamp: string): number {
  const match = UTC.exec(timestamp);
  if (match === null) return Number.NaN;
  return Date.parse(`${match[1]}Z`) * 1000 + Number((match[2] ?? '.').slice(1).padEnd(6, '0').slice(0, 6));
}

function taxiiError(status: number, title: string): Answer {
  return { status, headers: { 'content-type': 'application/taxii+json;version=2.1' }, body: { title, http_status: String(status) } };
}

/** MITRE's server writes dates as JavaScript's Date text: `Wed May 31 2017 21:30:18 GMT+0000 (Coordinated Universal Time)`. */
function javascriptDate(timestamp: string): string {
  const [weekday, day, month, year, time] = new Date(Date.parse(timestamp)).toUTCString().replace(',', '').split(' ');
  return `${weekday} ${month} ${day} ${year} ${time} GMT+0000 (Coordinated Universal Time)`;
}

function formatDate(timestamp: string, format: EnvelopeOptions['dateFormat']): string {
  return format === 'javascript' ? javascriptDate(timestamp) : timestamp;
}

function dateHeaders(page: StoredObject[], enabled: boolean, format: EnvelopeOptions['dateFormat'] = 'rfc3339'): Record<string, string> {
  if (!enabled || page.length === 0) return {};
  return { 'x-taxii-date-added-first': formatDate(page[0]!.dateAdded, format), 'x-taxii-date-added-last': formatDate(page[page.length - 1]!.dateAdded, format) };
}

/** Objects added strictly after `addedAfter` (TAXII's filter is exclusive); null when the value is not a timestamp. */
export function addedAfter(all: StoredObject[], value: string | undefined): StoredObject[] | null {
  if (value === undefined) return all;
  const after = micros(value);
  if (Number.isNaN(after)) return null;
  return all.filter((o) => micros(o.dateAdded) > after);
}

/** TAXII 2.1 `GET .../objects/`: envelope pages with opaque cursors kept in `cursors`. */
export class EnvelopePager {
  private readonly cursors = new Map<string, Cursor>();
  constructor(private readonly opts: EnvelopeOptions) {}

  forgetCursors(): void {
    this.cursors.clear();
  }

  answer(all: StoredObject[], query: Record<string, string>, now: number): Answer {
    const filtered = addedAfter(all, query.added_after);
    if (filtered === null) return taxiiError(400, `added_after "${query.added_after}" is not a timestamp`);
    let offset = 0;
    if (query.next !== undefined) {
      const cursor = this.cursors.get(query.next);
      if (cursor === undefined || cursor.expiresAt < now) return taxiiError(400, `next "${query.next}" is unknown or expired`);
      // a cursor belongs to the query that produced it: a client mixing it with another added_after is wrong
      if (cursor.addedAfter !== (query.added_after ?? '')) return taxiiError(400, `next "${query.next}" was issued for another added_after`);
      offset = cursor.offset;
    }
    const asked = query.limit === undefined ? this.opts.pageCap : Number(query.limit);
    if (!Number.isInteger(asked) || asked < 1) return taxiiError(400, `limit "${query.limit}" is not a positive integer`);
    const page = filtered.slice(offset, offset + Math.min(asked, this.opts.pageCap));
    const more = offset + page.length < filtered.length;
    const envelope: JsonObject = {};
    if (more || page.length > 0) envelope.more = more;
    if (more && this.opts.paging === 'next') {
      const token = randomBytes(12).toString('base64url');
      this.cursors.set(token, { offset: offset + page.length, addedAfter: query.added_after ?? '', expiresAt: now + this.opts.cursorTtlMs });
      envelope.next = token;
    }
    if (page.length > 0) envelope.objects = page.map((o) => o.object);
    return {
      status: 200,
      headers: { 'content-type': 'application/taxii+json;version=2.1', ...dateHeaders(page, this.opts.dateAddedHeaders, this.opts.dateFormat) },
      body: envelope,
    };
  }
}

function parseRange(header: string, spelling: RangeOptions['rangeSpelling']): { first: number; last: number } | null {
  const match = /^items([= ])(\d+)-(\d+)$/.exec(header.trim());
  if (match === null) return null;
  if (spelling !== 'any' && spelling !== `items${match[1]}`) return null;
  return { first: Number(match[2]), last: Number(match[3]) };
}

/** TAXII 2.0 `GET .../objects/`: a STIX bundle, partial (206) when ranged or over the server's cap. */
export function rangeAnswer(all: StoredObject[], query: Record<string, string>, rangeHeader: string | undefined, opts: RangeOptions): Answer {
  const stixType = 'application/vnd.oasis.stix+json; version=2.0';
  const filtered = addedAfter(all, query.added_after);
  if (filtered === null) return { status: 400, headers: { 'content-type': 'application/vnd.oasis.taxii+json; version=2.0' }, body: { title: 'bad added_after' } };
  const total = filtered.length;
  const bundle = (page: StoredObject[]): JsonObject => ({ type: 'bundle', id: `bundle--${randomUUID()}`, spec_version: '2.0', objects: page.map((o) => o.object) });
  let first = 0;
  let last = Math.min(total, opts.pageCap) - 1;
  if (rangeHeader !== undefined && !opts.ignoreRange) {
    const range = parseRange(rangeHeader, opts.rangeSpelling);
    if (range === null) return { status: 400, headers: { 'content-type': 'application/vnd.oasis.taxii+json; version=2.0' }, body: { title: `bad Range "${rangeHeader}"` } };
    if (range.first >= total) return { status: 416, headers: { 'content-range': `items */${total}` } };
    first = range.first;
    last = Math.min(range.last, first + opts.pageCap - 1, total - 1);
  } else if (opts.ignoreRange || total <= opts.pageCap) {
    return { status: 200, headers: { 'content-type': stixType, ...dateHeaders(filtered, opts.dateAddedHeaders) }, body: bundle(filtered) };
  }
  const page = filtered.slice(first, last + 1);
  const contentRange = opts.contentRange === 'total' ? `items ${first}-${last}/${total}` : `items ${first}-${last}`;
  return { status: 206, headers: { 'content-type': stixType, 'content-range': contentRange, ...dateHeaders(page, opts.dateAddedHeaders) }, body: bundle(page) };
}
