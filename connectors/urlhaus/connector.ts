import { dateCursorBatches, defineConnector, field, initialDateCursor, isAfterDateCursor, type DateCursor } from '../../core';
import { fetchUrlhausDump, type UrlhausEntry } from './client';
import { entryToStix } from './convert';

/** Cursor: the newest `dateadded` delivered and the URLhaus ids delivered at exactly that time (entries share it). */
type UrlhausState = DateCursor & Record<string, unknown>;

/** Entries per delivered bundle: bounded memory per batch, and progress a restart keeps. */
export const BATCH_SIZE = 500;
const AUTHOR = 'abuse.ch';

const config = {
  url: field.url('the URLhaus CSV dump (csv_online: URLs distributing malware now; csv_recent also works)').default('https://urlhaus.abuse.ch/downloads/csv_online/'),
  api_key: field.string("abuse.ch Auth-Key, sent as the Auth-Key header; empty = none").secret(),
  tlp: field.tlp().default('TLP:CLEAR'),
  import_from_date: field.date('oldest dateadded to import; empty = all'),
};

const byDateThenId = (a: UrlhausEntry, b: UrlhausEntry) => a.dateadded.localeCompare(b.dateadded) || Number(a.id) - Number(b.id);

/**
 * URLhaus (abuse.ch): each malware URL of the dump becomes a url observable and an indicator based on it, oldest
 * first, in batches with a checkpoint after each. The dump lists newest first; the cursor needs oldest first.
 */
export default defineConnector<typeof config, UrlhausState>({
  name: 'urlhaus',
  type: 'EXTERNAL_IMPORT',
  description: 'malware distribution URLs from the abuse.ch URLhaus CSV dump',
  imports: ['url', 'indicator', 'relationship'],
  defaultPeriod: 'PT1H',
  update: true,
  config,
  http: (cfg) => (cfg.api_key ? { headers: { 'Auth-Key': cfg.api_key } } : {}),
  async *collect(ctx) {
    const dump = await fetchUrlhausDump(ctx.http, ctx.config.url, ctx.signal);
    for (const problem of dump.skipped) ctx.log.warn({ url: ctx.config.url, line: problem.line }, `entry skipped: line ${problem.line}: ${problem.message}`);
    const after: DateCursor = ctx.state ?? initialDateCursor(ctx.config.import_from_date);
    const fresh = dump.entries.filter((e) => isAfterDateCursor(after, e.dateadded, e.id)).sort(byDateThenId);
    ctx.log.info({ entries: dump.entries.length, new: fresh.length, last_updated: dump.lastUpdated }, 'URLhaus dump fetched');

    const author = ctx.stix.makeOrganization(AUTHOR, { created: '2024-01-01T00:00:00.000Z' });
    const marking = ctx.stix.tlpMarking(ctx.config.tlp);
    for (const { records: slice, cursor } of dateCursorBatches(fresh, after, BATCH_SIZE, (entry) => ({ date: entry.dateadded, id: entry.id }))) {
      if (ctx.signal.aborted) return;
      const objects = [author, marking, ...slice.flatMap((entry) => entryToStix(entry, { author, tlp: ctx.config.tlp }))];
      yield { objects, checkpoint: cursor };
    }
  },
  async check(ctx) {
    const dump = await fetchUrlhausDump(ctx.http, ctx.config.url, ctx.signal);
    const newest = dump.entries.reduce((max, e) => (e.dateadded > max ? e.dateadded : max), '');
    const parts = [`${dump.entries.length} entries`, newest ? `newest added ${newest}` : 'none dated'];
    if (dump.lastUpdated) parts.push(`dump updated ${dump.lastUpdated}`);
    if (dump.skipped.length > 0) parts.push(`${dump.skipped.length} unreadable line(s), first line ${dump.skipped[0]!.line}`);
    return [{ target: ctx.config.url, ok: true, detail: parts.join(', ') }];
  },
});
