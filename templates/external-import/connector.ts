import { advanceDateCursor, defineConnector, field, initialDateCursor, isAfterDateCursor, type DateCursor } from '../../core';
import { fetchRecords } from './client';
import { recordToStix } from './convert';

type __PASCAL__State = DateCursor & Record<string, unknown>;

const config = {
  url: field.url('the JSON list of records').required(),
  api_key: field.string('the provider\'s API key, sent as a Bearer token').secret(),
  tlp: field.tlp().default('TLP:CLEAR'),
  import_from_date: field.date('oldest record imported; empty = all'),
};

/** __TITLE__: a JSON list of indicator records becomes STIX indicators and observables. */
export default defineConnector<typeof config, __PASCAL__State>({
  name: '__NAME__',
  type: 'EXTERNAL_IMPORT',
  description: '__TITLE__ records as indicators',
  imports: ['indicator', 'relationship'],
  defaultPeriod: 'PT1H',
  config,
  async *collect(ctx) {
    const records = await fetchRecords(ctx.http, ctx.config.url, ctx.config.api_key, ctx.signal);
    let cursor: DateCursor = ctx.state ?? initialDateCursor(ctx.config.import_from_date);
    const fresh = records.filter((r) => isAfterDateCursor(cursor, r.first_seen, r.id)).sort((a, b) => a.first_seen.localeCompare(b.first_seen));
    const author = ctx.stix.makeOrganization('__TITLE__', { created: '2024-01-01T00:00:00.000Z' });
    const objects = [author, ctx.stix.tlpMarking(ctx.config.tlp)];
    for (const record of fresh) {
      objects.push(...recordToStix(record, { authorId: author.id, tlp: ctx.config.tlp }));
      cursor = advanceDateCursor(cursor, record.first_seen, record.id);
    }
    if (fresh.length > 0) yield { objects, checkpoint: { ...cursor } };
  },
});
