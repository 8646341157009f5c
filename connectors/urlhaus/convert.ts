import { stix, type StixObject, type TlpName } from '../../core';
import type { UrlhausEntry } from './client';

export interface ConvertOptions {
  author: StixObject;
  tlp: TlpName;
}

/** Labels: the entry's tags, then its threat (`malware_download`), each once, in the source's spelling. */
export function entryLabels(entry: UrlhausEntry): string[] {
  return [...new Set([...entry.tags, ...(entry.threat ? [entry.threat] : [])])];
}

function describe(entry: UrlhausEntry): string {
  const parts = [`URLhaus entry ${entry.id}: ${entry.threat || 'malicious'} URL`];
  if (entry.reporter) parts.push(`reported by ${entry.reporter}`);
  if (entry.url_status) parts.push(`status ${entry.url_status}`);
  return `${parts.join(', ')}.`;
}

/**
 * One entry -> url observable, an indicator "based-on" it (valid from `dateadded`), and the relationship. Pure: every
 * time comes from the entry, so a re-import gives the same objects with the same ids.
 */
export function entryToStix(entry: UrlhausEntry, opts: ConvertOptions): StixObject[] {
  const markings = [stix.tlpMarkingId(opts.tlp)];
  const labels = entryLabels(entry);
  const references = entry.urlhaus_link ? [stix.makeExternalReference({ source_name: 'URLhaus', url: entry.urlhaus_link, external_id: entry.id })] : undefined;
  const common = { created_by_ref: opts.author.id, object_marking_refs: markings, created: entry.dateadded };
  const description = describe(entry);
  const observable = stix.makeObservable('url', entry.url, {
    created_by_ref: opts.author.id,
    object_marking_refs: markings,
    labels: labels.length > 0 ? labels : undefined,
    external_references: references,
    description,
  });
  const indicator = stix.makeIndicator({
    ...common,
    observable: { type: 'url', value: entry.url },
    valid_from: entry.dateadded,
    indicator_types: ['malicious-activity'],
    labels: labels.length > 0 ? labels : undefined,
    external_references: references,
    description,
  });
  const basedOn = stix.makeRelationship({ ...common, relationship_type: 'based-on', source_ref: indicator.id, target_ref: observable.id });
  return [observable, indicator, basedOn];
}
