import { dateCursorBatches, defineConnector, field, initialDateCursor, isAfterDateCursor, type DateCursor, type StixObject } from '../../core';
import { daysSince, fetchRecentIocs, MAX_DAYS, type ThreatFoxIoc } from './client';
import { iocToStix, mapIoc } from './convert';

/** Cursor: the newest `first_seen` delivered and the ThreatFox ids delivered at exactly that second. */
type ThreatFoxState = DateCursor & Record<string, unknown>;

const AUTHOR = 'abuse.ch';
/** IOCs per delivered bundle: bounded memory per batch, visible progress. */
const BATCH_SIZE = 500;

const config = {
  url: field.url('the ThreatFox API endpoint').default('https://threatfox-api.abuse.ch/api/v1/'),
  api_key: field.string('abuse.ch Auth-Key (free at https://auth.abuse.ch/); the ThreatFox API refuses requests without one').required().secret(),
  tlp: field.tlp().default('TLP:CLEAR'),
  import_from_date: field.date(`oldest first_seen to import on a first run; empty = all the API serves (the last ${MAX_DAYS} days)`),
};

/** The key the record is known by at its date: ThreatFox's id, else the IOC value. */
const keyOf = (ioc: ThreatFoxIoc): string => ioc.id || `${ioc.ioc_type}:${ioc.ioc}`;

/**
 * ThreatFox (abuse.ch): recent IOCs from the `get_iocs` API become observables, indicators and the malware families
 * they indicate. Each run asks for the days since the cursor (at most what the API serves) and sends only what is new.
 */
export default defineConnector<typeof config, ThreatFoxState>({
  name: 'threatfox',
  type: 'EXTERNAL_IMPORT',
  description: 'IOCs (IPs, domains, URLs, hashes) and malware families from the abuse.ch ThreatFox API',
  imports: ['indicator', 'ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'file', 'malware', 'relationship'],
  defaultPeriod: 'PT1H',
  update: true,
  config,
  async *collect(ctx) {
    const after: DateCursor = ctx.state ?? initialDateCursor(ctx.config.import_from_date);
    const days = daysSince(after.date || undefined, ctx.now());
    if (after.date && ctx.now().getTime() - new Date(after.date).getTime() > MAX_DAYS * 86_400_000) {
      ctx.log.warn({ since: after.date, days: MAX_DAYS }, `the ThreatFox API serves only the last ${MAX_DAYS} days: IOCs first seen between the cursor and then are not available`);
    }
    const answer = await fetchRecentIocs(ctx.http, ctx.config.url, ctx.config.api_key, days, ctx.signal);
    for (const s of answer.skipped) ctx.log.warn({ url: ctx.config.url, record: s.index, id: s.id || undefined }, `malformed ThreatFox record skipped: ${s.problem}`);
    const fresh = answer.iocs.filter((i) => isAfterDateCursor(after, i.first_seen, keyOf(i))).sort((a, b) => a.first_seen.localeCompare(b.first_seen) || (Number(a.id) || 0) - (Number(b.id) || 0));
    ctx.log.info({ days, status: answer.status, received: answer.iocs.length, new: fresh.length }, 'ThreatFox IOCs fetched');

    const author = ctx.stix.makeOrganization(AUTHOR, { created: '2024-01-01T00:00:00.000Z' });
    const marking = ctx.stix.tlpMarking(ctx.config.tlp);
    for (const { records: slice, cursor } of dateCursorBatches(fresh, after, BATCH_SIZE, (ioc) => ({ date: ioc.first_seen, id: keyOf(ioc) }))) {
      const objects: StixObject[] = [author, marking];
      for (const ioc of slice) {
        const mapped = mapIoc(ioc);
        if (!mapped) {
          ctx.log.warn({ id: ioc.id, ioc_type: ioc.ioc_type }, `ThreatFox IOC ${ioc.id} skipped: ioc_type "${ioc.ioc_type}" value not imported`);
          continue;
        }
        objects.push(...iocToStix(ioc, mapped, { author, tlp: ctx.config.tlp }));
      }
      yield { objects, checkpoint: cursor };
    }
  },
  async check(ctx) {
    const answer = await fetchRecentIocs(ctx.http, ctx.config.url, ctx.config.api_key, 1, ctx.signal);
    const newest = answer.iocs.reduce((max, i) => (i.first_seen > max ? i.first_seen : max), '');
    return [
      {
        target: ctx.config.url,
        ok: true,
        detail: `get_iocs (1 day): query_status ${answer.status}, ${answer.iocs.length} IOC(s)${newest ? `, newest first seen ${newest}` : ''}${answer.skipped.length > 0 ? `, ${answer.skipped.length} malformed` : ''}`,
      },
    ];
  },
});
