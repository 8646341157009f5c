import { dateCursorBatches, defineConnector, field, initialDateCursor, isAfterDateCursor, type DateCursor } from '../../core';
import { fetchIocs } from './client';
import { isSupportedType, rowToStix } from './convert';

/** Cursor: the newest `first_seen` delivered, and the values delivered at exactly that instant (rows can share it). */
type ExampleState = DateCursor & Record<string, unknown>;

const AUTHOR = 'Example Feed';

const config = {
  url: field.url('the CSV list of IOCs').required(),
  tlp: field.tlp().default('TLP:CLEAR'),
  import_from_date: field.date('oldest first_seen to import; empty = all'),
  batch_size: field.integer('rows per delivered batch', { min: 1, max: 100_000 }).default(500),
};

/**
 * The example connector: a CSV list of IOCs (first_seen,type,value,threat,description) becomes observables,
 * indicators and malware, delivered in batches with a checkpoint after each.
 */
export default defineConnector<typeof config, ExampleState>({
  name: 'example',
  type: 'EXTERNAL_IMPORT',
  description: 'IOCs from a CSV list (the demo source)',
  imports: ['indicator', 'ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'malware', 'relationship'],
  defaultPeriod: 'PT1H',
  config,
  async *collect(ctx) {
    const rows = await fetchIocs(ctx.http, ctx.config.url, ctx.signal);
    const after: DateCursor = ctx.state ?? initialDateCursor(ctx.config.import_from_date);
    const fresh = rows
      .filter((r) => isAfterDateCursor(after, r.first_seen, r.value))
      .sort((a, b) => a.first_seen.localeCompare(b.first_seen) || a.line - b.line);
    ctx.log.info({ rows: rows.length, new: fresh.length }, 'list fetched');

    const author = ctx.stix.makeOrganization(AUTHOR, { created: '2024-01-01T00:00:00.000Z' });
    for (const { records: slice, cursor } of dateCursorBatches(fresh, after, ctx.config.batch_size, (row) => ({ date: row.first_seen, id: row.value }))) {
      const objects = [author, ctx.stix.tlpMarking(ctx.config.tlp)];
      for (const row of slice) {
        if (!isSupportedType(row.type)) {
          ctx.log.warn({ line: row.line, type: row.type }, 'unsupported IOC type skipped');
          continue;
        }
        objects.push(...rowToStix({ ...row, type: row.type }, { author, tlp: ctx.config.tlp }));
      }
      yield { objects, checkpoint: cursor };
    }
  },
});
