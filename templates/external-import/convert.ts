import { stix, type StixObject, type TlpName } from '../../core';
import type { SourceRecord } from './client';

/** One record -> an observable and the indicator "based-on" it. Pure: times come from the record. */
export function recordToStix(record: SourceRecord, opts: { authorId: string; tlp: TlpName }): StixObject[] {
  const refs = { created_by_ref: opts.authorId, object_marking_refs: [stix.tlpMarkingId(opts.tlp)] };
  const observable = stix.makeObservable(record.type, record.value, refs);
  const indicator = stix.makeIndicator({ ...refs, created: record.first_seen, observable: { type: record.type, value: record.value }, description: record.description });
  const basedOn = stix.makeRelationship({ ...refs, created: record.first_seen, relationship_type: 'based-on', source_ref: indicator.id, target_ref: observable.id });
  return [observable, indicator, basedOn];
}
