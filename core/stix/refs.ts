/**
 * Where STIX objects reference each other. A reference is a non-empty string (normally `<type>--<uuid>`) under a
 * property named `*_ref` (one) or `*_refs` (a list), found:
 * - at the top level of the object (`created_by_ref`, `object_refs`, `source_ref`, custom `x_*_ref`...);
 * - in `granular_markings[].marking_ref` (the marking must exist before what it marks);
 * - anywhere inside `extensions` (SCO extensions carry refs: `archive-ext.contains_refs`...).
 * Other nested custom structures (e.g. MITRE's `x_mitre_contents[].object_ref`) are not references OpenCTI
 * resolves, so they are neither followed nor rewritten. `external_references` and `kill_chain_phases` hold no refs.
 */
import type { StixObject } from './types';

export interface RefSite {
  /** dotted path of the property, e.g. `created_by_ref`, `granular_markings.marking_ref` */
  path: string;
  ref: string;
}

const isRefKey = (key: string): boolean => key.endsWith('_ref') || key.endsWith('_refs');
/** Any non-empty string: OpenCTI's own exports may reference an object by its bare internal id (`x_opencti_id`). */
const looksLikeRef = (value: unknown): value is string => typeof value === 'string' && value !== '';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type RefVisitor = (ref: string, path: string) => void;

function visitValue(visit: RefVisitor, key: string, value: unknown, path: string): void {
  if (key.endsWith('_ref')) {
    if (looksLikeRef(value)) visit(value, path);
  } else if (Array.isArray(value)) {
    for (const item of value) if (looksLikeRef(item)) visit(item, path);
  }
}

function visitNested(visit: RefVisitor, value: unknown, path: string): void {
  if (Array.isArray(value)) {
    for (const item of value) visitNested(visit, item, path);
  } else if (isRecord(value)) {
    for (const key of Object.keys(value)) {
      const innerPath = `${path}.${key}`;
      if (isRefKey(key)) visitValue(visit, key, value[key], innerPath);
      else visitNested(visit, value[key], innerPath);
    }
  }
}

/** Calls `visit` for every reference an object makes, in property order (duplicates included), allocating nothing. */
export function forEachRef(object: StixObject, visit: RefVisitor): void {
  for (const key of Object.keys(object)) {
    if (isRefKey(key)) visitValue(visit, key, object[key], key);
    else if (key === 'granular_markings' || key === 'extensions') visitNested(visit, object[key], key);
  }
}

/** Every reference an object makes, in property order (duplicates included). */
export function collectRefs(object: StixObject): RefSite[] {
  const sites: RefSite[] = [];
  forEachRef(object, (ref, path) => sites.push({ path, ref }));
  return sites;
}

/** Rewrites refs inside nested values; returns the same value when nothing changed (copy on write). */
function pruneNested(value: unknown, keep: (ref: string) => boolean, inGranular: boolean): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const out: unknown[] = [];
    for (const item of value) {
      const pruned = pruneNested(item, keep, inGranular);
      if (pruned !== item) changed = true;
      // a granular marking without its marking is meaningless: drop the entry
      if (inGranular && isRecord(pruned) && isRecord(item) && 'marking_ref' in item && !('marking_ref' in pruned)) continue;
      out.push(pruned);
    }
    return changed ? out : value;
  }
  if (!isRecord(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, inner] of Object.entries(value)) {
    const next = isRefKey(key) ? pruneRefValue(key, inner, keep) : pruneNested(inner, keep, false);
    if (next === inner) continue;
    copy ??= { ...value };
    if (next === undefined) delete copy[key];
    else copy[key] = next;
  }
  return copy ?? value;
}

/** A `_ref` kept or removed (undefined), or a `_refs` list filtered (removed when it ends up empty). */
function pruneRefValue(key: string, value: unknown, keep: (ref: string) => boolean): unknown {
  if (key.endsWith('_ref')) return looksLikeRef(value) && !keep(value) ? undefined : value;
  if (!Array.isArray(value)) return value;
  const kept = value.filter((item) => !looksLikeRef(item) || keep(item));
  if (kept.length === value.length) return value;
  return kept.length === 0 ? undefined : kept;
}

/**
 * The object without the refs `keep` refuses, wherever collectRefs finds them. The input is never modified;
 * the same object comes back when nothing was removed.
 */
export function withoutRefs(object: StixObject, keep: (ref: string) => boolean): StixObject {
  let copy: StixObject | undefined;
  for (const [key, value] of Object.entries(object)) {
    let next: unknown = value;
    if (isRefKey(key)) next = pruneRefValue(key, value, keep);
    else if (key === 'granular_markings') {
      next = pruneNested(value, keep, true);
      if (Array.isArray(next) && next.length === 0) next = undefined;
    }
    else if (key === 'extensions') next = pruneNested(value, keep, false);
    if (next === value) continue;
    copy ??= { ...object };
    if (next === undefined) delete copy[key];
    else copy[key] = next;
  }
  return copy ?? object;
}
