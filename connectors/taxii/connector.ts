import { defineConnector } from '../../core';
import { checkTaxii } from './check';
import { TaxiiClient } from './client';
import { taxiiConfig, taxiiHttpOptions } from './config';
import { convertPage, enrichmentOf } from './convert';
import { startingState, walkEnvelopes, walkRanges, type TaxiiState } from './pages';
import { readAhead } from './read-ahead';

/**
 * A TAXII 2.1 or 2.0 collection, page by page: each page is delivered as its own batch with the state that resumes
 * right after it, so memory stays flat and a stopped run resumes from the last delivered page. The next page is
 * fetched while the current one is being delivered.
 */
export default defineConnector<typeof taxiiConfig, TaxiiState>({
  name: 'taxii',
  type: 'EXTERNAL_IMPORT',
  description: 'STIX objects of a TAXII 2.1 or 2.0 collection',
  imports: ['stix-domain-object', 'stix-cyber-observable', 'stix-core-relationship', 'sighting'],
  defaultPeriod: 'PT1H',
  update: true,
  config: taxiiConfig,
  http: taxiiHttpOptions,
  check: checkTaxii,
  async *collect(ctx) {
    const client = new TaxiiClient(ctx.http, ctx.config, ctx.signal);
    const from = startingState(ctx.state, ctx.config.import_from_date);
    const enrichment = enrichmentOf(ctx.config, ctx.stix);
    const walk = ctx.config.version === '2.0' ? walkRanges : walkEnvelopes;
    ctx.log.info({ url: client.objectsUrl, version: ctx.config.version, added_after: from.added_after_start, cursor: from.current_state_cursor }, 'polling collection');
    let page = 0;
    for await (const { objects, checkpoint } of readAhead(walk(client, from, { pageSize: ctx.config.page_size, log: ctx.log }))) {
      page += 1;
      ctx.log.debug({ page, objects: objects.length, cursor: checkpoint }, 'page received');
      yield { objects: convertPage(objects, enrichment, ctx.stix), checkpoint };
    }
  },
});
