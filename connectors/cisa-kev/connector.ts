import { dateCursorBatches, defineConnector, field, initialDateCursor, isAfterDateCursor, type DateCursor } from '../../core';
import { fetchKevCatalog, type KevEntry } from './client';
import { dayToIso, entryToVulnerability } from './convert';

/** Cursor on `dateAdded`: the newest day delivered and the CVE ids delivered on that day (many entries share a day). */
type KevState = DateCursor & Record<string, unknown>;

const DEFAULT_URL = 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json';
/** entries per delivered bundle: the whole catalog (~1,400 entries) goes out in a few batches with progress in the log */
const BATCH_SIZE = 500;

const config = {
  url: field.url('the KEV catalog (JSON feed)').default(DEFAULT_URL),
  tlp: field.tlp().default('TLP:CLEAR'),
  import_from_date: field.date('oldest dateAdded to import; empty = the whole catalog'),
};

function byDateThenCve(a: KevEntry, b: KevEntry): number {
  return a.dateAdded.localeCompare(b.dateAdded) || a.cveID.localeCompare(b.cveID);
}

/**
 * CISA's Known Exploited Vulnerabilities catalog: each entry becomes a vulnerability named by its CVE id, authored by
 * CISA, imported in `dateAdded` order with a checkpoint after each batch.
 */
export default defineConnector<typeof config, KevState>({
  name: 'cisa-kev',
  type: 'EXTERNAL_IMPORT',
  description: 'Vulnerabilities from the CISA Known Exploited Vulnerabilities catalog',
  imports: ['vulnerability'],
  // CISA adds entries on working days, a few times a week
  defaultPeriod: 'PT6H',
  // the catalog adds labels, references and the KEV flag; it must not overwrite NVD's description of the same CVE
  update: false,
  config,
  async *collect(ctx) {
    const catalog = await fetchKevCatalog(ctx.http, ctx.config.url, ctx.signal);
    for (const line of catalog.skipped) ctx.log.warn(`malformed entry skipped: ${line}`);
    const after: DateCursor = ctx.state ?? initialDateCursor(ctx.config.import_from_date);
    const fresh = catalog.entries.filter((e) => isAfterDateCursor(after, dayToIso(e.dateAdded), e.cveID)).sort(byDateThenCve);
    ctx.log.info({ catalog_version: catalog.catalogVersion, entries: catalog.entries.length, new: fresh.length }, 'catalog fetched');

    const author = ctx.stix.makeOrganization('CISA', {
      created: '2024-01-01T00:00:00.000Z',
      description: 'Cybersecurity and Infrastructure Security Agency (United States)',
    });
    const marking = ctx.stix.tlpMarking(ctx.config.tlp);
    for (const { records: slice, cursor } of dateCursorBatches(fresh, after, BATCH_SIZE, (entry) => ({ date: dayToIso(entry.dateAdded), id: entry.cveID }))) {
      if (ctx.signal.aborted) return;
      const objects = [author, marking, ...slice.map((e) => entryToVulnerability(e, { author, tlp: ctx.config.tlp }))];
      yield { objects, checkpoint: cursor };
    }
  },
  async check(ctx) {
    const catalog = await fetchKevCatalog(ctx.http, ctx.config.url, ctx.signal);
    const skipped = catalog.skipped.length > 0 ? `, ${catalog.skipped.length} malformed` : '';
    return [
      {
        target: ctx.config.url,
        ok: true,
        detail: `catalog ${catalog.catalogVersion || '(no version)'} released ${catalog.dateReleased || '?'}: ${catalog.entries.length} entries${skipped}`,
      },
    ];
  },
});
