/**
 * STIX 2.1 validation of what connectors send. Errors are what STIX forbids or OpenCTI would refuse; warnings are
 * what still imports but may not do what was meant (a reference to an object outside the bundle, a type OpenCTI
 * drops...). Each message starts with the object's id (or type) and names the property at fault.
 */
import { StixValidationError } from '../errors';
import { isStixId, typeOfId } from './id-format';
import { isObservableType, isOpenCtiType } from './opencti-types';
import { patternSyntaxProblem } from './patterns';
import { collectRefs } from './refs';
import { REF_TARGET_TYPES, TIME_ORDER, TIMESTAMP_PROPERTIES, TYPE_RULES } from './rules';
import { isStixTimestamp } from './timestamps';
import { TLP_NAMES, tlpMarkingId } from './markings';
import type { StixBundle, StixObject } from './types';

export interface ValidationResult {
  errors: string[];
  warnings: string[];
}

const TYPE_FORMAT = /^[a-z0-9][a-z0-9-]*[a-z0-9]$/;
/** Marking definitions every OpenCTI platform holds: referencing them without sending them is normal. */
const WELL_KNOWN_IDS: ReadonlySet<string> = new Set(TLP_NAMES.map((name) => tlpMarkingId(name)));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** The errors of one object on its own: empty when STIX and OpenCTI accept it (see inspectObject for warnings too). */
export function validateObject(input: unknown): string[] {
  return inspectObject(input).errors;
}

/** Checks one object on its own (references are only checked for their form; see validateBundle for targets). */
export function inspectObject(input: unknown): ValidationResult {
  const result: ValidationResult = { errors: [], warnings: [] };
  if (!isRecord(input)) {
    result.errors.push(`not a JSON object: ${JSON.stringify(input)?.slice(0, 60)}`);
    return result;
  }
  const type = input.type;
  const label = typeof input.id === 'string' && input.id !== '' ? input.id : typeof type === 'string' ? `${type} (no id)` : 'object';
  const error = (message: string): number => result.errors.push(`${label}: ${message}`);
  const warn = (message: string): number => result.warnings.push(`${label}: ${message}`);

  if (typeof type !== 'string' || !TYPE_FORMAT.test(type)) {
    error(typeof type === 'string' ? `bad type "${type}"` : 'missing required property "type"');
    return result;
  }
  checkId(input.id, type, result);
  if (!isOpenCtiType(type)) {
    warn(`type "${type}" is not imported by OpenCTI (dropped when split)`);
    return result;
  }
  checkCommon(input, type, error);
  checkTypeRule(input, type, error, warn);
  checkRefForms(input as StixObject, error, warn);
  checkTypeSpecific(input, type, error, warn);
  return result;
}

function checkId(id: unknown, type: string, result: ValidationResult): void {
  if (id === undefined || id === null) {
    result.errors.push(`${type} (no id): missing required property "id"`);
  } else if (!isStixId(id)) {
    result.errors.push(`bad id format "${String(id)}"`);
  } else if (typeOfId(id) !== type) {
    result.errors.push(`${id}: id type "${typeOfId(id)}" does not match type "${type}"`);
  }
}

function checkCommon(object: Record<string, unknown>, type: string, error: (message: string) => void): void {
  const observable = isObservableType(type);
  if (!observable) {
    const required = type === 'marking-definition' ? ['spec_version', 'created'] : ['spec_version', 'created', 'modified'];
    for (const property of required) if (isMissing(object[property])) error(`missing required property "${property}"`);
  }
  if (object.spec_version !== undefined && object.spec_version !== '2.1') error(`spec_version is "${String(object.spec_version)}", expected "2.1"`);
  for (const property of TIMESTAMP_PROPERTIES) {
    const value = object[property];
    if (value !== undefined && !isStixTimestamp(value)) error(`${property} "${String(value)}" is not a STIX timestamp (RFC 3339, UTC, Z)`);
  }
  for (const [later, earlier, relation] of TIME_ORDER) {
    const a = object[later];
    const b = object[earlier];
    if (!isStixTimestamp(a) || !isStixTimestamp(b)) continue;
    const gap = Date.parse(a) - Date.parse(b);
    if (gap < 0 || (relation === 'after' && gap === 0)) error(`${later} (${a}) must be ${relation === 'after' ? 'after' : 'at or after'} ${earlier} (${b})`);
  }
  const confidence = object.confidence;
  if (confidence !== undefined && !(Number.isInteger(confidence) && (confidence as number) >= 0 && (confidence as number) <= 100)) {
    error(`confidence must be an integer from 0 to 100, got ${JSON.stringify(confidence)}`);
  }
  if (object.labels !== undefined && !(Array.isArray(object.labels) && object.labels.every((l) => typeof l === 'string'))) {
    error('labels must be a list of strings');
  }
  checkExternalReferences(object.external_references, error);
}

function checkExternalReferences(value: unknown, error: (message: string) => void): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    error('external_references must be a list');
    return;
  }
  value.forEach((ref, index) => {
    if (!isRecord(ref) || typeof ref.source_name !== 'string' || ref.source_name === '') {
      error(`external_references[${index}]: missing required property "source_name"`);
    }
  });
}

