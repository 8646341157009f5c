/**
 * Builders for the STIX 2.1 domain objects and relationships connectors emit. Each one sets `spec_version`, the
 * deterministic id OpenCTI would compute, and `created`/`modified` from the caller's clock (`now`) or explicit
 * values: nothing here reads the system clock, so the same input always gives the same object.
 */
import { StixValidationError } from '../errors';
import { identityId, indicatorId, malwareId, relationshipId, reportId, vulnerabilityId } from './ids';
import { isStixId } from './id-format';
import { mainObservableType, patternFromObservable, type PatternObservableType } from './patterns';
import { toStixTimestamp, type TimestampInput } from './timestamps';
import type { ExternalReference, KillChainPhase, StixObject } from './types';

/** Where `created`/`modified` come from: a clock reading, or explicit values (modified defaults to now, else created). */
export type Clock =
  | { now: TimestampInput; created?: TimestampInput; modified?: TimestampInput }
  | { now?: TimestampInput; created: TimestampInput; modified?: TimestampInput };

/** Properties every domain object and relationship may carry, named as in STIX. */
export type CommonOptions = Clock & {
  description?: string;
  created_by_ref?: string;
  object_marking_refs?: string[];
  labels?: string[];
  external_references?: ExternalReference[];
  /** 0-100 */
  confidence?: number;
  revoked?: boolean;
  lang?: string;
  /** Extra properties (custom `x_` ones...). They never override a property the builder sets. */
  custom?: Record<string, unknown>;
};

