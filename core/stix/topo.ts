/**
 * Dependency order in linear time: Kahn's algorithm computes each node's depth (0 = depends on nothing,
 * else 1 + the deepest of its dependencies), then a counting sort lays the nodes out by depth, keeping input order
 * among equal depths. Placing whole layers apart (rather than each node right after its last dependency) leaves the
 * most room between an object and what references it, which matters when several workers consume in parallel.
 *
 * Cycles (a marking created by the identity it marks...) cannot be ordered. When Kahn stalls, one node of a
 * remaining cycle is placed anyway. From the earliest unplaced node (input order), the walk follows each node's
 * first unplaced dependency until it reaches a node it has already visited; the node whose dependency closed the
 * loop is placed, as a depth-first search would cut its back edge. For the usual identity <-> marking cycle that
 * puts the marking first, as the reference SDK ends up doing. Its unplaced dependencies are reported as broken.
 * Acyclic input costs O(nodes + edges); each cycle broken adds at most one walk.
 */

export interface LayeredOrder {
  /** node indices, dependencies first */
  order: number[];
  /** `[node, dependency]` pairs where the node had to be placed before its dependency */
  broken: Array<[number, number]>;
}

/** `deps[i]`: the distinct nodes node i depends on (no self-loops). */
export function layeredOrder(deps: ReadonlyArray<ReadonlyArray<number>>): LayeredOrder {
  const start = new Int32Array(deps.length + 1);
  deps.forEach((list, node) => (start[node + 1] = start[node] + list.length));
  return layeredOrderFlat(start, Int32Array.from(deps.flat()));
}

/**
 * The same on a flat graph: node i depends on `list[start[i]]` .. `list[start[i + 1] - 1]` (distinct, no
 * self-loops). Typed arrays only, so large bundles cost no per-node allocation.
 */
export function layeredOrderFlat(start: Int32Array, list: Int32Array): LayeredOrder {
  const count = start.length - 1;
  const pending = new Int32Array(count); // dependencies not yet placed
  const depth = new Int32Array(count);
  const placed = new Uint8Array(count);
  // dependents in the same flat form: node d is depended on by dependents[from[d]] .. dependents[from[d + 1] - 1]
  const from = new Int32Array(count + 1);
  for (let at = 0; at < list.length; at++) from[list[at] + 1]++;
  for (let node = 0; node < count; node++) from[node + 1] += from[node];
  const fill = from.slice(0, count);
  const dependents = new Int32Array(list.length);
  for (let node = 0; node < count; node++) {
    pending[node] = start[node + 1] - start[node];
    for (let at = start[node]; at < start[node + 1]; at++) dependents[fill[list[at]]++] = node;
  }

  const queue = new Int32Array(count);
  let head = 0;
  let tail = 0;
  for (let node = 0; node < count; node++) {
    if (pending[node] === 0) {
      placed[node] = 1;
      queue[tail++] = node;
    }
  }

  const broken: Array<[number, number]> = [];
  const walkMark = new Int32Array(count).fill(-1);
  let walk = 0;
  let scan = 0;
  while (tail < count || head < tail) {
    if (head === tail) {
      while (placed[scan] === 1) scan++;
      const forced = cycleClosingNode(scan, start, list, placed, walkMark, walk++);
      for (let at = start[forced]; at < start[forced + 1]; at++) if (placed[list[at]] === 0) broken.push([forced, list[at]]);
      placed[forced] = 1;
      queue[tail++] = forced;
    }
    const node = queue[head++];
    for (let at = from[node]; at < from[node + 1]; at++) {
      const dependent = dependents[at];
      if (placed[dependent] === 1) continue; // a forced node: its late dependency is a broken edge
      if (depth[dependent] < depth[node] + 1) depth[dependent] = depth[node] + 1;
      if (--pending[dependent] === 0) {
        placed[dependent] = 1;
        queue[tail++] = dependent;
      }
    }
  }
  return { order: byDepth(depth), broken };
}

/**
 * From an unplaced node, follow unplaced dependencies until a node repeats; the last node before the repeat closes
 * a cycle. Every unplaced node has an unplaced dependency (the queue is empty, so all placed nodes were processed).
 */
function cycleClosingNode(first: number, start: Int32Array, list: Int32Array, placed: Uint8Array, walkMark: Int32Array, walk: number): number {
  let node = first;
  for (;;) {
    walkMark[node] = walk;
    let next = -1;
    for (let at = start[node]; at < start[node + 1] && next < 0; at++) if (placed[list[at]] === 0) next = list[at];
    if (next < 0 || walkMark[next] === walk) return node; // next < 0 cannot happen; placing node is still safe
    node = next;
  }
}

/** Counting sort by depth; input order among equal depths. */
function byDepth(depth: Int32Array): number[] {
  let maxDepth = 0;
  for (const d of depth) if (d > maxDepth) maxDepth = d;
  const start = new Int32Array(maxDepth + 2);
  for (const d of depth) start[d + 1]++;
  for (let d = 1; d < start.length; d++) start[d] += start[d - 1];
  const order = new Array<number>(depth.length);
  for (let node = 0; node < depth.length; node++) order[start[depth[node]]++] = node;
  return order;
}
