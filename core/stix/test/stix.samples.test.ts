/**
 * Real STIX bundles from ../shared/samples/stix (beside the repository, never copied into it): each one is split and
 * validated, and the order invariant is checked. Without that folder the suite says so and passes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collectRefs, isOpenCtiType, splitBundleDetailed, validateBundle, type StixBundle, type StixObject } from '..';
import { samplesPresent } from '../../testing/samples';

const SAMPLES = resolve(__dirname, '../../../../shared/samples/stix');

function load(file: string): StixBundle {
  return JSON.parse(readFileSync(join(SAMPLES, file), 'utf8')) as StixBundle;
}

function checkOrder(objects: StixObject[], breaks: Array<{ from: string; to: string }>): void {
  const position = new Map(objects.map((object, index) => [object.id, index]));
  const allowed = new Set(breaks.map((b) => `${b.from} ${b.to}`));
  const late: string[] = [];
  objects.forEach((object, index) => {
    for (const { path, ref } of collectRefs(object)) {
      const at = position.get(ref);
      if (at !== undefined && at >= index && ref !== object.id && !allowed.has(`${object.id} ${ref}`)) late.push(`${object.id} ${path} -> ${ref}`);
    }
  });
  expect(late).toEqual([]);
}

if (samplesPresent('STIX samples', SAMPLES)) {
  const files = readdirSync(SAMPLES).filter((file) => file.endsWith('.json')).sort();

  describe.each(files)('STIX sample %s', (file) => {
    const bundle = load(file);
    const before = JSON.stringify(bundle);
    const result = splitBundleDetailed(bundle);
    const sent = new Set(result.objects.map((object) => object.id));
    const droppedIds = new Set(result.dropped.map((d) => d.id));

    it('validates without errors as published', () => {
      expect(validateBundle(bundle).errors).toEqual([]);
    });
    it('splits into objects that each come after what they reference', () => {
      checkOrder(result.objects, result.cycleBreaks);
      expect(result.objects.length + result.dropped.length).toBe(bundle.objects.length);
    });
    it('keeps only importable types and no ref to a dropped object', () => {
      expect(result.objects.filter((object) => !isOpenCtiType(object.type))).toEqual([]);
      const stale = result.objects.flatMap((object) => collectRefs(object).filter(({ ref }) => droppedIds.has(ref) && !sent.has(ref)));
      expect(stale).toEqual([]);
    });
    it('sends what validates, with no dangling ref created by dropping', () => {
      const { errors, warnings } = validateBundle(result.objects);
      expect(errors).toEqual([]);
      expect(warnings.filter((w) => w.includes('not in the bundle') && [...droppedIds].some((d) => w.includes(d)))).toEqual([]);
    });
    it('leaves the input untouched', () => {
      expect(JSON.stringify(bundle)).toBe(before);
    });
  });

  describe('what the samples teach', () => {
    it('ics-attack: MITRE-only types dropped, data sources kept, relationships to dropped objects dropped, one cycle', () => {
      if (!files.includes('ics-attack-18.1.json')) return;
      const result = splitBundleDetailed(load('ics-attack-18.1.json'));
      const droppedTypes = new Set(result.dropped.filter((d) => d.reason === 'unsupported-type').map((d) => d.type));
      expect([...droppedTypes].sort()).toEqual(['x-mitre-analytic', 'x-mitre-asset', 'x-mitre-collection', 'x-mitre-detection-strategy', 'x-mitre-matrix', 'x-mitre-tactic']);
      expect(result.objects.some((object) => object.type === 'x-mitre-data-source')).toBe(true);
      expect(result.dropped.filter((d) => d.reason === 'missing-endpoint').every((d) => d.type === 'relationship')).toBe(true);
      // MITRE's identity is marked by a marking that MITRE's identity created: the marking goes first
      expect(result.cycleBreaks).toHaveLength(1);
      const types = new Map(result.objects.map((object) => [object.id, object.type]));
      expect(types.get(result.cycleBreaks[0].from)).toBe('marking-definition');
    });
    it('apt1: a bundle without spec_version splits whole', () => {
      if (!files.includes('apt1.json')) return;
      const bundle = load('apt1.json');
      expect(bundle.spec_version).toBeUndefined();
      const result = splitBundleDetailed(bundle);
      expect(result.dropped).toEqual([]);
      expect(result.objects[result.objects.length - 1].type).toBe('report');
    });
  });
}
