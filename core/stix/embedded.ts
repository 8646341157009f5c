/**
 * Clean-up of the embedded lists OpenCTI turns into entities of their own when it imports an object:
 * - external references: OpenCTI identifies one by `url`, else `source_name` + `external_id`; one with neither
 *   cannot be stored (the platform refuses it), and two with the same identity are one reference;
 * - kill chain phases: identified by `kill_chain_name` + `phase_name`.
 * Duplicates keep their first occurrence.
 */
import type { StixObject } from './types';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The identity OpenCTI gives an external reference (ids.ts externalReferenceId hashes exactly this data); the
 * plain text is compared instead of its hash, which is equivalent and far cheaper.
 */
function referenceKey(entry: unknown): string | undefined {
  if (!isRecord(entry)) return undefined;
  const url = text(entry.url);
  if (url) return JSON.stringify({ url });
  const source = text(entry.source_name);
  const external = text(entry.external_id);
  return source && external ? JSON.stringify({ external_id: external, source_name: source }) : undefined;
}

function phaseKey(entry: unknown): string | undefined {
  if (!isRecord(entry)) return undefined;
  const chain = text(entry.kill_chain_name);
  const phase = text(entry.phase_name);
  return chain && phase ? JSON.stringify([chain, phase]) : undefined;
}

function dedupe(list: unknown[], keyOf: (entry: unknown) => string | undefined): { kept: unknown[]; unidentified: number; duplicates: number } {
  const seen = new Set<string>();
  const kept: unknown[] = [];
  let unidentified = 0;
  let duplicates = 0;
  for (const entry of list) {
    const key = keyOf(entry);
    if (key === undefined) unidentified++;
    else if (seen.has(key)) duplicates++;
    else {
      seen.add(key);
      kept.push(entry);
    }
  }
  return { kept, unidentified, duplicates };
}

const LISTS: Array<{ key: string; keyOf: (entry: unknown) => string | undefined; what: string }> = [
  { key: 'external_references', keyOf: referenceKey, what: 'external reference' },
  { key: 'x_opencti_external_references', keyOf: referenceKey, what: 'external reference' },
  { key: 'kill_chain_phases', keyOf: phaseKey, what: 'kill chain phase' },
];

/**
 * The object with its embedded lists deduplicated; the same object when nothing changed. What was removed is
 * described in `notes` (one line per list touched) when a list is given.
 */
export function cleanEmbedded(object: StixObject, notes: string[] = []): StixObject {
  let copy: StixObject | undefined;
  for (const { key, keyOf, what } of LISTS) {
    const list = object[key];
    if (!Array.isArray(list)) continue;
    const { kept, unidentified, duplicates } = dedupe(list, keyOf);
    if (unidentified === 0 && duplicates === 0) continue;
    copy ??= { ...object };
    copy[key] = kept;
    if (unidentified > 0) notes.push(`${object.id}: ${unidentified} ${what}(s) without identity removed from ${key}`);
    if (duplicates > 0) notes.push(`${object.id}: ${duplicates} duplicate ${what}(s) removed from ${key}`);
  }
  return copy ?? object;
}
