/**
 * The OpenPhish feed has no dates, so the cursor is the set of URLs already sent, each with the time it was first
 * sent. An entry is kept while its URL is still in the feed or was sent within the retention window; older entries
 * that left the feed are dropped, so the state stays about the size of the feed plus a week of churn.
 */
export interface OpenPhishState {
  /** URL -> ISO time it was first sent */
  sent: Record<string, string>;
  [key: string]: unknown;
}

export const RETENTION_MS = 7 * 86_400_000;

/** The entries of `state` still worth remembering, given the URLs in the current feed. */
export function prunedSent(state: OpenPhishState | null, inFeed: ReadonlySet<string>, now: Date): Record<string, string> {
  const oldest = new Date(now.getTime() - RETENTION_MS).toISOString();
  const kept: Record<string, string> = {};
  for (const [url, sentAt] of Object.entries(state?.sent ?? {})) {
    if (inFeed.has(url) || sentAt >= oldest) kept[url] = sentAt;
  }
  return kept;
}
