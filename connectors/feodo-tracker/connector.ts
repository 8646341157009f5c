import { dateCursorBatches, defineConnector, field, initialDateCursor, isAfterDateCursor, type DateCursor } from '../../core';
import { fetchC2List, type C2Entry } from './client';
import { batchToStix } from './convert';

/** Cursor: the newest `first_seen_utc` delivered and the `ip:port` entries delivered at exactly that second. */
type FeodoState = DateCursor & Record<string, unknown>;

/** Entries per delivered bundle: bounded memory per batch, and progress a restart keeps. */
export const BATCH_SIZE = 500;
const AUTHOR = 'abuse.ch';

const config = {
  url: field.url('the Feodo Tracker botnet C2 IP blocklist (CSV)').default('https://feodotracker.abuse.ch/downloads/ipblocklist.csv'),
  tlp: field.tlp().default('TLP:CLEAR'),
  import_from_date: field.date('oldest first_seen_utc to import; empty = all'),
};

const keyOf = (entry: C2Entry) => `${entry.ip}:${entry.port}`;
const byFirstSeen = (a: C2Entry, b: C2Entry) => a.first_seen.localeCompare(b.first_seen) || a.line - b.line;

/**
 * Feodo Tracker (abuse.ch): each botnet C2 of the blocklist becomes an ipv4-addr observable, an indicator based on
 * it and the malware family it indicates, oldest first, in batches with a checkpoint after each.
 */
export default defineConnector<typeof config, FeodoState>({
  name: 'feodo-tracker',
  type: 'EXTERNAL_IMPORT',
  description: 'botnet C2 servers from the abuse.ch Feodo Tracker IP blocklist',
  imports: ['ipv4-addr', 'indicator', 'malware', 'relationship'],
  defaultPeriod: 'PT1H',
  update: true,
  config,
  async *collect(ctx) {
    const list = await fetchC2List(ctx.http, ctx.config.url, ctx.signal);
    for (const problem of list.skipped) ctx.log.warn({ url: ctx.config.url, line: problem.line }, `entry skipped: line ${problem.line}: ${problem.message}`);
    const after: DateCursor = ctx.state ?? initialDateCursor(ctx.config.import_from_date);
    const fresh = list.entries.filter((e) => isAfterDateCursor(after, e.first_seen, keyOf(e))).sort(byFirstSeen);
    ctx.log.info({ entries: list.entries.length, new: fresh.length, last_updated: list.lastUpdated }, 'Feodo Tracker blocklist fetched');

    const author = ctx.stix.makeOrganization(AUTHOR, { created: '2024-01-01T00:00:00.000Z' });
    const marking = ctx.stix.tlpMarking(ctx.config.tlp);
    for (const { records: slice, cursor } of dateCursorBatches(fresh, after, BATCH_SIZE, (entry) => ({ date: entry.first_seen, id: keyOf(entry) }))) {
      if (ctx.signal.aborted) return;
      const objects = [author, marking, ...batchToStix(slice, { author, tlp: ctx.config.tlp })];
      yield { objects, checkpoint: cursor };
    }
  },
  async check(ctx) {
    const list = await fetchC2List(ctx.http, ctx.config.url, ctx.signal);
    const online = list.entries.filter((e) => e.status === 'online').length;
    const families = new Set(list.entries.map((e) => e.malware).filter((m) => m !== ''));
    const parts = [`${list.entries.length} C2 entries (${online} online)`, `families: ${[...families].sort().join(', ') || 'none'}`];
    if (list.lastUpdated) parts.push(`list updated ${list.lastUpdated}`);
    if (list.skipped.length > 0) parts.push(`${list.skipped.length} unreadable line(s), first line ${list.skipped[0]!.line}`);
    return [{ target: ctx.config.url, ok: true, detail: parts.join(', ') }];
  },
});
