/**
 * The per-feed cursor. The platform's own ingester keeps only the newest date and sends what is strictly newer, so it
 * loses items that share that date and items that show up late with an older date. This cursor remembers the key of
 * every item sent whose date lies within LATE_WINDOW_MS of the newest date sent, grouped by date, so:
 * - an item is sent when its key is not remembered and its date is at or after `remembered_since`;
 * - items sharing the newest date are told apart by key (the "ids at that date" are `remembered[current_state_date]`);
 * - a late item dated inside the window is sent once; one dated before it is taken as already sent.
 * The date never moves past the run's start time, and the set is bounded (MAX_REMEMBERED keys; whole dates are
 * dropped, oldest first, raising `remembered_since`, so an id sharing a kept date is never forgotten).
 */

export const LATE_WINDOW_MS = 30 * 24 * 3600 * 1000;
export const MAX_REMEMBERED = 10_000;

export interface FeedCursor {
  /** the newest item date sent, capped at the start of the run that sent it; '' = nothing sent yet */
  current_state_date: string;
  /** item date (ISO) -> keys of the items sent with that date */
  remembered: Record<string, string[]>;
  /** items dated before this and not remembered are taken as sent; '' = no such bound (first run) */
  remembered_since: string;
}

export const emptyCursor = (): FeedCursor => ({ current_state_date: '', remembered: {}, remembered_since: '' });

/** A cursor that takes everything dated up to `date` (inclusive) as sent. */
export function cursorFrom(date: string): FeedCursor {
  return { current_state_date: date, remembered: {}, remembered_since: new Date(Date.parse(date) + 1).toISOString() };
}

/** A cursor read back from a saved state: anything malformed is a fresh cursor, never a crash. */
export function readCursor(saved: unknown): FeedCursor {
  const s = (saved ?? {}) as Partial<FeedCursor>;
  const remembered: Record<string, string[]> = {};
  if (s.remembered && typeof s.remembered === 'object') {
    for (const [date, keys] of Object.entries(s.remembered)) {
      if (Array.isArray(keys)) remembered[date] = keys.filter((k): k is string => typeof k === 'string');
    }
  }
  return {
    current_state_date: typeof s.current_state_date === 'string' ? s.current_state_date : '',
    remembered,
    remembered_since: typeof s.remembered_since === 'string' ? s.remembered_since : '',
  };
}

/** key -> date, for lookups during one run */
export function rememberedIndex(cursor: FeedCursor): Map<string, string> {
  const index = new Map<string, string>();
  for (const [date, keys] of Object.entries(cursor.remembered)) for (const key of keys) index.set(key, date);
  return index;
}

export type Verdict = 'new' | 'sent' | 'older-than-window';

export function verdict(index: Map<string, string>, cursor: FeedCursor, key: string, date: string): Verdict {
  if (index.has(key)) return 'sent';
  if (cursor.remembered_since !== '' && date < cursor.remembered_since) return 'older-than-window';
  return 'new';
}

/**
 * The cursor after sending (or re-seeing) `entries`; the input is not changed. `runStartedAt` caps the date;
 * a key already remembered under another date moves to the new one (undated items are re-stamped each run, so
 * they stay remembered as long as they stay in the feed).
 */
export function advanceCursor(cursor: FeedCursor, entries: { key: string; date: string }[], runStartedAt: string): FeedCursor {
  const index = rememberedIndex(cursor);
  let newest = cursor.current_state_date;
  for (const { key, date } of entries) {
    index.set(key, date);
    const capped = date > runStartedAt ? runStartedAt : date;
    if (capped > newest) newest = capped;
  }
  const windowStart = newest === '' ? '' : new Date(Date.parse(newest) - LATE_WINDOW_MS).toISOString();
  let since = cursor.remembered_since > windowStart ? cursor.remembered_since : windowStart;
  const byDate = new Map<string, string[]>();
  for (const [key, date] of index) {
    if (date < since) continue;
    const keys = byDate.get(date);
    if (keys) keys.push(key);
    else byDate.set(date, [key]);
  }
  const dates = [...byDate.keys()].sort();
  let count = dates.reduce((n, d) => n + byDate.get(d)!.length, 0);
  while (count > MAX_REMEMBERED && dates.length > 1) {
    const dropped = dates.shift()!;
    count -= byDate.get(dropped)!.length;
    byDate.delete(dropped);
    since = dates[0]!;
  }
  const remembered: Record<string, string[]> = {};
  for (const date of dates) remembered[date] = byDate.get(date)!;
  return { current_state_date: newest, remembered, remembered_since: since };
}
