import { defineConnector, field, isOctiError, redactUrl, SourceUnavailableError, type CheckLine, type StixObject } from '../../core';
import { fetchFeed } from './client';
import { importFeed, type FeedRun } from './import-feed';
import { readState, seedDate, type RssState } from './state';

/** A feed bigger than this is refused (the error names the URL and the cap). */
export const MAX_FEED_BYTES = 64 * 1024 * 1024;
/** The whole exchange (connect, redirects, body) must finish within this. */
export const FEED_TIMEOUT_MS = 60_000;
/** `created` of the author identity: fixed, so the same configuration always sends the same object. */
const AUTHOR_CREATED = '2024-01-01T00:00:00.000Z';

const config = {
  feed_url: field.urlList('feed URL; several feeds: comma-separated').required().example('https://securelist.com/feed/'),
  import_from_date: field.date('ISO date of the oldest item to import; empty = all'),
  report_types: field.list('report types applied to each report (comma list)').default(['threat-report']),
  default_author: field.string('organization name set as created_by_ref (the identity is included in each bundle)'),
  default_markings: field.tlpList('markings applied to each report, e.g. TLP:GREEN (the marking objects are included in each bundle)'),
  ssl_verify: field.boolean('verify TLS certificates').default(true),
};

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * RSS 0.9x/2.0, Atom and RDF feeds to STIX reports, one per item, with the platform's mapping and an exactly-once
 * cursor per feed. Feeds are read one after the other; a failing feed is reported and skipped, the others still
 * deliver and checkpoint, and the run then ends failed so the failure shows (exit 1, work in error).
 */
export default defineConnector<typeof config, RssState>({
  name: 'rss',
  type: 'EXTERNAL_IMPORT',
  description: 'RSS, Atom and RDF feeds: one report per item',
  imports: ['report', 'identity', 'marking-definition'],
  defaultPeriod: 'PT1H',
  update: true,
  config,
  http: (c) => ({ sslVerify: c.ssl_verify, maxBytes: MAX_FEED_BYTES, timeoutMs: FEED_TIMEOUT_MS }),
  async *collect(ctx) {
    const urls = [...new Set(ctx.config.feed_url)];
    const author = ctx.config.default_author ? ctx.stix.makeOrganization(ctx.config.default_author, { created: AUTHOR_CREATED }) : undefined;
    const markings = [...new Set(ctx.config.default_markings ?? [])];
    const shared: StixObject[] = [...(author ? [author] : []), ...markings.map((m) => ctx.stix.tlpMarking(m))];
    const run: FeedRun = {
      http: ctx.http,
      log: ctx.log,
      signal: ctx.signal,
      runStartedAt: ctx.runStartedAt,
      importFromDate: ctx.config.import_from_date,
      shared,
      report: { reportTypes: [...ctx.config.report_types], authorId: author?.id, markingIds: markings.map((m) => ctx.stix.tlpMarkingId(m)) },
      state: readState(ctx.state),
      seedDate: seedDate(ctx.state),
    };
    const failed: string[] = [];
    for (const url of urls) {
      if (ctx.signal.aborted) return;
      try {
        yield* importFeed(run, url);
      } catch (err) {
        // a single feed: its error is the run's; several: report this one and go on with the others
        if (ctx.signal.aborted || urls.length === 1) throw err;
        const expected = isOctiError(err) && err.expected;
        ctx.log.error({ url: redactUrl(url), code: isOctiError(err) ? err.code : undefined, err: expected ? undefined : err }, `feed failed: ${describe(err)}; its state is left as it was`);
        failed.push(redactUrl(url));
      }
    }
    if (failed.length > 0) {
      throw new SourceUnavailableError(`${failed.length} of ${urls.length} feeds failed (${failed.join(', ')}); the other feeds were imported and checkpointed`);
    }
  },
  async check(ctx) {
    const lines: CheckLine[] = [];
    for (const url of [...new Set(ctx.config.feed_url)]) {
      try {
        const fetched = await fetchFeed(ctx.http, url, {}, ctx.signal);
        const detail = fetched.notModified
          ? 'answered 304 Not Modified without validators'
          : `"${fetched.feed.title ?? '(no title)'}", ${fetched.feed.items.length} items (${fetched.feed.format}, ${fetched.charset})`;
        lines.push({ target: redactUrl(url), ok: true, detail });
      } catch (err) {
        lines.push({ target: redactUrl(url), ok: false, detail: describe(err) });
      }
    }
    return lines;
  },
});
