/**
 * Prepares a list of STIX objects for OpenCTI, one object per message:
 * 1. one object per id: of several versions, the latest `modified` wins (the later one on a tie);
 * 2. objects of types OpenCTI does not import are dropped (opencti-types.ts);
 * 3. a relationship or sighting is dropped when one of its ends is missing, dropped, or of such a type, and so on
 *    transitively (a relationship between dropped relationships goes too);
 * 4. references to dropped objects or unimportable types are removed from what remains (refs.ts says where refs
 *    live); references to ids outside the bundle are kept, the platform may already hold them; duplicate
 *    external references / kill chain phases are merged (embedded.ts);
 * 5. the result is ordered so that every object comes after the objects it references (topo.ts), ties in input
 *    order; cycles are broken deterministically and reported.
 * The input is never modified: changed objects are copies.
 */
import { v4 as uuidv4 } from 'uuid';
import { cleanEmbedded } from './embedded';
import { idPrefix } from './id-format';
import { isOpenCtiType } from './opencti-types';
import { forEachRef, withoutRefs } from './refs';
import { layeredOrderFlat } from './topo';
import type { StixBundle, StixObject } from './types';

export type DropReason = 'malformed' | 'superseded' | 'unsupported-type' | 'missing-endpoint';

export interface DroppedObject {
  id: string;
  type: string;
  reason: DropReason;
  detail: string;
}

export interface SplitResult {
  /** what to send, dependencies first */
  objects: StixObject[];
  dropped: DroppedObject[];
  /** `from` references `to` yet comes before it: the edges broken to order a cycle */
  cycleBreaks: Array<{ from: string; to: string }>;
  /** embedded-list clean-ups (external references, kill chain phases) */
  notes: string[];
}

/** The ends without which a relationship or sighting cannot exist in OpenCTI. */
const REQUIRED_ENDS: Record<string, readonly string[]> = {
  relationship: ['source_ref', 'target_ref'],
  sighting: ['sighting_of_ref', 'where_sighted_refs'],
};

const OPENCTI_EXTENSION = 'extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Other ids an object answers to in OpenCTI's exports: `x_opencti_id` and its extension's `id`. */
function aliasesOf(object: StixObject): string[] {
  const aliases: string[] = [];
  if (typeof object.x_opencti_id === 'string') aliases.push(object.x_opencti_id);
  const extension = isRecord(object.extensions) ? object.extensions[OPENCTI_EXTENSION] : undefined;
  if (isRecord(extension) && typeof extension.id === 'string') aliases.push(extension.id);
  return aliases;
}

function isNewer(candidate: StixObject, current: StixObject): boolean {
  const a = typeof candidate.modified === 'string' ? Date.parse(candidate.modified) : NaN;
  const b = typeof current.modified === 'string' ? Date.parse(current.modified) : NaN;
  if (Number.isNaN(a)) return Number.isNaN(b);
  return Number.isNaN(b) || a >= b;
}

/** Step 1: one node per id, in order of first appearance, and where each id is. */
function distinctObjects(list: readonly unknown[], dropped: DroppedObject[]): { nodes: StixObject[]; at: Map<string, number> } {
  const nodes: StixObject[] = [];
  const at = new Map<string, number>();
  for (const item of list) {
    if (!isRecord(item) || typeof item.id !== 'string' || typeof item.type !== 'string') {
      const id = isRecord(item) ? String(item.id ?? '') : '';
      const type = isRecord(item) ? String(item.type ?? '') : typeof item;
      dropped.push({ id, type, reason: 'malformed', detail: 'an object needs a string "type" and "id"' });
      continue;
    }
    const object = item as StixObject;
    const index = at.get(object.id);
    if (index === undefined) {
      at.set(object.id, nodes.length);
      nodes.push(object);
      continue;
    }
    const [kept, superseded] = isNewer(object, nodes[index]) ? [object, nodes[index]] : [nodes[index], object];
    nodes[index] = kept;
    const detail = `another version (modified ${String(kept.modified)}) supersedes this one (modified ${String(superseded.modified)})`;
    dropped.push({ id: object.id, type: object.type, reason: 'superseded', detail });
  }
  return { nodes, at };
}

