import { stix, type ExternalReference, type StixObject, type TlpName } from '../../core';
import type { MispAttribute, MispEvent } from './client';

type PatternType = Parameters<typeof stix.patternFromObservable>[0];
type ValueType = Extract<stix.ValueObservableType, PatternType>;

/** What one attribute becomes: an observable known by its value, or a file known by a hash (and maybe its name). */
type Observed = { kind: 'value'; type: ValueType; value: string } | { kind: 'file'; algorithm: 'MD5' | 'SHA-1' | 'SHA-256' | 'SHA-512'; hash: string; name?: string };

const HASHES = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' } as const;
const EMAILS = new Set(['email', 'email-src', 'email-dst', 'email-reply-to', 'target-email', 'whois-registrant-email']);

const ip = (value: string): Observed => ({ kind: 'value', type: value.includes(':') ? 'ipv6-addr' : 'ipv4-addr', value });

/** The observables one MISP attribute stands for; [] when its type is not mapped (counted by the caller). */
export function observedOf(attribute: Pick<MispAttribute, 'type' | 'value'>): Observed[] {
  const { type } = attribute;
  const value = attribute.value.trim();
  if (value === '') return [];
  const [left = '', right = ''] = value.split('|').map((part) => part.trim());
  if (type === 'ip-src' || type === 'ip-dst') return [ip(value)];
  if (type === 'ip-src|port' || type === 'ip-dst|port') return left ? [ip(left)] : [];
  if (type === 'domain') return [{ kind: 'value', type: 'domain-name', value }];
  if (type === 'hostname') return [{ kind: 'value', type: 'hostname', value }];
  if (type === 'domain|ip') return [{ kind: 'value', type: 'domain-name', value: left }, ...(right ? [ip(right)] : [])];
  if (type === 'url' || type === 'uri') return [{ kind: 'value', type: 'url', value }];
  if (EMAILS.has(type)) return [{ kind: 'value', type: 'email-addr', value }];
  if (type === 'mac-address') return [{ kind: 'value', type: 'mac-addr', value }];
  if (type === 'user-agent') return [{ kind: 'value', type: 'user-agent', value }];
  if (type in HASHES) return [{ kind: 'file', algorithm: HASHES[type as keyof typeof HASHES], hash: value.toLowerCase() }];
  const [prefix, hashType] = type.split('|');
  if (prefix === 'filename' && hashType !== undefined && hashType in HASHES && right) {
    return [{ kind: 'file', algorithm: HASHES[hashType as keyof typeof HASHES], hash: right.toLowerCase(), name: left || undefined }];
  }
  return [];
}

const TLP_ORDER: readonly TlpName[] = stix.TLP_NAMES;

/** The strictest `tlp:*` tag of the event, else the configured TLP. Unknown `tlp:` values are ignored. */
export function tlpOf(tags: readonly string[], fallback: TlpName): TlpName {
  let found: TlpName | undefined;
  for (const tag of tags) {
    if (!/^tlp:/i.test(tag)) continue;
    let name: TlpName;
    try {
      name = stix.normalizeTlp(tag);
    } catch {
      continue;
    }
    if (found === undefined || TLP_ORDER.indexOf(name) > TLP_ORDER.indexOf(found)) found = name;
  }
  return found ?? fallback;
}

const labelsOf = (tags: readonly string[]): string[] | undefined => {
  const labels = tags.filter((tag) => !/^tlp:/i.test(tag));
  return labels.length > 0 ? labels : undefined;
};
const isoOfEpoch = (seconds: number): string => new Date(seconds * 1000).toISOString();

export interface ConvertOptions {
  /** TLP for events without a `tlp:*` tag */
  tlp: TlpName;
  /** where the event was read, for the report's external reference */
  eventUrl: string;
}

export interface ConvertedEvent {
  objects: StixObject[];
  report: StixObject;
  tlp: TlpName;
  /** attribute type -> how many were not mapped */
  skipped: Record<string, number>;
  /** attributes that could not become STIX (bad value), with why */
  refused: Array<{ uuid: string; type: string; reason: string }>;
}