/** Drops undefined entries so the JSON carries only what was set. */
function compact(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

export function checkConfidence(confidence: number | undefined, owner: string): void {
  if (confidence === undefined) return;
  if (!Number.isInteger(confidence) || confidence < 0 || confidence > 100) {
    throw new StixValidationError([`${owner}: confidence must be an integer from 0 to 100, got ${confidence}`]);
  }
}

export function checkRefs(owner: string, createdByRef: string | undefined, markingRefs: string[] | undefined): void {
  const problems: string[] = [];
  if (createdByRef !== undefined && !isStixId(createdByRef, 'identity')) {
    problems.push(`${owner}: created_by_ref must be an identity id, got "${createdByRef}"`);
  }
  for (const ref of markingRefs ?? []) {
    if (!isStixId(ref, 'marking-definition')) problems.push(`${owner}: object_marking_refs holds "${ref}", not a marking-definition id`);
  }
  if (problems.length > 0) throw new StixValidationError(problems);
}

/** The properties shared by every SDO/SRO, in the order STIX documents list them. */
function common(type: string, id: string, options: CommonOptions): StixObject {
  const createdInput = options.created ?? options.now;
  if (createdInput === undefined) throw new StixValidationError([`${type}: give "now" or "created"`]);
  const created = toStixTimestamp(createdInput, `${type} created`);
  const modified = toStixTimestamp(options.modified ?? options.now ?? created, `${type} modified`);
  if (modified < created) throw new StixValidationError([`${id}: modified (${modified}) is before created (${created})`]);
  checkConfidence(options.confidence, id);
  checkRefs(id, options.created_by_ref, options.object_marking_refs);
  return {
    ...(options.custom ?? {}),
    ...compact({
      type,
      spec_version: '2.1',
      id,
      created,
      modified,
      created_by_ref: options.created_by_ref,
      description: options.description,
      revoked: options.revoked,
      labels: options.labels,
      confidence: options.confidence,
      lang: options.lang,
      external_references: options.external_references,
      object_marking_refs: options.object_marking_refs,
    }),
  } as StixObject;
}

function withFields(base: StixObject, fields: Record<string, unknown>): StixObject {
  const object: StixObject = { ...base };
  for (const [key, value] of Object.entries(compact(fields))) object[key] = value;
  return object;
}

export type IdentityClass = 'organization' | 'individual' | 'system' | 'group' | 'class' | 'unknown';

export type IdentityOptions = CommonOptions & {
  name: string;
  identity_class: IdentityClass;
  roles?: string[];
  sectors?: string[];
  contact_information?: string;
};

export function makeIdentity(options: IdentityOptions): StixObject {
  const id = identityId(options.name, options.identity_class);
  const { name, identity_class, roles, sectors, contact_information } = options;
  return withFields(common('identity', id, options), { name: name.trim(), identity_class, roles, sectors, contact_information });
}

/** The organization most connectors name as `created_by_ref` (the source's author). */
export function makeOrganization(name: string, options: Omit<IdentityOptions, 'name' | 'identity_class'>): StixObject {
  return makeIdentity({ ...options, name, identity_class: 'organization' } as IdentityOptions);
}

export type ReportOptions = CommonOptions & {
  name: string;
  published: TimestampInput;
  report_types?: string[];
  /** Optional for OpenCTI, which imports reports without contents (its own feed ingesters create them so). */
  object_refs?: string[];
};

export function makeReport(options: ReportOptions): StixObject {
  const published = toStixTimestamp(options.published, 'report published');
  const id = reportId(options.name, published);
  const { name, report_types, object_refs } = options;
  return withFields(common('report', id, options), { name: name.trim(), report_types, published, object_refs });
}

type PatternSource = { pattern: string; observable?: never } | { observable: { type: PatternObservableType; value: string }; pattern?: never };

export type IndicatorOptions = CommonOptions &
  PatternSource & {
    /** Defaults to the observable value, else the pattern. */
    name?: string;
    pattern_type?: string;
    /** Defaults to `created`. */
    valid_from?: TimestampInput;
    valid_until?: TimestampInput;
    indicator_types?: string[];
    kill_chain_phases?: KillChainPhase[];
    /** OpenCTI's 0-100 score. */
    x_opencti_score?: number;
  };

export function makeIndicator(options: IndicatorOptions): StixObject {
  const pattern = options.observable !== undefined ? patternFromObservable(options.observable.type, options.observable.value) : options.pattern;
  const id = indicatorId(pattern);
  const base = common('indicator', id, options);
  const validFrom = options.valid_from === undefined ? (base.created as string) : toStixTimestamp(options.valid_from, 'indicator valid_from');
  const validUntil = options.valid_until === undefined ? undefined : toStixTimestamp(options.valid_until, 'indicator valid_until');
  if (validUntil !== undefined && validUntil <= validFrom) {
    throw new StixValidationError([`${id}: valid_until (${validUntil}) must be after valid_from (${validFrom})`]);
  }
  checkConfidence(options.x_opencti_score, `${id} x_opencti_score`);
  return withFields(base, {
    name: options.name ?? options.observable?.value ?? pattern.trim(),
    indicator_types: options.indicator_types,
    pattern: pattern.trim(),
    pattern_type: options.pattern_type ?? 'stix',
    pattern_version: (options.pattern_type ?? 'stix') === 'stix' ? '2.1' : undefined,
    valid_from: validFrom,
    valid_until: validUntil,
    kill_chain_phases: options.kill_chain_phases,
    x_opencti_score: options.x_opencti_score,
    x_opencti_main_observable_type: options.observable === undefined ? undefined : mainObservableType(options.observable.type),
  });
}

export type MalwareOptions = CommonOptions & {
  name: string;
  /** STIX requires it; a named malware is a family unless said otherwise. */
  is_family?: boolean;
  malware_types?: string[];
  aliases?: string[];
  first_seen?: TimestampInput;
  last_seen?: TimestampInput;
  kill_chain_phases?: KillChainPhase[];
};

export function makeMalware(options: MalwareOptions): StixObject {
  const { name, malware_types, aliases, kill_chain_phases } = options;
  return withFields(common('malware', malwareId(name), options), {
    name: name.trim(),
    is_family: options.is_family ?? true,
    malware_types,
    aliases,
    first_seen: options.first_seen === undefined ? undefined : toStixTimestamp(options.first_seen, 'malware first_seen'),
    last_seen: options.last_seen === undefined ? undefined : toStixTimestamp(options.last_seen, 'malware last_seen'),
    kill_chain_phases,
  });
}

/** `name` is the CVE id for CVEs (`CVE-2024-3400`): OpenCTI identifies vulnerabilities by name. */
export type VulnerabilityOptions = CommonOptions & { name: string };

export function makeVulnerability(options: VulnerabilityOptions): StixObject {
  return withFields(common('vulnerability', vulnerabilityId(options.name), options), { name: options.name.trim() });
}

export type RelationshipOptions = CommonOptions & {
  relationship_type: string;
  source_ref: string;
  target_ref: string;
  start_time?: TimestampInput;
  stop_time?: TimestampInput;
};

export function makeRelationship(options: RelationshipOptions): StixObject {
  const { relationship_type, source_ref, target_ref } = options;
  const problems: string[] = [];
  if (!isStixId(source_ref)) problems.push(`relationship ${relationship_type}: source_ref "${source_ref}" is not a STIX id`);
  if (!isStixId(target_ref)) problems.push(`relationship ${relationship_type}: target_ref "${target_ref}" is not a STIX id`);
  if (problems.length > 0) throw new StixValidationError(problems);
  const start = options.start_time === undefined ? undefined : toStixTimestamp(options.start_time, 'relationship start_time');
  const stop = options.stop_time === undefined ? undefined : toStixTimestamp(options.stop_time, 'relationship stop_time');
  const id = relationshipId(relationship_type, source_ref, target_ref, start, stop);
  if (start !== undefined && stop !== undefined && stop <= start) {
    throw new StixValidationError([`${id}: stop_time (${stop}) must be after start_time (${start})`]);
  }
  return withFields(common('relationship', id, options), { relationship_type, source_ref, target_ref, start_time: start, stop_time: stop });
}

export type ExternalReferenceOptions = { source_name: string; url?: string; external_id?: string; description?: string };

/** OpenCTI keeps an external reference only with a `url` or an `external_id` (it identifies it by them). */
export function makeExternalReference(options: ExternalReferenceOptions): ExternalReference {
  if (options.source_name.trim() === '') throw new StixValidationError(['external reference: source_name is required']);
  if (!options.url && !options.external_id) {
    throw new StixValidationError([`external reference "${options.source_name}": give a url or an external_id`]);
  }
  return compact({ ...options }) as ExternalReference;
}
