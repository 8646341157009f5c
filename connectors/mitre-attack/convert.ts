import { stix, type StixObject, type TlpName } from '../../core';

/** When an object last changed: `modified`, else `created` (marking definitions have only `created`); NaN if neither. */
export function changedAt(object: StixObject): number {
  const value = typeof object.modified === 'string' ? object.modified : object.created;
  return typeof value === 'string' ? Date.parse(value) : NaN;
}

/** What a bundle holds, for logs, `check` and the cursor. */
export interface BundleFacts {
  /** ATT&CK release (`x_mitre_version` of the `x-mitre-collection`), e.g. "18.1"; '' when the bundle has no collection */
  version: string;
  /** the collection's name, e.g. "ICS ATT&CK" */
  domain: string;
  objectCount: number;
  /** the newest `modified` in the bundle (ISO), '' when none is dated */
  highWater: string;
  deprecated: number;
  revoked: number;
  byType: Record<string, number>;
}

export function bundleFacts(objects: readonly StixObject[]): BundleFacts {
  const facts: BundleFacts = { version: '', domain: '', objectCount: objects.length, highWater: '', deprecated: 0, revoked: 0, byType: {} };
  let newest = -Infinity;
  for (const object of objects) {
    if (typeof object !== 'object' || object === null) continue;
    const type = String(object.type);
    facts.byType[type] = (facts.byType[type] ?? 0) + 1;
    if (type === 'x-mitre-collection') {
      facts.version = String(object.x_mitre_version ?? '');
      facts.domain = String(object.name ?? '');
    }
    if (object.x_mitre_deprecated === true) facts.deprecated++;
    if (object.revoked === true) facts.revoked++;
    const at = changedAt(object);
    if (at > newest) newest = at;
  }
  if (Number.isFinite(newest)) facts.highWater = new Date(newest).toISOString();
  return facts;
}

/**
 * The objects changed strictly after `sinceIso` and not before `fromIso` (both '' = no bound). Undated objects go
 * only in a full import (no bound at all), where the validator then judges them.
 */
export function changedSince(objects: readonly StixObject[], sinceIso: string, fromIso: string): StixObject[] {
  const since = sinceIso === '' ? -Infinity : Date.parse(sinceIso);
  const from = fromIso === '' ? -Infinity : Date.parse(fromIso);
  const bounded = since !== -Infinity || from !== -Infinity;
  return objects.filter((object) => {
    const at = typeof object === 'object' && object !== null ? changedAt(object) : NaN;
    if (Number.isNaN(at)) return !bounded;
    return at > since && at >= from;
  });
}

/**
 * Marks with the configured TLP only the objects that carry no marking at all (ATT&CK marks everything with its own
 * copyright statement; this keeps that marking and fills gaps only). Marking definitions are never marked.
 * Returns copies where changed, and how many were marked.
 */
export function markUnmarked(objects: readonly StixObject[], tlp: TlpName): { objects: StixObject[]; marked: number } {
  const ref = stix.tlpMarkingId(tlp);
  let marked = 0;
  const out = objects.map((object) => {
    const refs = object.object_marking_refs;
    if (object.type === 'marking-definition' || (Array.isArray(refs) && refs.length > 0)) return object;
    marked++;
    return { ...object, object_marking_refs: [ref] };
  });
  return { objects: out, marked };
}

/** Identifies one content of a bundle, so that a half-delivered bundle resumes only on the same content. */
export function bundleFingerprint(bundleId: string, facts: BundleFacts): string {
  return `${bundleId}|${facts.version}|${facts.highWater}|${facts.objectCount}`;
}

/** `{"relationship": 3, "x-mitre-tactic": 2}` -> "relationship 3, x-mitre-tactic 2" (largest first). */
export function countsText(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
}
