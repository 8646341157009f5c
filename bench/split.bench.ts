/**
 * splitBundle against a baseline measured in the same run: ordering by a memoised recursive count of dependencies,
 * then a comparison sort on that count (the approach of the reference SDK). The baseline only orders; splitBundle
 * also deduplicates, drops and rewrites refs, so the ratio understates the ordering gain.
 * Run: `npm run build && node dist/bench/split.bench.js`. One line per case: medians over alternating rounds, and
 * ratio = baseline / splitBundle (above 1: splitBundle is faster).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { collectRefs, splitBundle, type StixBundle, type StixObject } from '../core/stix';

function baselineOrder(objects: StixObject[]): StixObject[] {
  const byId = new Map(objects.map((object) => [object.id, object]));
  const counts = new Map<string, number>();
  const count = (object: StixObject, trail: Set<string>): number => {
    const known = counts.get(object.id);
    if (known !== undefined) return known;
    let total = 1;
    for (const { ref } of collectRefs(object)) {
      const target = byId.get(ref);
      if (target === undefined || trail.has(ref) || ref === object.id) continue;
      trail.add(ref);
      total += count(target, trail);
      trail.delete(ref);
    }
    counts.set(object.id, total);
    return total;
  };
  for (const object of objects) count(object, new Set([object.id]));
  return [...objects].sort((a, b) => (counts.get(a.id) ?? 0) - (counts.get(b.id) ?? 0));
}

/** n indicators, each indicating one of n/10 malware, all in one report: a connector's typical batch. */
function syntheticBundle(size: number): StixObject[] {
  const id = (type: string, n: number): string => `${type}--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const author = { type: 'identity', id: id('identity', 0), name: 'bench', identity_class: 'organization' };
  const objects: StixObject[] = [];
  const malwareCount = Math.max(1, Math.floor(size / 10));
  for (let n = 0; n < malwareCount; n++) objects.push({ type: 'malware', id: id('malware', n), created_by_ref: author.id });
  for (let n = 0; n < size; n++) {
    objects.push({ type: 'indicator', id: id('indicator', n), created_by_ref: author.id });
    objects.push({ type: 'relationship', id: id('relationship', n), source_ref: id('indicator', n), target_ref: id('malware', n % malwareCount), relationship_type: 'indicates' });
  }
  objects.push({ type: 'report', id: id('report', 0), object_refs: objects.map((object) => object.id) });
  objects.push(author);
  return objects.reverse(); // dependents first: the worst input order
}

/** Median milliseconds of each candidate over alternating rounds, so both see the same heap and JIT state. */
function medianMs(candidates: Array<() => unknown>, rounds: number): number[] {
  const samples = candidates.map(() => [] as number[]);
  candidates.forEach((candidate) => candidate()); // warm-up
  for (let round = 0; round < rounds; round++) {
    candidates.forEach((candidate, index) => {
      const start = process.hrtime.bigint();
      candidate();
      samples[index].push(Number(process.hrtime.bigint() - start) / 1e6);
    });
  }
  return samples.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]);
}

function report(name: string, objects: StixObject[]): void {
  const rounds = objects.length > 50_000 ? 5 : 15;
  const [baseline, ours] = medianMs([() => baselineOrder(objects), () => splitBundle(objects)], rounds);
  const line = `${name.padEnd(20)} objects=${String(objects.length).padStart(7)}  baseline=${baseline.toFixed(1)}ms  splitBundle=${ours.toFixed(1)}ms`;
  console.log(`${line}  ratio=${(baseline / ours).toFixed(2)}x`);
}

export function run(): void {
  for (const size of [1_000, 10_000, 100_000]) report(`synthetic ${size}`, syntheticBundle(size));
  const sample = resolve(__dirname, '../../../shared/samples/stix/ics-attack-18.1.json');
  const sampleFromSource = resolve(__dirname, '../../shared/samples/stix/ics-attack-18.1.json');
  const path = [sample, sampleFromSource].find((candidate) => existsSync(candidate));
  if (path === undefined) console.log('ics-attack sample absent: skipped');
  else report('ics-attack-18.1', (JSON.parse(readFileSync(path, 'utf8')) as StixBundle).objects);
}

if (require.main === module) run();
