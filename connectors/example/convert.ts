import { stix, type StixObject, type TlpName } from '../../core';
import type { IocRow } from './client';

const OBSERVABLE_TYPES = ['ipv4-addr', 'ipv6-addr', 'domain-name', 'url'] as const;
type IocType = (typeof OBSERVABLE_TYPES)[number];

export function isSupportedType(type: string): type is IocType {
  return (OBSERVABLE_TYPES as readonly string[]).includes(type);
}

export interface ConvertOptions {
  author: StixObject;
  tlp: TlpName;
}

/** One row -> observable, indicator "based-on" it, and the malware it "indicates". Pure: the time comes from the row. */
export function rowToStix(row: IocRow & { type: IocType }, opts: ConvertOptions): StixObject[] {
  const marking = stix.tlpMarkingId(opts.tlp);
  const common = { created_by_ref: opts.author.id, object_marking_refs: [marking], created: row.first_seen };
  const observable = stix.makeObservable(row.type, row.value, { created_by_ref: opts.author.id, object_marking_refs: [marking], description: row.description || undefined });
  const indicator = stix.makeIndicator({ ...common, observable: { type: row.type, value: row.value }, description: row.description || undefined, indicator_types: ['malicious-activity'] });
  const out = [observable, indicator, stix.makeRelationship({ ...common, relationship_type: 'based-on', source_ref: indicator.id, target_ref: observable.id })];
  if (row.threat) {
    const malware = stix.makeMalware({ ...common, name: row.threat, is_family: true });
    out.push(malware, stix.makeRelationship({ ...common, relationship_type: 'indicates', source_ref: indicator.id, target_ref: malware.id }));
  }
  return out;
}
