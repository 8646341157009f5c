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
import { collectRefs, withoutRefs } from './refs';
import { layeredOrder } from './topo';
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

/** Step 1: one node per id, in order of first appearance. */
function distinctObjects(list: readonly unknown[], dropped: DroppedObject[]): StixObject[] {
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
  return nodes;
}

export function splitBundleDetailed(input: readonly StixObject[] | StixBundle): SplitResult {
  const dropped: DroppedObject[] = [];
  const nodes = distinctObjects(Array.isArray(input) ? input : (input as StixBundle).objects, dropped);
  const count = nodes.length;
  const resolve = new Map<string, number>();
  nodes.forEach((node, index) => resolve.set(node.id, index));
  nodes.forEach((node, index) => aliasesOf(node).forEach((alias) => resolve.has(alias) || resolve.set(alias, index)));

  // Steps 2-3: drop, then cascade through the required ends of relationships and sightings.
  const gone = new Uint8Array(count);
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
  const remaining = new Int32Array(count * 2); // per relationship/sighting: live refs left in each required end
  const endWatchers: Array<Array<{ node: number; end: number }>> = Array.from({ length: count }, () => []);
  nodes.forEach((node, index) => {
    const ends = REQUIRED_ENDS[node.type];
    if (ends === undefined || gone[index] === 1) return;
    const sites = collectRefs(node);
    ends.forEach((path, end) => {
      const refs = new Set(sites.filter((site) => site.path === path).map((site) => site.ref));
      let live = 0;
      for (const ref of refs) {
        const target = resolve.get(ref);
        if (target !== undefined) {
          live++;
          endWatchers[target].push({ node: index, end });
        } else if (isImportableRef(ref)) live++;
      }
      remaining[index * 2 + end] = live;
      if (live === 0) drop(index, 'missing-endpoint', `${path} is missing or points only to objects OpenCTI cannot import`);
    });
  });
  for (let head = 0; head < queue.length; head++) {
    const lost = queue[head];
    for (const { node, end } of endWatchers[lost]) {
      if (gone[node] === 1) continue;
      if (--remaining[node * 2 + end] === 0) {
        drop(node, 'missing-endpoint', `${REQUIRED_ENDS[nodes[node].type][end]} points to dropped ${nodes[lost].id}`);
      }
    }
  }

  // Step 4: rewrite the survivors; step 5: order them.
  const keep = (ref: string): boolean => {
    const target = resolve.get(ref);
    return target === undefined ? isImportableRef(ref) : gone[target] === 0;
  };
  const survivors: number[] = [];
  const cleaned: StixObject[] = [];
  const notes: string[] = [];
  const slot = new Int32Array(count).fill(-1);
  for (let index = 0; index < count; index++) {
    if (gone[index] === 1) continue;
    const embedded = cleanEmbedded(withoutRefs(nodes[index], keep));
    notes.push(...embedded.notes);
    slot[index] = survivors.length;
    survivors.push(index);
    cleaned.push(embedded.object);
  }
  const deps = cleaned.map((object, at) => dependencySlots(object, at, resolve, slot));
  const { order, broken } = layeredOrder(deps);
  return {
    objects: order.map((at) => cleaned[at]),
    dropped,
    cycleBreaks: broken.map(([from, to]) => ({ from: cleaned[from].id, to: cleaned[to].id })),
    notes,
  };
}

/** A ref to an id outside the bundle stays unless its type is one OpenCTI does not import. */
function isImportableRef(ref: string): boolean {
  const prefix = idPrefix(ref);
  return prefix === undefined || isOpenCtiType(prefix);
}

function dependencySlots(object: StixObject, self: number, resolve: Map<string, number>, slot: Int32Array): number[] {
  const deps = new Set<number>();
  for (const { ref } of collectRefs(object)) {
    const target = resolve.get(ref);
    if (target === undefined) continue;
    const at = slot[target];
    if (at >= 0 && at !== self) deps.add(at);
  }
  return [...deps];
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