export function splitBundleDetailed(input: readonly StixObject[] | StixBundle): SplitResult {
  const dropped: DroppedObject[] = [];
  const { nodes, at: resolve } = distinctObjects(Array.isArray(input) ? input : (input as StixBundle).objects, dropped);
  nodes.forEach((node, index) => aliasesOf(node).forEach((alias) => resolve.has(alias) || resolve.set(alias, index)));
  const gone = dropUnimportable(nodes, resolve, dropped);
  const refs = refTable(nodes, gone, resolve);

  // Step 4: rewrite the survivors (only those with a ref to remove are copied).
  const keepAt = (at: number): boolean => (refs.target[at] >= 0 ? gone[refs.target[at]] === 0 : isImportableRef(refs.ref[at]));
  const keep = (ref: string): boolean => {
    const target = resolve.get(ref);
    return target === undefined ? isImportableRef(ref) : gone[target] === 0;
  };
  const survivors: number[] = [];
  const cleaned: StixObject[] = [];
  const notes: string[] = [];
  const slot = new Int32Array(nodes.length).fill(-1);
  for (let index = 0; index < nodes.length; index++) {
    if (gone[index] === 1) continue;
    let refsOk = true;
    for (let at = refs.start[index]; at < refs.start[index + 1] && refsOk; at++) refsOk = keepAt(at);
    slot[index] = survivors.length;
    survivors.push(index);
    cleaned.push(cleanEmbedded(refsOk ? nodes[index] : withoutRefs(nodes[index], keep), notes));
  }

  // Step 5: the rewrite only removed refs to dropped objects, so the surviving targets are the dependencies.
  const seenBy = new Int32Array(survivors.length).fill(-1);
  const depStart = new Int32Array(survivors.length + 1);
  const depList: number[] = [];
  survivors.forEach((index, self) => {
    depStart[self] = depList.length;
    for (let at = refs.start[index]; at < refs.start[index + 1]; at++) {
      const dep = refs.target[at] < 0 ? -1 : slot[refs.target[at]];
      if (dep < 0 || dep === self || seenBy[dep] === self) continue;
      seenBy[dep] = self;
      depList.push(dep);
    }
  });
  depStart[survivors.length] = depList.length;
  const { order, broken } = layeredOrderFlat(depStart, Int32Array.from(depList));
  return {
    objects: order.map((at) => cleaned[at]),
    dropped,
    cycleBreaks: broken.map(([from, to]) => ({ from: cleaned[from].id, to: cleaned[to].id })),
    notes,
  };
}

/** Every ref of every kept node, flat: node i's refs are at [start[i], start[i+1]); target = node index or -1. */
interface RefTable {
  start: Int32Array;
  ref: string[];
  target: number[];
}

function refTable(nodes: StixObject[], gone: Uint8Array, resolve: Map<string, number>): RefTable {
  const table: RefTable = { start: new Int32Array(nodes.length + 1), ref: [], target: [] };
  const visit = (ref: string): void => {
    table.ref.push(ref);
    table.target.push(resolve.get(ref) ?? -1);
  };
  nodes.forEach((node, index) => {
    table.start[index] = table.ref.length;
    if (gone[index] === 0) forEachRef(node, visit);
  });
  table.start[nodes.length] = table.ref.length;
  return table;
}

/** The distinct refs held by one required end (`source_ref`, `where_sighted_refs`...). */
function endRefs(node: StixObject, path: string): string[] {
  const value = node[path];
  if (typeof value === 'string' && value !== '') return [value];
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((ref): ref is string => typeof ref === 'string' && ref !== ''))];
}

/** Steps 2-3: unimportable types, then the relationships and sightings that lose an end, transitively. */
function dropUnimportable(nodes: StixObject[], resolve: Map<string, number>, dropped: DroppedObject[]): Uint8Array {
  const gone = new Uint8Array(nodes.length);
  const queue: number[] = [];
  const drop = (index: number, reason: DropReason, detail: string): void => {
    if (gone[index] === 1) return;
    gone[index] = 1;
    queue.push(index);
    dropped.push({ id: nodes[index].id, type: nodes[index].type, reason, detail });
  };
  nodes.forEach((node, index) => {
    if (!isOpenCtiType(node.type)) drop(index, 'unsupported-type', `OpenCTI does not import "${node.type}" objects`);
  });
  const remaining = new Int32Array(nodes.length * 2); // per relationship/sighting: live refs left in each end
  const watchers: Array<Array<{ node: number; end: number }> | undefined> = new Array(nodes.length);
  nodes.forEach((node, index) => {
    const ends = REQUIRED_ENDS[node.type];
    if (ends === undefined || gone[index] === 1) return;
    ends.forEach((path, end) => {
      let live = 0;
      for (const ref of endRefs(node, path)) {
        const target = resolve.get(ref);
        if (target !== undefined) (watchers[target] ??= []).push({ node: index, end });
        if (target !== undefined || isImportableRef(ref)) live++;
      }
      remaining[index * 2 + end] = live;
      if (live === 0) drop(index, 'missing-endpoint', `${path} is missing or points only to objects OpenCTI cannot import`);
    });
  });
  for (let head = 0; head < queue.length; head++) {
    const lost = queue[head];
    for (const { node, end } of watchers[lost] ?? []) {
      if (gone[node] === 0 && --remaining[node * 2 + end] === 0) {
        drop(node, 'missing-endpoint', `${REQUIRED_ENDS[nodes[node].type][end]} points to dropped ${nodes[lost].id}`);
      }
    }
  }
  return gone;
}

/** A ref to an id outside the bundle stays unless its type is one OpenCTI does not import. */
function isImportableRef(ref: string): boolean {
  const prefix = idPrefix(ref);
  return prefix === undefined || isOpenCtiType(prefix);
}

/** The objects to send, dependencies first (see splitBundleDetailed for what is dropped and why). */
export function splitBundle(input: readonly StixObject[] | StixBundle): StixObject[] {
  return splitBundleDetailed(input).objects;
}

/**
 * A STIX bundle as OpenCTI's platform and SDK write them: with `spec_version: '2.1'` (STIX 2.1 itself dropped the
 * property from bundles; OpenCTI reads bundles with or without it). The id is random unless given.
 */
export function makeBundle(objects: StixObject[], options: { id?: string } = {}): StixBundle {
  return { type: 'bundle', id: options.id ?? `bundle--${uuidv4()}`, spec_version: '2.1', objects };
}
