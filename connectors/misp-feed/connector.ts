import { advanceDateCursor, defineConnector, field, initialDateCursor, isAfterDateCursor, type DateCursor } from '../../core';
import { feedUrl, fetchEvent, fetchManifest, type ManifestEntry } from './client';
import { eventToStix } from './convert';

/**
 * Cursor: `date` = the newest manifest `timestamp` delivered (ISO), `ids_at_date` = the event uuids delivered at
 * exactly that second (several events often share one), so an event is sent again only when its timestamp moves.
 */
type MispFeedState = DateCursor & Record<string, unknown>;

const isoOfEpoch = (seconds: number): string => new Date(seconds * 1000).toISOString();

const config = {
  url: field.url('base URL of the MISP feed (the folder holding manifest.json)').default('https://www.circl.lu/doc/misp/feed-osint/'),
  tlp: field.tlp('TLP marking for events without a tlp:* tag').default('TLP:CLEAR'),
  import_from_date: field.date('skip events dated (MISP "date") before this day; empty = all'),
};

export default defineConnector<typeof config, MispFeedState>({
  name: 'misp-feed',
  type: 'EXTERNAL_IMPORT',
  description: 'MISP feed events (manifest.json + <uuid>.json, e.g. CIRCL OSINT) as reports with their indicators and observables',
  imports: ['report', 'identity', 'indicator', 'ipv4-addr', 'ipv6-addr', 'domain-name', 'hostname', 'url', 'email-addr', 'mac-addr', 'user-agent', 'file', 'relationship'],
  defaultPeriod: 'PT1H',
  // An event edited in MISP comes back with a newer timestamp: its report and contents must be updated.
  update: true,
  config,
  async *collect(ctx) {
    const manifest = await fetchManifest(ctx.http, ctx.config.url, ctx.signal);
    for (const bad of manifest.skipped) ctx.log.warn({ url: feedUrl(ctx.config.url, 'manifest.json'), event: bad.uuid }, `manifest entry skipped: ${bad.reason}`);
    const after: DateCursor = ctx.state ?? initialDateCursor();
    const fromDay = ctx.config.import_from_date?.slice(0, 10) ?? '';
    const fresh = manifest.entries
      .filter((e) => e.date >= fromDay && isAfterDateCursor(after, isoOfEpoch(e.timestamp), e.uuid))
      .sort((a, b) => a.timestamp - b.timestamp || a.uuid.localeCompare(b.uuid));
    ctx.log.info({ events: manifest.entries.length, new: fresh.length, since: after.date || undefined }, 'manifest fetched');

    let cursor = after;
    for (const entry of fresh) {
      if (ctx.signal.aborted) return;
      const objects = await eventObjects(entry);
      cursor = advanceDateCursor(cursor, isoOfEpoch(entry.timestamp), entry.uuid);
      yield objects === null ? { checkpoint: { ...cursor } } : { objects, checkpoint: { ...cursor } };
    }

    /** The event's objects, or null when its file is not a MISP event (skipped with a warning naming it). */
    async function eventObjects(entry: ManifestEntry) {
      const eventUrl = feedUrl(ctx.config.url, `${entry.uuid}.json`);
      const fetched = await fetchEvent(ctx.http, ctx.config.url, entry.uuid, ctx.signal);
      if ('malformed' in fetched) {
        ctx.log.warn({ event: entry.uuid }, `event skipped: ${fetched.malformed}`);
        return null;
      }
      const { event } = fetched;
      const converted = eventToStix(event, { tlp: ctx.config.tlp, eventUrl });
      for (const bad of converted.refused) ctx.log.warn({ event: entry.uuid, attribute: bad.uuid, type: bad.type }, `attribute skipped: ${bad.reason}`);
      const skipped = Object.values(converted.skipped).reduce((a, b) => a + b, 0);
      ctx.log.info(
        { event: entry.uuid, info: event.info, attributes: event.attributes.length, objects: converted.objects.length, tlp: converted.tlp, skipped, skipped_types: skipped > 0 ? converted.skipped : undefined },
        'event converted',
      );
      return converted.objects;
    }
  },
  async check(ctx) {
    const { entries, skipped } = await fetchManifest(ctx.http, ctx.config.url, ctx.signal);
    const newest = entries.reduce((max, e) => Math.max(max, e.timestamp), 0);
    const dates = entries.map((e) => e.date).filter((d) => d !== '').sort();
    const range = dates.length > 0 ? `dated ${dates[0]} to ${dates[dates.length - 1]}` : 'no dates';
    const detail = `${entries.length} events (${range}), newest change ${newest > 0 ? isoOfEpoch(newest) : 'none'}${skipped.length > 0 ? `; ${skipped.length} unreadable entries` : ''}`;
    return [{ target: feedUrl(ctx.config.url, 'manifest.json'), ok: entries.length > 0, detail }];
  },
});
