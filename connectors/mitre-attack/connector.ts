import { defineConnector, field, stix, type Logger, type StixObject, type TlpName } from '../../core';
import { fetchBundle, type Validators } from './client';
import { bundleFacts, bundleFingerprint, changedSince, countsText, markUnmarked } from './convert';

const RAW = 'https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master';
const DEFAULT_URLS = [`${RAW}/enterprise-attack/enterprise-attack.json`, `${RAW}/mobile-attack/mobile-attack.json`, `${RAW}/ics-attack/ics-attack.json`];

/**
 * Per URL: `modified` = the newest `modified` of a bundle delivered whole; `version` its ATT&CK release; the HTTP
 * validators for the next conditional GET; `partial` = progress inside a bundle being delivered (the objects changed
 * after `modified`, in dependency order, the first `sent` of them confirmed), valid only for the same content.
 */
export interface BundleCursor extends Validators {
  modified: string;
  version?: string;
  partial?: { fingerprint: string; sent: number };
}
type MitreState = { bundles: Record<string, BundleCursor> } & Record<string, unknown>;

const config = {
  url: field.urlList('ATT&CK STIX 2.1 bundles (comma list)').default(DEFAULT_URLS),
  tlp: field.tlp('TLP marking for objects that carry no marking of their own (ATT&CK marks everything with its copyright statement)').default('TLP:CLEAR'),
  import_from_date: field.date('skip objects last modified before this date; empty = all'),
  batch_size: field.integer('objects per delivered batch', { min: 1, max: 100_000 }).default(1000),
};

export default defineConnector<typeof config, MitreState>({
  name: 'mitre-attack',
  type: 'EXTERNAL_IMPORT',
  description: 'MITRE ATT&CK (Enterprise, Mobile, ICS) from the STIX 2.1 bundles of mitre-attack/attack-stix-data',
  imports: ['attack-pattern', 'course-of-action', 'intrusion-set', 'malware', 'tool', 'campaign', 'x-mitre-data-source', 'x-mitre-data-component', 'identity', 'marking-definition', 'relationship'],
  // ATT&CK releases twice a year; a daily conditional GET costs one 304 per bundle.
  defaultPeriod: 'P1D',
  // A new release revises objects in place: their new versions must replace the old ones.
  update: true,
  config,
  async *collect(ctx) {
    const bundles: Record<string, BundleCursor> = { ...(ctx.state?.bundles ?? {}) };
    for (const url of ctx.config.url) {
      if (ctx.signal.aborted) return;
      const previous = bundles[url];
      const fetched = await fetchBundle(ctx.http, url, previous?.partial ? undefined : previous, ctx.signal);
      if (fetched.unchanged) {
        ctx.log.info({ url, version: previous?.version }, 'bundle unchanged (304 Not Modified)');
        continue;
      }
      const facts = bundleFacts(fetched.objects);
      const fingerprint = bundleFingerprint(fetched.bundleId, facts);
      const since = previous?.modified ?? '';
      const fresh = changedSince(fetched.objects, since, ctx.config.import_from_date ?? '');
      ctx.log.info(
        { url, version: facts.version, domain: facts.domain, objects: facts.objectCount, changed: fresh.length, since: since || undefined, deprecated: facts.deprecated, revoked: facts.revoked },
        'bundle fetched',
      );
      const done: BundleCursor = { modified: facts.highWater > since ? facts.highWater : since, version: facts.version || previous?.version, ...fetched.validators };

      const split = stix.splitBundleDetailed(fresh);
      logDropped(ctx.log, url, split.dropped);
      // ATT&CK's own identity and statement marking reference each other: one such cycle per bundle is normal.
      if (split.cycleBreaks.length > 0) ctx.log.info({ url, cycles: split.cycleBreaks.slice(0, 5) }, 'reference cycles broken to order the bundle');
      const { objects: ordered, marked } = markUnmarked(split.objects, ctx.config.tlp);
      if (marked > 0) ctx.log.info({ url, marked, tlp: ctx.config.tlp }, 'objects without a marking of their own get the configured TLP');

      const resumeAt = previous?.partial?.fingerprint === fingerprint ? Math.min(previous.partial.sent, ordered.length) : 0;
      if (resumeAt > 0) ctx.log.info({ url, resumeAt, of: ordered.length }, 'resuming a bundle delivered in part');
      if (resumeAt >= ordered.length) {
        bundles[url] = done;
        yield { checkpoint: { bundles: { ...bundles } } };
        continue;
      }
      for (let start = resumeAt; start < ordered.length; start += ctx.config.batch_size) {
        if (ctx.signal.aborted) return;
        const end = Math.min(start + ctx.config.batch_size, ordered.length);
        const slice = ordered.slice(start, end);
        const objects: StixObject[] = slice.some((o) => isMarkedWith(o, ctx.config.tlp)) ? [stix.tlpMarking(ctx.config.tlp), ...slice] : slice;
        bundles[url] = end < ordered.length ? { ...(previous ?? { modified: '' }), partial: { fingerprint, sent: end } } : done;
        yield { objects, checkpoint: { bundles: { ...bundles } } };
      }
    }
  },
  async check(ctx) {
    const lines = [];
    for (const url of ctx.config.url) {
      const fetched = await fetchBundle(ctx.http, url, undefined, ctx.signal);
      if (fetched.unchanged) continue;
      const facts = bundleFacts(fetched.objects);
      const detail = `${facts.domain || 'bundle'} v${facts.version || '?'}: ${facts.objectCount} objects (${countsText(facts.byType)}); ${facts.deprecated} deprecated, ${facts.revoked} revoked; newest modified ${facts.highWater || 'none'}`;
      lines.push({ target: url, ok: facts.objectCount > 0, detail });
    }
    return lines;
  },
});

function isMarkedWith(object: StixObject, tlp: TlpName): boolean {
  const refs = object.object_marking_refs;
  return Array.isArray(refs) && refs.includes(stix.tlpMarkingId(tlp));
}

const DROP_REASONS: Record<string, string> = {
  'unsupported-type': 'OpenCTI does not import these types',
  'missing-endpoint': 'relationships to objects OpenCTI does not import',
  superseded: 'an id listed twice, the older version left out',
};

/** One line per reason for what the splitter left out; the malformed ones named one by one. */
function logDropped(log: Logger, url: string, dropped: ReturnType<typeof stix.splitBundleDetailed>['dropped']): void {
  const byReason = new Map<string, Record<string, number>>();
  for (const item of dropped) {
    if (item.reason === 'malformed') {
      log.warn({ url, id: item.id, type: item.type }, `object skipped: ${item.detail}`);
      continue;
    }
    const counts = byReason.get(item.reason) ?? {};
    counts[item.type] = (counts[item.type] ?? 0) + 1;
    byReason.set(item.reason, counts);
  }
  for (const [reason, counts] of byReason) log.info({ url, reason, types: countsText(counts) }, `objects left out: ${DROP_REASONS[reason] ?? reason}`);
}
