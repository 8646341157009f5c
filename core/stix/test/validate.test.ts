import { StixValidationError } from '../../errors';
import { assertValid, inspectObject, tlpMarking, tlpMarkingId, validateBundle, validateObject, type StixObject } from '..';

const T = '2024-01-01T00:00:00.000Z';
const IDENTITY = 'identity--542072da-8b33-50bf-810b-d9cfd2a0bc69';
const MALWARE = 'malware--36297121-bf18-56e1-b200-d39c9f9f5cee';
const INDICATOR = 'indicator--3ae0b0a2-7289-5fda-8a85-02d057ba0968';
const REPORT = 'report--02e0058d-69c1-51ae-ac25-4cefd45f4c3f';
const REL = 'relationship--5127ca10-66c0-5f7d-98c5-b3429b2272f1';

const identity: StixObject = { type: 'identity', spec_version: '2.1', id: IDENTITY, created: T, modified: T, name: 'ACME Corp', identity_class: 'organization' };
const malware: StixObject = { type: 'malware', spec_version: '2.1', id: MALWARE, created: T, modified: T, name: 'Emotet', is_family: true };
const indicator: StixObject = {
  type: 'indicator',
  spec_version: '2.1',
  id: INDICATOR,
  created: T,
  modified: T,
  pattern: "[ipv4-addr:value = '198.51.100.7']",
  pattern_type: 'stix',
  valid_from: T,
  created_by_ref: IDENTITY,
};
const relationship: StixObject = {
  type: 'relationship',
  spec_version: '2.1',
  id: REL,
  created: T,
  modified: T,
  relationship_type: 'indicates',
  source_ref: INDICATOR,
  target_ref: MALWARE,
};

describe('validateObject', () => {
  it('accepts well-formed objects', () => {
    for (const object of [identity, malware, indicator, relationship, tlpMarking('TLP:AMBER')]) expect(validateObject(object)).toEqual([]);
    expect(validateObject({ type: 'ipv4-addr', id: 'ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db', value: '1.2.3.4' })).toEqual([]);
  });
  it('names the missing required property, prefixed by the id', () => {
    const { pattern: _pattern, ...withoutPattern } = indicator;
    expect(validateObject(withoutPattern)).toEqual([`${INDICATOR}: missing required property "pattern"`]);
    const { modified: _modified, ...withoutModified } = malware;
    expect(validateObject(withoutModified)).toEqual([`${MALWARE}: missing required property "modified"`]);
  });
  it('id format and type agreement', () => {
    expect(validateObject({ ...malware, id: 'foo' })).toContain('bad id format "foo"');
    expect(validateObject({ ...malware, id: 'tool--36297121-bf18-56e1-b200-d39c9f9f5cee' })).toContain(
      'tool--36297121-bf18-56e1-b200-d39c9f9f5cee: id type "tool" does not match type "malware"',
    );
    expect(validateObject({ type: 'malware', name: 'x' })[0]).toBe('malware (no id): missing required property "id"');
    expect(validateObject({ id: MALWARE })).toEqual([`${MALWARE}: missing required property "type"`]);
    expect(validateObject('a string')[0]).toMatch(/not a JSON object/);
  });
  it('per-type requirements, including one-of groups', () => {
    expect(validateObject({ ...malware, is_family: undefined })).toEqual([`${MALWARE}: missing required property "is_family"`]);
    expect(validateObject({ ...malware, name: undefined })).toEqual([`${MALWARE}: missing required property "name" (required when is_family is true)`]);
    expect(validateObject({ type: 'file', id: 'file--94b393a8-be9b-5a4c-9b2e-902c8605a1f6' })[0]).toMatch(/needs one of "hashes", "name"/);
    expect(validateObject({ ...relationship, target_ref: undefined })).toEqual([`${REL}: missing required property "target_ref"`]);
  });
  it('timestamps, their order, confidence, spec_version', () => {
    expect(validateObject({ ...malware, created: '2024-01-01' })[0]).toMatch(/created "2024-01-01" is not a STIX timestamp/);
    expect(validateObject({ ...malware, modified: '2023-01-01T00:00:00Z' })[0]).toMatch(/modified .* must be at or after created/);
    expect(validateObject({ ...indicator, valid_until: T })[0]).toMatch(/valid_until .* must be after valid_from/);
    expect(validateObject({ ...malware, confidence: 150 })[0]).toMatch(/confidence must be an integer from 0 to 100/);
    expect(validateObject({ ...malware, spec_version: '2.0' })[0]).toMatch(/spec_version is "2.0"/);
  });
  it('reference forms and targets', () => {
    expect(validateObject({ ...malware, created_by_ref: MALWARE })).toEqual([`${MALWARE}: created_by_ref points to ${MALWARE}, expected identity`]);
    expect(validateObject({ ...malware, object_marking_refs: ['TLP:RED'] })).toEqual([`${MALWARE}: object_marking_refs holds "TLP:RED", not a STIX id`]);
    expect(validateObject({ ...relationship, source_ref: 42 })).toContain(`${REL}: source_ref must be a STIX id string`);
  });
  it('a malformed STIX pattern (broken quoting) is an error', () => {
    expect(validateObject({ ...indicator, pattern: "[url:value = 'it's']" })[0]).toMatch(/not a well-formed STIX pattern/);
    expect(validateObject({ ...indicator, pattern: 'alert tcp any any', pattern_type: 'snort' })).toEqual([]);
  });
  it('external references need a source name; without url or external id they only warn', () => {
    expect(validateObject({ ...malware, external_references: [{ url: 'https://x.example/' }] })).toEqual([
      `${MALWARE}: external_references[0]: missing required property "source_name"`,
    ]);
    expect(inspectObject({ ...malware, external_references: [{ source_name: 'a paper' }] }).warnings[0]).toMatch(/neither url nor external_id/);
  });
  it('what OpenCTI accepts but STIX does not, and types OpenCTI drops, are warnings', () => {
    const report = { type: 'report', spec_version: '2.1', id: REPORT, created: T, modified: T, name: 'R', published: T };
    expect(inspectObject(report)).toEqual({ errors: [], warnings: [`${REPORT}: no "object_refs": OpenCTI imports a report without contents, but STIX requires object_refs`] });
    const tactic = { type: 'x-mitre-tactic', id: 'x-mitre-tactic--69da72d2-f550-41c5-ab9e-e8255707f28a' };
    expect(inspectObject(tactic)).toEqual({ errors: [], warnings: [`${tactic.id}: type "x-mitre-tactic" is not imported by OpenCTI (dropped when split)`] });
  });
});

