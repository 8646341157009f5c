/**
 * Clean-up of the embedded lists OpenCTI turns into entities of their own when it imports an object:
 * - external references: OpenCTI identifies one by `url`, else `source_name` + `external_id`; one with neither
 *   cannot be stored (the platform refuses it), and two with the same identity are one reference;
 * - kill chain phases: identified by `kill_chain_name` + `phase_name`.
 * Duplicates keep their first occurrence.
 */
import { externalReferenceId, killChainPhaseId } from './ids';
import type { ExternalReference, StixObject } from './types';

export interface EmbeddedCleanup {
  object: StixObject;
  /** human-readable notes on what was removed (empty when nothing was) */
  notes: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function referenceKey(entry: unknown): string | undefined {
  if (!isRecord(entry)) return undefined;
  const ref: Pick<ExternalReference, 'url' | 'source_name' | 'external_id'> = {
    source_name: text(entry.source_name) ?? '',
    url: text(entry.url),
    external_id: text(entry.external_id),
  };
  return externalReferenceId(ref);
}

function phaseKey(entry: unknown): string | undefined {
  if (!isRecord(entry)) return undefined;
  const chain = text(entry.kill_chain_name);
  const phase = text(entry.phase_name);
  return chain && phase ? killChainPhaseId(chain, phase) : undefined;
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

/** The object with its embedded lists deduplicated; the same object when nothing changed. */
export function cleanEmbedded(object: StixObject): EmbeddedCleanup {
  let copy: StixObject | undefined;
  const notes: string[] = [];
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
  return { object: copy ?? object, notes };
}