/** One MISP event -> its author, TLP marking, observables, indicators (for `to_ids` attributes) and the report. Pure. */
export function eventToStix(event: MispEvent, opts: ConvertOptions): ConvertedEvent {
  const tlp = tlpOf(event.tags, opts.tlp);
  const marking = [stix.tlpMarkingId(tlp)];
  const published = `${event.date}T00:00:00.000Z`;
  const eventTime = event.timestamp > 0 ? isoOfEpoch(event.timestamp) : published;
  const author = stix.makeOrganization(event.orgc || 'Unknown MISP organization', { created: '2010-01-01T00:00:00.000Z' });
  const byId = new Map<string, StixObject>();
  const add = (object: StixObject) => byId.has(object.id) || byId.set(object.id, object);
  const skipped: Record<string, number> = {};
  const refused: ConvertedEvent['refused'] = [];
  const links: ExternalReference[] = [];

  for (const attribute of event.attributes) {
    if (attribute.type === 'link' && /^https?:\/\//i.test(attribute.value.trim())) {
      links.push(stix.makeExternalReference({ source_name: attribute.category || 'link', url: attribute.value.trim(), description: attribute.comment || undefined }));
      continue;
    }
    const observed = observedOf(attribute);
    if (observed.length === 0) {
      skipped[attribute.type] = (skipped[attribute.type] ?? 0) + 1;
      continue;
    }
    try {
      attributeToStix(attribute, observed, { author: author.id, marking, eventTime }).forEach(add);
    } catch (err) {
      refused.push({ uuid: attribute.uuid, type: attribute.type, reason: (err as Error).message });
    }
  }

  const contents = [...byId.keys()];
  const description = [`MISP event ${event.uuid}`, event.threatLevel && `threat level ${event.threatLevel}`, event.analysis && `analysis ${event.analysis}`].filter(Boolean).join(', ');
  const report = stix.makeReport({
    name: event.info,
    published,
    created: published,
    modified: eventTime > published ? eventTime : published,
    report_types: ['misp-event'],
    description,
    labels: labelsOf(event.tags),
    created_by_ref: author.id,
    object_marking_refs: marking,
    external_references: [stix.makeExternalReference({ source_name: 'MISP feed', url: opts.eventUrl, external_id: event.uuid }), ...links],
    object_refs: contents.length > 0 ? contents : undefined,
  });
  return { objects: [author, stix.tlpMarking(tlp), ...byId.values(), report], report, tlp, skipped, refused };
}

function attributeToStix(attribute: MispAttribute, observed: Observed[], ctx: { author: string; marking: string[]; eventTime: string }): StixObject[] {
  const created = attribute.timestamp > 0 ? isoOfEpoch(attribute.timestamp) : ctx.eventTime;
  const common = { created_by_ref: ctx.author, object_marking_refs: ctx.marking };
  const scoOptions = { ...common, description: attribute.comment || undefined, labels: labelsOf(attribute.tags) };
  const out: StixObject[] = [];
  for (const item of observed) {
    const observable =
      item.kind === 'value'
        ? stix.makeObservable(item.type, item.value, scoOptions)
        : stix.makeFileObservable({ hashes: { [item.algorithm]: item.hash }, name: item.name }, scoOptions);
    out.push(observable);
    if (!attribute.to_ids) continue;
    const source = item.kind === 'value' ? { type: item.type, value: item.value } : { type: `file:${item.algorithm}` as PatternType, value: item.hash };
    const indicator = stix.makeIndicator({ ...common, created, observable: source, description: attribute.comment || undefined, indicator_types: ['malicious-activity'], labels: labelsOf(attribute.tags) });
    out.push(indicator, stix.makeRelationship({ ...common, created, relationship_type: 'based-on', source_ref: indicator.id, target_ref: observable.id }));
  }
  return out;
}
