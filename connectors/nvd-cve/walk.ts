/**
 * Where a walk through NVD's changes stands, as pure functions. A walk covers everything modified before `until`
 * (fixed when it starts), in windows of at most 120 days (the API's limit), each read page by page from `start_index`.
 * `window_start` '' is the first import of the whole catalogue, read without a date filter.
 */
export interface Walk {
  until: string;
  window_start: string;
  start_index: number;
  /** totalResults when the window was first read; a smaller one later means records moved out under us */
  total_results: number | null;
}

export interface NvdState extends Record<string, unknown> {
  /** every CVE modified before this instant has been delivered ('' = nothing yet) */
  done_until: string;
  /** the walk under way (resumed exactly where it stopped), or null */
  walk: Walk | null;
}

export const MAX_WINDOW_MS = 120 * 24 * 3600 * 1000;

export function windowEnd(walk: Walk): string {
  if (walk.window_start === '') return walk.until;
  const end = Math.min(Date.parse(walk.window_start) + MAX_WINDOW_MS, Date.parse(walk.until));
  return new Date(end).toISOString();
}

/** The walk a run starts with: the saved one, else a new one from the last end (or the import date) up to now. */
export function startWalk(state: NvdState | null, importFromDate: string | undefined, now: Date): Walk | null {
  if (state?.walk) return state.walk;
  const from = state?.done_until || importFromDate || '';
  const until = now.toISOString();
  if (from !== '' && from >= until) return null;
  return { until, window_start: from, start_index: 0, total_results: null };
}

/** The state once `delivered` more records of the current window are delivered, moving to the next window or ending the walk. */
export function afterDelivery(walk: Walk, delivered: number, totalResults: number, doneUntil: string): NvdState {
  const next = walk.start_index + delivered;
  if (next < totalResults) return { done_until: doneUntil, walk: { ...walk, start_index: next, total_results: totalResults } };
  const end = windowEnd(walk);
  if (end >= walk.until) return { done_until: walk.until, walk: null };
  return { done_until: doneUntil, walk: { until: walk.until, window_start: end, start_index: 0, total_results: null } };
}
