import { SourceDataError, type Logger, type StixObject } from '../../core';
import type { RangeSpelling, TaxiiClient } from './client';
import { isLater, readTaxiiTimestamp } from './timestamps';

/**
 * The connector state (interfaces contract): the `added_after` the current walk started from, and where inside that
 * walk the next request resumes — the 2.1 `next` cursor, or for 2.0 the next range start as a decimal string.
 * A cursor is only meaningful together with the `added_after` it was issued for, which is why both travel together.
 */
export interface TaxiiState {
  added_after_start: string | null;
  current_state_cursor: string | null;
  [key: string]: unknown;
}

/** The state a run starts from: the saved one (fields of another shape ignored), else the configured import date. */
export function startingState(saved: Record<string, unknown> | null, importFromDate: string | undefined): TaxiiState {
  if (saved === null) return { added_after_start: importFromDate ?? null, current_state_cursor: null };
  const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
  return { added_after_start: text(saved.added_after_start), current_state_cursor: text(saved.current_state_cursor) };
}

/** One page as it arrived, with the state that becomes true once it is delivered. */
export interface Page {
  objects: StixObject[];
  checkpoint: TaxiiState;
}

export interface WalkOptions {
  pageSize: number | undefined;
  log: Logger;
}

/** Range length asked when resuming a 2.0 walk without a configured page size (the server may still cap it). */
export const RESUME_RANGE_LENGTH = 1000;

function state(addedAfter: string | null, cursor: string | null): TaxiiState {
  return { added_after_start: addedAfter, current_state_cursor: cursor };
}

/** The date-added header of the newest page that carried objects: where the next walk starts once this one is complete. */
interface LastPage {
  seen: boolean;
  header: string | undefined;
}

function remember(last: LastPage, objects: StixObject[], header: string | undefined): LastPage {
  return objects.length > 0 ? { seen: true, header } : last;
}

/**
 * The `added_after` of the next walk once a walk is complete: `X-TAXII-Date-Added-Last` of the last page that carried
 * objects (an empty final page says nothing). Without the header the start stays where it was (nothing is lost;
 * repeats merge on their ids) and a warning says so.
 */
function nextStart(current: string | null, last: LastPage, log: Logger): string | null {
  if (!last.seen) return current;
  const timestamp = readTaxiiTimestamp(last.header);
  // every object of the walk was added after `current`, so a header before it says nothing: never move back
  if (timestamp !== null) return current !== null && !isLater(timestamp, current) ? current : timestamp;
  const why = last.header === undefined ? 'no X-TAXII-Date-Added-Last header' : `unreadable X-TAXII-Date-Added-Last "${last.header}"`;
  log.warn({ added_after: current }, `${why} on the last page: added_after stays where it was, so the next run asks for these objects again`);
  return current;
}

/**
 * TAXII 2.1, exactly as the specification pages: follow `next` (with the same `added_after`) while `more`; when `more`
 * comes without `next`, continue with `added_after` = `X-TAXII-Date-Added-Last` (exclusive) and no cursor. A `next` the
 * server refuses restarts the walk once from its `added_after`; pages are requested back to back, without sleeping.
 */
