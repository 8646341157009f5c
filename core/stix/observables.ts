/**
 * Builders for STIX cyber observables (SCOs). SCOs have no created/modified, author, labels or external references
 * in STIX 2.1; OpenCTI reads those from its `x_opencti_*` custom properties instead, which is where these builders
 * put them.
 */
import { StixValidationError } from '../errors';
import { checkConfidence, checkRefs } from './builders';
import { autonomousSystemId, fileId, observableId, type Hashes } from './observable-ids';
import type { ExternalReference, StixObject } from './types';

export type ObservableOptions = {
  object_marking_refs?: string[];
  /** sent as `x_opencti_created_by_ref` */
  created_by_ref?: string;
  /** sent as `x_opencti_labels` */
  labels?: string[];
  /** sent as `x_opencti_external_references` */
  external_references?: ExternalReference[];
  /** sent as `x_opencti_description` */
  description?: string;
  /** 0-100, sent as `x_opencti_score` */
  score?: number;
  /** Extra properties; they never override a property the builder sets. */
  custom?: Record<string, unknown>;
};

/** Observable types identified by a single `value`. */
export const VALUE_OBSERVABLE_TYPES = [
  'url',
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'email-addr',
  'mac-addr',
  'hostname',
  'user-agent',
  'cryptocurrency-wallet',
  'text',
  'phone-number',
] as const;
export type ValueObservableType = (typeof VALUE_OBSERVABLE_TYPES)[number];

function scoBase(type: string, id: string, options: ObservableOptions): StixObject {
  checkConfidence(options.score, `${id} score`);
  checkRefs(id, options.created_by_ref, options.object_marking_refs);
  const object: StixObject = { ...(options.custom ?? {}), type, spec_version: '2.1', id };
  const optional: Record<string, unknown> = {
    object_marking_refs: options.object_marking_refs,
    x_opencti_created_by_ref: options.created_by_ref,
    x_opencti_labels: options.labels,
    x_opencti_external_references: options.external_references,
    x_opencti_description: options.description,
    x_opencti_score: options.score,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) object[key] = value;
  return object;
}

/** `makeObservable('ipv4-addr', '198.51.100.7')`: the value is kept as given (OpenCTI hashes it unchanged). */
export function makeObservable(type: ValueObservableType, value: string, options: ObservableOptions = {}): StixObject {
  if (!(VALUE_OBSERVABLE_TYPES as readonly string[]).includes(type)) {
    throw new StixValidationError([`"${String(type)}" is not an observable identified by its value`]);
  }
  if (value === '') throw new StixValidationError([`${type}: value is empty`]);
  return { ...scoBase(type, observableId(type, { value }), options), value };
}

export type FileProperties = { hashes?: Hashes; name?: string; size?: number; mime_type?: string };

/** A file known by its hashes and/or its name; OpenCTI identifies it by its preferred hash, else its name. */
export function makeFileObservable(file: FileProperties, options: ObservableOptions = {}): StixObject {
  const hashes = Object.fromEntries(Object.entries(file.hashes ?? {}).filter(([, hash]) => typeof hash === 'string' && hash !== ''));
  const hasHashes = Object.keys(hashes).length > 0;
  if (!hasHashes && !file.name) throw new StixValidationError(['file: give hashes or a name']);
  const object = scoBase('file', fileId({ hashes, name: file.name }), options);
  if (hasHashes) object.hashes = hashes;
  if (file.name) object.name = file.name;
  if (file.size !== undefined) object.size = file.size;
  if (file.mime_type !== undefined) object.mime_type = file.mime_type;
  return object;
}

export function makeAutonomousSystem(asNumber: number, details: { name?: string; rir?: string } = {}, options: ObservableOptions = {}): StixObject {
  if (!Number.isInteger(asNumber) || asNumber < 0) throw new StixValidationError([`autonomous-system: number must be a non-negative integer, got ${asNumber}`]);
  const object = scoBase('autonomous-system', autonomousSystemId(asNumber), options);
  object.number = asNumber;
  if (details.name !== undefined) object.name = details.name;
  if (details.rir !== undefined) object.rir = details.rir;
  return object;
}
