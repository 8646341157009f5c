/**
 * Deterministic STIX ids, computed the way OpenCTI computes its standard ids, so that re-importing the same
 * thing merges with what the platform already holds instead of creating a duplicate.
 *
 * id = `<type>--` + UUIDv5(namespace, RFC 8785 canonical JSON of the contributing properties).
 * Observable (SCO) ids live in observable-ids.ts; they use the same namespace.
 */
import canonicalize from 'canonicalize';
import { v5 as uuidv5 } from 'uuid';
import { StixValidationError } from '../errors';
import { tlpMarkingId } from './markings';
import type { ExternalReference } from './types';
import type { TimestampInput } from './timestamps';

/** The namespace OpenCTI (and the STIX 2.1 spec, for SCOs) hashes every deterministic id under. */
export const OPENCTI_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** `<type>--<uuidv5>` over the canonical JSON of `contributing`. Throws when nothing contributes (OpenCTI refuses that too). */
export function deterministicId(type: string, contributing: JsonObject): string {
  if (Object.keys(contributing).length === 0) {
    throw new StixValidationError([`${type}: no property contributes to its id`]);
  }
  const text = canonicalize(contributing);
  if (text === undefined) throw new StixValidationError([`${type}: id properties cannot be serialised`]);
  return `${type}--${uuidv5(text, OPENCTI_NAMESPACE)}`;
}

/** Names are compared case- and padding-insensitively by OpenCTI: it lower-cases, then trims, before hashing. */
export function normalizeName(name: string): string {
  return name.toLowerCase().trim();
}

/**
 * Dates contribute as the string that is sent. A Date is turned into `toISOString()` (what OpenCTI itself hashes);
 * a string is taken as it is, so pass the exact string placed in the object (the builders emit the ISO form).
 */
function timeText(value: TimestampInput): string {
  return value instanceof Date ? value.toISOString() : value;
}

function requireText(type: string, property: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') {
    throw new StixValidationError([`${type}: "${property}" is required to compute its id`]);
  }
  return value;
}

function nameOnlyId(type: string, name: string): string {
  return deterministicId(type, { name: normalizeName(requireText(type, 'name', name)) });
}

export function reportId(name: string, published: TimestampInput): string {
  return deterministicId('report', { name: normalizeName(requireText('report', 'name', name)), published: timeText(published) });
}

/** `identityClass`: organization, individual, system, class, group... (lower-cased, as OpenCTI does). */
export function identityId(name: string, identityClass: string): string {
  return deterministicId('identity', {
    name: normalizeName(requireText('identity', 'name', name)),
    identity_class: normalizeName(requireText('identity', 'identity_class', identityClass)),
  });
}

export function indicatorId(pattern: string): string {
  return deterministicId('indicator', { pattern: requireText('indicator', 'pattern', pattern).trim() });
}

export const malwareId = (name: string): string => nameOnlyId('malware', name);
export const vulnerabilityId = (name: string): string => nameOnlyId('vulnerability', name);
export const intrusionSetId = (name: string): string => nameOnlyId('intrusion-set', name);
export const toolId = (name: string): string => nameOnlyId('tool', name);
export const campaignId = (name: string): string => nameOnlyId('campaign', name);
export const infrastructureId = (name: string): string => nameOnlyId('infrastructure', name);
export const channelId = (name: string): string => nameOnlyId('channel', name);
export const narrativeId = (name: string): string => nameOnlyId('narrative', name);

/** OpenCTI splits STIX threat actors into two entity types; the type is part of the id (and is not lower-cased). */
export type ThreatActorType = 'Threat-Actor-Group' | 'Threat-Actor-Individual';
export function threatActorId(name: string, openctiType: ThreatActorType = 'Threat-Actor-Group'): string {
  return deterministicId('threat-actor', { name: normalizeName(requireText('threat-actor', 'name', name)), opencti_type: openctiType });
}

/** A MITRE id (T1059, T0801...) identifies the technique whatever its name; without one the name does. */
export function attackPatternId(name: string, xMitreId?: string): string {
  if (xMitreId !== undefined && xMitreId.trim() !== '') return deterministicId('attack-pattern', { x_mitre_id: xMitreId.trim() });
  return nameOnlyId('attack-pattern', name);
}

export function courseOfActionId(name: string, xMitreId?: string): string {
  if (xMitreId !== undefined && xMitreId.trim() !== '') return deterministicId('course-of-action', { x_mitre_id: xMitreId.trim() });
  return nameOnlyId('course-of-action', name);
}

/** `locationType`: OpenCTI's `x_opencti_location_type` (Country, City, Region...); it contributes as given. */
export function locationId(name: string, locationType: 'Region' | 'Country' | 'Administrative-Area' | 'City'): string {
  return deterministicId('location', { name: normalizeName(requireText('location', 'name', name)), x_opencti_location_type: locationType });
}

/**
 * `source` and `target` are the STIX ids of both ends. OpenCTI's platform lets `start_time` and `stop_time`
 * contribute each on its own when set (its Python SDK only adds `stop_time` together with `start_time`; the two agree
 * whenever a stop comes with a start, which is the only case that makes sense).
 */
export function relationshipId(
  relationshipType: string,
  sourceRef: string,
  targetRef: string,
  startTime?: TimestampInput,
  stopTime?: TimestampInput,
): string {
  const data: JsonObject = {
    relationship_type: requireText('relationship', 'relationship_type', relationshipType),
    source_ref: requireText('relationship', 'source_ref', sourceRef),
    target_ref: requireText('relationship', 'target_ref', targetRef),
  };
  if (startTime !== undefined) data.start_time = timeText(startTime);
  if (stopTime !== undefined) data.stop_time = timeText(stopTime);
  return deterministicId('relationship', data);
}

export function sightingId(sightingOfRef: string, whereSightedRefs: string[], firstSeen?: TimestampInput, lastSeen?: TimestampInput): string {
  const data: JsonObject = {
    type: 'sighting',
    sighting_of_ref: requireText('sighting', 'sighting_of_ref', sightingOfRef),
    where_sighted_refs: whereSightedRefs,
  };
  if (firstSeen !== undefined) data.first_seen = timeText(firstSeen);
  if (lastSeen !== undefined) data.last_seen = timeText(lastSeen);
  return deterministicId('sighting', data);
}

/**
 * The id OpenCTI gives an external reference: by `url`, else by `source_name` + `external_id`.
 * Undefined when neither is there: OpenCTI cannot store such a reference (its importer drops it).
 */
export function externalReferenceId(ref: Pick<ExternalReference, 'url' | 'source_name' | 'external_id'>): string | undefined {
  if (ref.url !== undefined && ref.url !== '') return deterministicId('external-reference', { url: ref.url });
  if (ref.source_name && ref.external_id) {
    return deterministicId('external-reference', { source_name: ref.source_name, external_id: ref.external_id });
  }
  return undefined;
}

export function killChainPhaseId(killChainName: string, phaseName: string): string {
  return deterministicId('kill-chain-phase', { phase_name: phaseName, kill_chain_name: killChainName });
}

/** TLP markings have fixed ids (markings.ts); other markings (PAP, statements...) hash both parts, upper-cased as OpenCTI does. */
export function markingDefinitionId(definitionType: string, definition: string): string {
  if (definitionType.trim().toUpperCase() === 'TLP') return tlpMarkingId(definition);
  return deterministicId('marking-definition', { definition_type: definitionType.toUpperCase(), definition: definition.toUpperCase() });
}