export async function* walkEnvelopes(client: TaxiiClient, from: TaxiiState, opts: WalkOptions): AsyncGenerator<Page> {
  let addedAfter = from.added_after_start;
  let next = from.current_state_cursor;
  let restarted = false;
  let last: LastPage = { seen: false, header: undefined };
  for (;;) {
    const answer = await client.fetchEnvelope({ addedAfter, next, limit: opts.pageSize });
    if (answer.kind === 'cursor-refused') {
      if (restarted) {
        throw new SourceDataError(`GET ${client.objectsUrl}: the server refused its own next cursor again (HTTP ${answer.status}) after a restart; giving up for this run`);
      }
      opts.log.warn({ status: answer.status, added_after: addedAfter }, 'next cursor refused (expired or forgotten by the server): restarting the walk from added_after');
      restarted = true;
      next = null;
      continue;
    }
    last = remember(last, answer.objects, answer.dateAddedLast);
    if (answer.more && answer.next !== null) {
      if (answer.next === next && answer.objects.length === 0) {
        throw new SourceDataError(`GET ${client.objectsUrl}: the server answered an empty page with the same next cursor; it would loop forever`);
      }
      next = answer.next;
      yield { objects: answer.objects, checkpoint: state(addedAfter, next) };
      continue;
    }
    if (answer.more) {
      // `more` without `next`: the specification's date-based continuation, from this page's last date added
      const continueAfter = readTaxiiTimestamp(answer.dateAddedLast);
      if (continueAfter === null || (addedAfter !== null && !isLater(continueAfter, addedAfter))) {
        yield { objects: answer.objects, checkpoint: state(addedAfter, next) };
        const why = continueAfter === null ? 'without a usable X-TAXII-Date-Added-Last header' : `and X-TAXII-Date-Added-Last ${continueAfter} is not after added_after ${addedAfter}`;
        throw new SourceDataError(`GET ${client.objectsUrl}: the server says more objects follow but gave no next cursor ${why}; cannot page further`);
      }
      addedAfter = continueAfter;
      next = null;
      last = { seen: false, header: undefined };
      yield { objects: answer.objects, checkpoint: state(addedAfter, null) };
      continue;
    }
    yield { objects: answer.objects, checkpoint: state(nextStart(addedAfter, last, opts.log), null) };
    return;
  }
}

function rangeStartOf(cursor: string | null, log: Logger): number {
  if (cursor === null) return 0;
  if (/^\d+$/.test(cursor)) return Number(cursor);
  log.warn({ cursor }, 'saved 2.0 range start is not a decimal number: starting the walk from its added_after');
  return 0;
}

/**
 * TAXII 2.0: `Range: items=a-b` pages answered by 206 + `Content-Range`, a 200 meaning "everything", 416 meaning past
 * the end. The walk keeps one `added_after` throughout, so new objects only append and offsets stay stable. Without a
 * total in `Content-Range` the walk goes on until an empty page or a 416. A server that refuses the RFC 7233 spelling
 * gets the older `items a-b` spelling.
 */
export async function* walkRanges(client: TaxiiClient, from: TaxiiState, opts: WalkOptions): AsyncGenerator<Page> {
  const addedAfter = from.added_after_start;
  let start = rangeStartOf(from.current_state_cursor, opts.log);
  let length = opts.pageSize ?? (start > 0 ? RESUME_RANGE_LENGTH : undefined);
  let spelling: RangeSpelling = 'items=';
  let last: LastPage = { seen: false, header: undefined };
  const resumedAt = start;
  for (;;) {
    const answer = await client.fetchRange({ addedAfter, start, length, spelling });
    if (answer.kind === 'range-refused') {
      if (spelling === 'items ') throw new SourceDataError(`GET ${client.objectsUrl}: HTTP 400 to both "Range: items=a-b" and "Range: items a-b"`);
      opts.log.info('the server refused "Range: items=a-b"; using its "items a-b" spelling');
      spelling = 'items ';
      continue;
    }
    if (answer.kind === 'full') {
      if (start > 0) opts.log.info({ range_start: start }, 'the server ignored the Range header and sent the whole collection');
      last = remember({ seen: false, header: undefined }, answer.objects, answer.dateAddedLast);
      yield { objects: answer.objects, checkpoint: state(nextStart(addedAfter, last, opts.log), null) };
      return;
    }
    const objects = answer.kind === 'partial' ? answer.objects : [];
    last = remember(last, objects, answer.kind === 'partial' ? answer.dateAddedLast : undefined);
    const range = answer.kind === 'partial' ? (answer.range ?? { first: start, last: start + objects.length - 1, total: null }) : null;
    const done = range === null || objects.length === 0 || (range.total !== null && range.last + 1 >= range.total);
    if (done) {
      if (!last.seen && resumedAt > 0) {
        opts.log.info({ range_start: resumedAt }, 'nothing at the saved range start (the previous walk had reached the end): the next walk starts over from added_after');
      }
      yield { objects, checkpoint: state(nextStart(addedAfter, last, opts.log), null) };
      return;
    }
    length ??= range.last - range.first + 1;
    start = range.last + 1;
    yield { objects, checkpoint: state(addedAfter, String(start)) };
  }
}
