import { stix, type StixObject, type TlpName } from '../../core';
import type { C2Entry } from './client';

export interface ConvertOptions {
  author: StixObject;
  tlp: TlpName;
}

export const hostPage = (ip: string) => `https://feodotracker.abuse.ch/browse/host/${ip}/`;

function describe(entry: C2Entry): string {
  const parts = [`Feodo Tracker: ${entry.malware || 'botnet'} C2 server on port ${entry.port}`];
  if (entry.status) parts.push(`status ${entry.status}`);
  if (entry.last_online) parts.push(`last online ${entry.last_online.slice(0, 10)}`);
  return `${parts.join(', ')}.`;
}

/**
 * One C2 -> ipv4-addr observable and an indicator "based-on" it. The pattern tests the IP alone
 * (`[ipv4-addr:value = '...']`): Feodo Tracker lists C2 servers to block by address, and that spelling gives the id
 * every other source computes for the same IP, so they merge. The port is kept in the name (`ip:port`) and the
 * description. Pure: every time comes from the entry.
 */
export function entryToStix(entry: C2Entry, opts: ConvertOptions): { observable: StixObject; indicator: StixObject; basedOn: StixObject } {
  const markings = [stix.tlpMarkingId(opts.tlp)];
  const references = [stix.makeExternalReference({ source_name: 'Feodo Tracker', url: hostPage(entry.ip) })];
  const description = describe(entry);
  const common = { created_by_ref: opts.author.id, object_marking_refs: markings, created: entry.first_seen };
  const observable = stix.makeObservable('ipv4-addr', entry.ip, { created_by_ref: opts.author.id, object_marking_refs: markings, external_references: references, description });
  const indicator = stix.makeIndicator({
    ...common,
    observable: { type: 'ipv4-addr', value: entry.ip },
    name: `${entry.ip}:${entry.port}`,
    valid_from: entry.first_seen,
    indicator_types: ['malicious-activity'],
    labels: entry.malware ? [entry.malware] : undefined,
    external_references: references,
    description,
  });
  const basedOn = stix.makeRelationship({ ...common, relationship_type: 'based-on', source_ref: indicator.id, target_ref: observable.id });
  return { observable, indicator, basedOn };
}

/**
 * A batch of entries (oldest first) -> their objects, each id once, each malware family once (id by name; created = the first
 * entry naming it in the batch) with an `indicates` relationship from every indicator of that family.
 */
export function batchToStix(entries: C2Entry[], opts: ConvertOptions): StixObject[] {
  const markings = [stix.tlpMarkingId(opts.tlp)];
  const families = new Map<string, StixObject>();
  const out: StixObject[] = [];
  // the same IP listed on two ports gives the same observable and indicator: each goes into the bundle once
  const seen = new Set<string>();
  const add = (...objects: StixObject[]) => {
    for (const object of objects) {
      if (seen.has(object.id)) continue;
      seen.add(object.id);
      out.push(object);
    }
  };
  for (const entry of entries) {
    const { observable, indicator, basedOn } = entryToStix(entry, opts);
    add(observable, indicator, basedOn);
    if (!entry.malware) continue;
    let malware = families.get(entry.malware);
    if (malware === undefined) {
      malware = stix.makeMalware({ name: entry.malware, is_family: true, created_by_ref: opts.author.id, object_marking_refs: markings, created: entry.first_seen });
      families.set(entry.malware, malware);
      add(malware);
    }
    add(stix.makeRelationship({ created_by_ref: opts.author.id, object_marking_refs: markings, created: entry.first_seen, relationship_type: 'indicates', source_ref: indicator.id, target_ref: malware.id }));
  }
  return out;
}
