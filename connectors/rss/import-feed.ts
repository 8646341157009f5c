import { redactUrl, type Batch, type HttpClient, type Logger, type StixObject } from '../../core';
import { fetchFeed } from './client';
import { dateItems, itemToReport, type DatedItem, type ReportOptions } from './convert';
import { advanceCursor, cursorFrom, readCursor, rememberedIndex, verdict, type FeedCursor } from './cursor';
import { feedKey, withFeed, type FeedState, type RssState } from './state';

/** Reports per delivered bundle; a checkpoint follows each. */
export const REPORTS_PER_BATCH = 500;

export interface FeedRun {
  http: HttpClient;
  log: Logger;
  signal: AbortSignal;
  runStartedAt: Date;
  importFromDate?: string;
  /** author identity and marking objects, sent with every bundle */
  shared: StixObject[];
  report: Omit<ReportOptions, 'feedTitle'>;
  /** the whole state as last yielded; each checkpoint replaces it */
  state: RssState;
  /** where feeds without their own entry start (see seedDate) */
  seedDate?: string;
}

interface Selection {
  fresh: DatedItem[];
  /** undated items already sent: re-stamped so they stay remembered while they stay in the feed */
  restamped: { key: string; date: string }[];
  counts: Record<'sent' | 'older-than-window' | 'before-import-date' | 'duplicate', number>;
}

function select(dated: DatedItem[], cursor: FeedCursor, importFromDate: string | undefined): Selection {
  const index = rememberedIndex(cursor);
  const keys = new Set<string>();
  const out: Selection = { fresh: [], restamped: [], counts: { sent: 0, 'older-than-window': 0, 'before-import-date': 0, duplicate: 0 } };
  for (const d of dated) {
    if (keys.has(d.key)) {
      out.counts.duplicate += 1;
      continue;
    }
    keys.add(d.key);
    if (importFromDate !== undefined && d.published < importFromDate) {
      out.counts['before-import-date'] += 1;
      continue;
    }
    const v = verdict(index, cursor, d.key, d.published);
    if (v === 'new') out.fresh.push(d);
    else out.counts[v] += 1;
    if (v === 'sent' && d.dateSource !== 'item' && index.get(d.key)! < d.published) out.restamped.push({ key: d.key, date: d.published });
  }
  // oldest first, so a checkpoint after any batch covers exactly what was sent; same date: document order
  out.fresh.sort((a, b) => (a.published < b.published ? -1 : a.published > b.published ? 1 : a.item.index - b.item.index));
  return out;
}

function warnUnreadDates(run: FeedRun, url: string, dated: DatedItem[]): void {
  const unread = dated.filter((d) => d.unreadDate !== undefined);
  if (unread.length === 0) return;
  const first = unread[0]!;
  run.log.warn(
    { url, items: unread.length, example: `${first.name}: "${first.unreadDate}"`, fallback: first.dateSource },
    'item dates not understood: the channel date, else the first-seen time, is used',
  );
}

function toReports(run: FeedRun, url: string, slice: DatedItem[], feedTitle: string): StixObject[] {
  const reports: StixObject[] = [];
  for (const d of slice) {
    try {
      reports.push(itemToReport(d, { ...run.report, feedTitle }));
    } catch (err) {
      // one item the platform could not take must not hold back the rest of the feed
      run.log.warn({ url, item: d.name, index: d.item.index, reason: (err as Error).message }, 'item skipped: no valid report can be made of it');
    }
  }
  return reports;
}

/**
 * One feed: fetch, select what is new, yield bundles of reports oldest first, each with the whole next state. The
 * feed's validators are stored only with its last batch: an interrupted read is redone in full next time.
 */
export async function* importFeed(run: FeedRun, url: string): AsyncGenerator<Batch<RssState>> {
  const key = feedKey(url);
  const shown = redactUrl(url);
  const previous: FeedState | undefined = run.state.feeds[key];
  const cursor = previous ? readCursor(previous) : run.seedDate ? cursorFrom(run.seedDate) : readCursor(undefined);
  const fetched = await fetchFeed(run.http, url, { etag: previous?.etag, last_modified: previous?.last_modified }, run.signal);
  if (fetched.notModified) {
    run.log.info({ url: shown }, 'feed not modified (HTTP 304): nothing new');
    return;
  }
  const { feed } = fetched;
  const feedTitle = feed.title ?? shown;
  const dated = dateItems(feed, fetched.url, run.runStartedAt);
  warnUnreadDates(run, shown, dated);
  const { fresh, restamped, counts } = select(dated, cursor, run.importFromDate);
  run.log.info({ url: shown, format: feed.format, charset: fetched.charset, bytes: fetched.bytes, items: dated.length, new: fresh.length, ...counts }, 'feed read');

  const runStart = run.runStartedAt.toISOString();
  const entry = (c: FeedCursor, complete: boolean): FeedState => ({
    ...c,
    ...(complete ? fetched.validators : { etag: previous?.etag, last_modified: previous?.last_modified }),
    title: feed.title ?? previous?.title,
  });
  let current = cursor;
  for (let i = 0; i < fresh.length; i += REPORTS_PER_BATCH) {
    const slice = fresh.slice(i, i + REPORTS_PER_BATCH);
    const complete = i + REPORTS_PER_BATCH >= fresh.length;
    const sent = slice.map((d) => ({ key: d.key, date: d.published }));
    current = advanceCursor(current, complete ? [...sent, ...restamped] : sent, runStart);
    run.state = withFeed(run.state, key, entry(current, complete));
    yield { objects: [...run.shared, ...toReports(run, shown, slice, feedTitle)], checkpoint: run.state };
  }
  if (fresh.length === 0) {
    const next = entry(advanceCursor(cursor, restamped, runStart), true);
    if (JSON.stringify(next) === JSON.stringify(previous)) return;
    run.state = withFeed(run.state, key, next);
    yield { checkpoint: run.state };
  }
}