describe('validateBundle', () => {
  it('dangling references are warnings, listed apart from errors', () => {
    const result = validateBundle([relationship, malware]);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([`${REL}: source_ref points to ${INDICATOR} not in the bundle`]);
  });
  it('the fixed TLP markings exist on every platform: no warning for them', () => {
    const marked = { ...malware, object_marking_refs: [tlpMarkingId('TLP:GREEN')] };
    expect(validateBundle([marked]).warnings).toEqual([]);
  });
  it('collects every object error, checks the bundle envelope, warns on repeated ids', () => {
    const result = validateBundle({ type: 'bundle', id: 'bundle--nope', objects: [{ ...indicator, pattern: undefined }, identity, identity] });
    expect(result.errors).toEqual(['bundle: bad id format "bundle--nope"', `${INDICATOR}: missing required property "pattern"`]);
    expect(result.warnings).toEqual([`${IDENTITY}: appears more than once in the bundle (the latest modified wins when split)`]);
  });
  it('a bundle without spec_version is fine (STIX 2.1 bundles have none)', () => {
    expect(validateBundle({ type: 'bundle', id: 'bundle--6d3a1e38-7c3b-4f2e-9d6a-2b1f0c8e4a11', objects: [identity] })).toEqual({ errors: [], warnings: [] });
  });
});

describe('assertValid', () => {
  it('throws StixValidationError with every error, for an object, a list or a bundle', () => {
    expect(() => assertValid(identity)).not.toThrow();
    expect(() => assertValid([identity, { ...malware, name: '' }])).toThrow(StixValidationError);
    try {
      assertValid({ type: 'bundle', id: 'bundle--x', objects: [] });
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(StixValidationError);
      expect((error as StixValidationError).issues).toEqual(['bundle: bad id format "bundle--x"']);
      expect((error as StixValidationError).code).toBe('OCTI_ERR_STIX_INVALID');
    }
  });
  it('warnings alone do not throw', () => {
    expect(() => assertValid([relationship])).not.toThrow();
  });
});
