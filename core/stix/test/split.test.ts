import {
  OPENCTI_ACCEPTED_TYPES,
  collectRefs,
  isOpenCtiType,
  layeredOrder,
  makeBundle,
  splitBundle,
  splitBundleDetailed,
  tlpMarkingId,
  type StixObject,
} from '..';

/** Short valid-looking ids: `<type>--00000000-0000-4000-8000-<n padded>`. */
const id = (type: string, n: number): string => `${type}--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const obj = (type: string, n: number, extra: Record<string, unknown> = {}): StixObject => ({ type, id: id(type, n), ...extra });
const rel = (n: number, source: string, target: string, extra: Record<string, unknown> = {}): StixObject =>
  obj('relationship', n, { relationship_type: 'uses', source_ref: source, target_ref: target, ...extra });

/** Every kept reference to an object of the output points backwards, except the reported cycle breaks. */
function expectDependenciesFirst(objects: StixObject[], breaks: Array<{ from: string; to: string }> = []): void {
  const position = new Map(objects.map((object, index) => [object.id, index]));
  const allowed = new Set(breaks.map((b) => `${b.from} ${b.to}`));
  objects.forEach((object, index) => {
    for (const { ref } of collectRefs(object)) {
      const at = position.get(ref);
      if (at !== undefined && ref !== object.id && !allowed.has(`${object.id} ${ref}`)) expect(at).toBeLessThan(index);
    }
  });
}

describe('layeredOrder (Kahn + counting sort)', () => {
  it('dependencies first, by depth, input order among equals', () => {
    // 0 <- 2 <- 3, 1 independent, 4 depends on 0
    expect(layeredOrder([[], [], [0], [2], [0]]).order).toEqual([0, 1, 2, 4, 3]);
  });
  it('already ordered input with no dependencies stays as it is', () => {
    expect(layeredOrder([[], [], [], []]).order).toEqual([0, 1, 2, 3]);
  });
  it('breaks a cycle at the node closing it and reports the edge', () => {
    // 0 -> 1 -> 2 -> 1 (cycle 1,2); walking from 0 reaches 1 then 2, whose dependency 1 closes the loop
    const { order, broken } = layeredOrder([[1], [2], [1]]);
    expect(broken).toEqual([[2, 1]]);
    expect(order).toEqual([2, 1, 0]);
  });
  it('handles a long chain without recursion', () => {
    const size = 200_000;
    const deps = Array.from({ length: size }, (_, i) => (i === 0 ? [] : [i - 1])).reverse().map((list) => list.map((d) => size - 1 - d));
    const { order, broken } = layeredOrder(deps);
    expect(broken).toEqual([]);
    expect(order[0]).toBe(size - 1);
    expect(order[size - 1]).toBe(0);
  });
});

describe('splitBundle', () => {
  const identity = obj('identity', 1, { name: 'a' });
  const malware = obj('malware', 2, { created_by_ref: identity.id });
  const indicator = obj('indicator', 3, { created_by_ref: identity.id });
  const indicates = rel(4, indicator.id, malware.id);
  const report = obj('report', 5, { object_refs: [indicates.id, malware.id, indicator.id] });

  it('puts every object after what it references, ties in input order', () => {
    const objects = splitBundle([report, indicates, malware, indicator, identity]);
    expect(objects.map((o) => o.type)).toEqual(['identity', 'malware', 'indicator', 'relationship', 'report']);
    expectDependenciesFirst(objects);
  });

  it('accepts a bundle and leaves its input untouched', () => {
    const bundle = makeBundle([report, indicates, malware, indicator, identity]);
    const before = JSON.stringify(bundle);
    splitBundle(bundle);
    expect(JSON.stringify(bundle)).toBe(before);
  });

  it('drops types OpenCTI does not import and the refs to them, keeping everything else', () => {
    const tactic = obj('x-mitre-tactic', 6);
    const extension = obj('extension-definition', 7);
    const pattern = obj('attack-pattern', 8, { x_mitre_tactic_refs: [tactic.id], created_by_ref: identity.id, object_marking_refs: [tlpMarkingId('TLP:GREEN')] });
    const result = splitBundleDetailed([tactic, extension, pattern, identity]);
    expect(result.dropped.map((d) => [d.id, d.reason])).toEqual([
      [tactic.id, 'unsupported-type'],
      [extension.id, 'unsupported-type'],
    ]);
    expect(result.objects).toEqual([identity, { ...pattern, x_mitre_tactic_refs: undefined }].map(stripUndefined));
  });

  it('drops a relationship whose end is dropped or of an unimportable type, and what stands on it, transitively', () => {
    const tactic = obj('x-mitre-tactic', 6);
    const onTactic = rel(10, malware.id, tactic.id);
    const onRelationship = rel(11, onTactic.id, malware.id);
    const toAbsentMatrix = rel(12, malware.id, id('x-mitre-matrix', 99));
    const toAbsentMalware = rel(13, indicator.id, id('malware', 98));
    const container = obj('report', 14, { object_refs: [onTactic.id, malware.id] });
    const result = splitBundleDetailed([tactic, onTactic, onRelationship, toAbsentMatrix, toAbsentMalware, malware, indicator, identity, container]);
    expect(result.dropped.map((d) => [d.id, d.reason])).toEqual([
      [tactic.id, 'unsupported-type'],
      [toAbsentMatrix.id, 'missing-endpoint'],
      [onTactic.id, 'missing-endpoint'],
      [onRelationship.id, 'missing-endpoint'],
    ]);
    expect(result.objects.map((o) => o.id)).toEqual([identity.id, malware.id, indicator.id, toAbsentMalware.id, container.id]);
    expect(result.objects.find((o) => o.id === container.id)?.object_refs).toEqual([malware.id]);
  });

  it('drops a relationship without ends and a sighting left without where_sighted_refs', () => {
    const broken = obj('relationship', 20, { relationship_type: 'uses', source_ref: malware.id });
    const location = obj('x-custom-place', 21);
    const sighting = obj('sighting', 22, { sighting_of_ref: indicator.id, where_sighted_refs: [location.id] });
    const result = splitBundleDetailed([broken, location, sighting, indicator, malware, identity]);
    expect(result.dropped.map((d) => d.reason)).toEqual(['unsupported-type', 'missing-endpoint', 'missing-endpoint']);
    expect(result.objects.map((o) => o.type)).toEqual(['identity', 'indicator', 'malware']);
  });

  it('removes refs inside granular markings and extensions, keeps refs to ids outside the bundle', () => {
    const custom = obj('x-mitre-collection', 30);
    const file = obj('file', 31, {
      name: 'a.zip',
      granular_markings: [{ marking_ref: custom.id, selectors: ['name'] }],
      extensions: { 'archive-ext': { contains_refs: [custom.id, id('file', 97)] } },
      created_by_ref: id('identity', 96),
    });
    const [kept] = splitBundle([custom, file]);
    expect(kept).toEqual({ type: 'file', id: file.id, name: 'a.zip', extensions: { 'archive-ext': { contains_refs: [id('file', 97)] } }, created_by_ref: id('identity', 96) });
  });

  it('one object per id: the latest modified version wins', () => {
    const older = obj('malware', 40, { modified: '2024-01-01T00:00:00Z', name: 'old' });
    const newer = obj('malware', 40, { modified: '2024-06-01T00:00:00Z', name: 'new' });
    const result = splitBundleDetailed([newer, identity, older]);
    expect(result.objects.map((o) => o.name)).toEqual(['new', 'a']);
    expect(result.dropped.map((d) => d.reason)).toEqual(['superseded']);
  });

  it('resolves refs made through OpenCTI internal ids (x_opencti_id)', () => {
    const target = obj('malware', 50, { x_opencti_id: 'b1c2' });
    const viaInternal = obj('report', 53, { object_refs: ['b1c2'] });
    expect(splitBundle([viaInternal, target]).map((o) => o.id)).toEqual([target.id, viaInternal.id]);
  });

  it('orders the identity <-> marking cycle marking first and reports the broken edge', () => {
    const marking = obj('marking-definition', 60, { created_by_ref: id('identity', 61) });
    const mitre = obj('identity', 61, { object_marking_refs: [marking.id] });
    const technique = obj('attack-pattern', 62, { created_by_ref: mitre.id, object_marking_refs: [marking.id] });
    const result = splitBundleDetailed([technique, mitre, marking]);
    expect(result.objects.map((o) => o.type)).toEqual(['marking-definition', 'identity', 'attack-pattern']);
    expect(result.cycleBreaks).toEqual([{ from: marking.id, to: mitre.id }]);
    expectDependenciesFirst(result.objects, result.cycleBreaks);
    // refs are kept: ordering a cycle must not lose data
    expect(result.objects[0].created_by_ref).toBe(mitre.id);
  });

  it('merges duplicate external references and drops those OpenCTI cannot identify', () => {
    const withRefs = obj('malware', 70, {
      external_references: [{ source_name: 'a', url: 'https://x.example/' }, { source_name: 'b', url: 'https://x.example/' }, { source_name: 'paper' }],
      kill_chain_phases: [
        { kill_chain_name: 'k', phase_name: 'p' },
        { kill_chain_name: 'k', phase_name: 'p' },
      ],
    });
    const result = splitBundleDetailed([withRefs]);
    expect(result.objects[0].external_references).toEqual([{ source_name: 'a', url: 'https://x.example/' }]);
    expect(result.objects[0].kill_chain_phases).toEqual([{ kill_chain_name: 'k', phase_name: 'p' }]);
    expect(result.notes).toHaveLength(3);
  });

  it('drops malformed entries instead of failing', () => {
    const result = splitBundleDetailed([{ type: 'malware' } as StixObject, malware]);
    expect(result.dropped[0].reason).toBe('malformed');
    expect(result.objects).toEqual([malware]);
  });
});

describe('accepted types and bundles', () => {
  it('OpenCTI imports its own and MITRE data source/component types, not the other MITRE ones', () => {
    for (const type of ['report', 'x-mitre-data-source', 'x-mitre-data-component', 'x-opencti-task', 'hostname', 'sighting', 'marking-definition']) {
      expect(isOpenCtiType(type)).toBe(true);
    }
    for (const type of ['x-mitre-tactic', 'x-mitre-matrix', 'x-mitre-collection', 'x-mitre-analytic', 'extension-definition', 'language-content']) {
      expect(isOpenCtiType(type)).toBe(false);
    }
    expect(OPENCTI_ACCEPTED_TYPES).toEqual([...OPENCTI_ACCEPTED_TYPES].sort());
  });
  it('makeBundle writes spec_version 2.1 as OpenCTI does, with a fresh random id unless one is given', () => {
    const bundle = makeBundle([]);
    expect(bundle).toEqual({ type: 'bundle', id: expect.stringMatching(/^bundle--[0-9a-f-]{36}$/), spec_version: '2.1', objects: [] });
    expect(makeBundle([]).id).not.toBe(bundle.id);
    expect(makeBundle([], { id: 'bundle--fixed' }).id).toBe('bundle--fixed');
  });
});

function stripUndefined(object: StixObject): StixObject {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as StixObject;
}
