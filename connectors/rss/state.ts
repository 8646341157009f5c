import { redactUrl } from '../../core';
import { readCursor, type FeedCursor } from './cursor';
import type { Validators } from './client';

/**
 * The connector's state: `current_state_date` (the newest date any feed has sent, as the platform's ingester names
 * it) and one entry per feed, keyed by its URL (credentials removed), holding that feed's cursor and the validators
 * (ETag, Last-Modified) of its last complete read. Each feed reads and writes only its own entry.
 */

export interface FeedState extends FeedCursor, Validators {
  /** the channel title last read, for whoever reads the state */
  title?: string;
}

export interface RssState {
  current_state_date: string;
  feeds: Record<string, FeedState>;
  [key: string]: unknown;
}

export const feedKey = (url: string): string => redactUrl(url);

/**
 * A saved state this connector did not write (no `feeds`: the platform ingester's `{current_state_date}`, or one an
 * operator set) still says where to start: feeds without an entry take its date as already sent, strictly newer
 * items only (the platform's rule). Undefined when there is no such date.
 */
export function seedDate(saved: Record<string, unknown> | null): string | undefined {
  if (saved === null || saved.feeds !== undefined || typeof saved.current_state_date !== 'string') return undefined;
  const time = Date.parse(saved.current_state_date);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

export function readState(saved: Record<string, unknown> | null): RssState {
  const feeds: Record<string, FeedState> = {};
  const savedFeeds = saved?.feeds;
  if (savedFeeds && typeof savedFeeds === 'object') {
    for (const [key, entry] of Object.entries(savedFeeds as Record<string, unknown>)) {
      const e = (entry ?? {}) as Record<string, unknown>;
      feeds[key] = {
        ...readCursor(e),
        ...(typeof e.etag === 'string' ? { etag: e.etag } : {}),
        ...(typeof e.last_modified === 'string' ? { last_modified: e.last_modified } : {}),
        ...(typeof e.title === 'string' ? { title: e.title } : {}),
      };
    }
  }
  return { ...(saved ?? {}), current_state_date: newestDate(feeds), feeds };
}

function newestDate(feeds: Record<string, FeedState>): string {
  let newest = '';
  for (const f of Object.values(feeds)) if (f.current_state_date > newest) newest = f.current_state_date;
  return newest;
}

/** The whole state with one feed's entry replaced (a new object: checkpoints already yielded stay as they were). */
export function withFeed(state: RssState, key: string, entry: FeedState): RssState {
  const feeds = { ...state.feeds, [key]: entry };
  return { ...state, current_state_date: newestDate(feeds), feeds };
}