function checkTypeRule(object: Record<string, unknown>, type: string, error: (m: string) => void, warn: (m: string) => void): void {
  const rule = TYPE_RULES[type];
  if (rule === undefined) return;
  for (const property of rule.required ?? []) if (isMissing(object[property])) error(`missing required property "${property}"`);
  if (rule.oneOf !== undefined && !rule.oneOf.some((group) => group.every((property) => !isMissing(object[property])))) {
    error(`needs one of ${rule.oneOf.map((group) => group.map((p) => `"${p}"`).join(' + ')).join(', ')}`);
  }
  for (const [property, reason] of Object.entries(rule.relaxed ?? {})) if (isMissing(object[property])) warn(`no "${property}": ${reason}`);
}

function checkRefForms(object: StixObject, strictError: (message: string) => void, warn: (message: string) => void): void {
  // top level: every value under a *_ref / *_refs key must be an id (collectRefs skips what does not look like one).
  // Custom (x_) properties only warn: STIX reserves the suffix for refs, but OpenCTI imports them as plain data.
  for (const [key, value] of Object.entries(object)) {
    const error = key.startsWith('x_') ? warn : strictError;
    if (key.endsWith('_ref') && value !== undefined && value !== null && !isStixId(value)) {
      error(typeof value === 'string' ? `${key} holds "${value}", not a STIX id` : `${key} must be a STIX id string`);
    } else if (key.endsWith('_refs') && value !== undefined) {
      if (!Array.isArray(value)) error(`${key} must be a list of STIX ids`);
      else for (const ref of value) if (!isStixId(ref)) error(`${key} holds ${JSON.stringify(ref)}, not a STIX id`);
    }
  }
  for (const { path, ref } of collectRefs(object)) {
    const expected = REF_TARGET_TYPES[path];
    if (!isStixId(ref)) {
      if (path.includes('.')) strictError(`${path} holds "${ref}", not a STIX id`);
    } else if (expected !== undefined && !expected.includes(typeOfId(ref) ?? '')) {
      strictError(`${path} points to ${ref}, expected ${expected.join(' or ')}`);
    }
  }
}

function checkTypeSpecific(object: Record<string, unknown>, type: string, error: (m: string) => void, warn: (m: string) => void): void {
  if (type === 'indicator' && typeof object.pattern === 'string' && (object.pattern_type ?? 'stix') === 'stix') {
    const problem = patternSyntaxProblem(object.pattern);
    if (problem !== undefined) error(`pattern is not a well-formed STIX pattern: ${problem}`);
  }
  if (type === 'malware' && object.is_family === true && isMissing(object.name)) error('missing required property "name" (required when is_family is true)');
  if (type === 'malware' && object.is_family !== undefined && typeof object.is_family !== 'boolean') error('is_family must be a boolean');
  if (type === 'relationship' && object.source_ref === object.target_ref && object.source_ref !== undefined) warn('source_ref and target_ref are the same object');
  for (const list of ['external_references', 'x_opencti_external_references']) {
    const value = object[list];
    if (!Array.isArray(value)) continue;
    value.forEach((ref, index) => {
      if (isRecord(ref) && isMissing(ref.url) && isMissing(ref.external_id)) {
        warn(`${list}[${index}] has neither url nor external_id: OpenCTI cannot store it (dropped when split)`);
      }
    });
  }
}

/** Checks every object, then the references between them: a ref to an object absent from the bundle is a warning. */
export function validateBundle(input: readonly unknown[] | StixBundle): ValidationResult {
  const result: ValidationResult = { errors: [], warnings: [] };
  let objects: readonly unknown[];
  if (Array.isArray(input)) {
    objects = input;
  } else {
    const bundle = input as StixBundle;
    if (bundle.type !== 'bundle') result.errors.push(`bundle: type is "${String(bundle.type)}", expected "bundle"`);
    if (!isStixId(bundle.id, 'bundle')) result.errors.push(`bundle: bad id format "${String(bundle.id)}"`);
    if (bundle.spec_version !== undefined && bundle.spec_version !== '2.1') result.errors.push(`bundle: spec_version is "${bundle.spec_version}", expected "2.1"`);
    objects = Array.isArray(bundle.objects) ? bundle.objects : [];
    if (!Array.isArray(bundle.objects)) result.errors.push('bundle: "objects" must be a list');
  }
  const present = new Set<string>();
  const seen = new Set<string>();
  objects.forEach((object) => {
    if (!isRecord(object) || typeof object.id !== 'string') return;
    if (seen.has(object.id)) result.warnings.push(`${object.id}: appears more than once in the bundle (the latest modified wins when split)`);
    seen.add(object.id);
    present.add(object.id);
    if (typeof object.x_opencti_id === 'string') present.add(object.x_opencti_id);
  });
  for (const object of objects) {
    const own = inspectObject(object);
    result.errors.push(...own.errors);
    result.warnings.push(...own.warnings);
    if (!isRecord(object) || typeof object.id !== 'string' || typeof object.type !== 'string') continue;
    for (const { path, ref } of collectRefs(object as StixObject)) {
      if (!present.has(ref) && !WELL_KNOWN_IDS.has(ref)) result.warnings.push(`${object.id}: ${path} points to ${ref} not in the bundle`);
    }
  }
  return result;
}

/** Throws StixValidationError listing every error (warnings do not throw). Accepts an object, a list, or a bundle. */
export function assertValid(input: StixObject | readonly StixObject[] | StixBundle): void {
  const isBundle = Array.isArray(input) || (isRecord(input) && input.type === 'bundle');
  const errors = isBundle ? validateBundle(input as readonly StixObject[] | StixBundle).errors : validateObject(input);
  if (errors.length > 0) throw new StixValidationError(errors);
}
