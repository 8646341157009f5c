import { createHash } from 'node:crypto';
import { stix, type StixObject } from '../../core';
import { parseFeedDate } from './dates';
import { htmlToMarkdown, isSafeUrl } from './html';
import type { FeedItem, ParsedFeed } from './parse';

/**
 * Feed items to STIX reports, as the platform's ingester maps them (protocol facts, section 5), pure: the time
 * ("first seen") is passed in. One report per item, without object_refs.
 */

export type DateSource = 'item' | 'channel' | 'first-seen';

export interface DatedItem {
  item: FeedItem;
  /** ISO UTC, millisecond form: the report's `published` */
  published: string;
  dateSource: DateSource;
  /** the raw date text when it could not be read (for the warning) */
  unreadDate?: string;
  /** the item's identity across runs (hash of guid, else link, else name + date) */
  key: string;
  /** absolute link, when the item has an http(s) one */
  link?: string;
  name: string;
}

export interface ReportOptions {
  /** the channel's title (else the feed URL): first word of the external reference's description */
  feedTitle: string;
  reportTypes: string[];
  authorId?: string;
  markingIds: string[];
}

/** 64 bits of SHA-256: short enough for a state that keeps thousands, wide enough that two items never collide in practice. */
export function itemKey(identity: string): string {
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}

function absoluteLink(link: string | undefined, base: string): string | undefined {
  if (link === undefined || link.trim() === '') return undefined;
  try {
    const url = new URL(link.trim(), base);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isSafeUrl(url.href) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The date each item gets: its own, else the channel's, else the time it was first seen (`firstSeen`, the run's
 * start). An item whose date cannot be read falls back the same way, and says so in `unreadDate`.
 */
export function dateItems(feed: ParsedFeed, feedUrl: string, firstSeen: Date): DatedItem[] {
  const channelDate = parseFeedDate(feed.dateText);
  return feed.items.map((item) => {
    const own = parseFeedDate(item.dateText);
    const date = own ?? channelDate ?? firstSeen;
    const published = date.toISOString();
    const link = absoluteLink(item.link, feedUrl);
    const name = item.title ?? link ?? 'Untitled';
    const identity = item.guid?.trim() || link || `${name}\n${published}`;
    return {
      item,
      published,
      dateSource: own ? 'item' : channelDate ? 'channel' : 'first-seen',
      unreadDate: own === null && item.dateText !== undefined ? item.dateText : undefined,
      key: itemKey(identity),
      link,
      name,
    };
  });
}

export function itemToReport(dated: DatedItem, opts: ReportOptions): StixObject {
  const { item, published, link, name } = dated;
  const description = htmlToMarkdown(item.summaryHtml ?? item.contentHtml);
  const externalReferences = link
    ? [stix.makeExternalReference({ source_name: name, url: link, description: `${opts.feedTitle} ${name}. Retrieved ${published}.` })]
    : undefined;
  return stix.makeReport({
    name,
    published,
    // created = published: the same item always gives the same object, whenever it is sent
    created: published,
    modified: published,
    description: description === '' ? undefined : description,
    labels: item.categories.length > 0 ? item.categories : undefined,
    report_types: opts.reportTypes,
    created_by_ref: opts.authorId,
    object_marking_refs: opts.markingIds.length > 0 ? opts.markingIds : undefined,
    external_references: externalReferences,
  });
}
