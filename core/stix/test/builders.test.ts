import { StixValidationError } from '../../errors';
import {
  fileId,
  identityId,
  makeAutonomousSystem,
  makeExternalReference,
  makeFileObservable,
  makeIdentity,
  makeIndicator,
  makeMalware,
  makeObservable,
  makeOrganization,
  makeRelationship,
  makeReport,
  makeVulnerability,
  relationshipId,
  tlpMarkingId,
  validateObject,
} from '..';

const NOW = '2024-03-01T12:00:00.000Z';
const author = makeOrganization('ACME Corp', { now: NOW });
const green = tlpMarkingId('TLP:GREEN');

describe('identity builders', () => {
  it('organization: deterministic id, spec_version, created/modified from the given clock', () => {
    expect(author).toEqual({
      type: 'identity',
      spec_version: '2.1',
      id: 'identity--542072da-8b33-50bf-810b-d9cfd2a0bc69',
      created: NOW,
      modified: NOW,
      name: 'ACME Corp',
      identity_class: 'organization',
    });
  });
  it('individual and system identities', () => {
    expect(makeIdentity({ now: NOW, name: 'Jane Doe', identity_class: 'individual' }).id).toBe(identityId('jane doe', 'individual'));
    expect(makeIdentity({ now: NOW, name: 'SIEM', identity_class: 'system' }).identity_class).toBe('system');
  });
  it('no hidden clock: without now or created it refuses', () => {
    expect(() => makeOrganization('X', {} as { now: string })).toThrow(/give "now" or "created"/);
  });
  it('explicit created/modified win; modified defaults to now, else to created', () => {
    const a = makeOrganization('X', { created: '2020-01-01', now: NOW });
    expect([a.created, a.modified]).toEqual(['2020-01-01T00:00:00.000Z', NOW]);
    const b = makeOrganization('X', { created: new Date('2020-01-01T00:00:00Z') });
    expect(b.modified).toBe('2020-01-01T00:00:00.000Z');
    expect(() => makeOrganization('X', { created: NOW, modified: '2020-01-01' })).toThrow(/before created/);
  });
  it('common options are set under their STIX names; undefined ones are left out', () => {
    const ref = makeExternalReference({ source_name: 'acme', url: 'https://acme.example/' });
    const identity = makeOrganization('Y', {
      now: NOW,
      created_by_ref: author.id,
      object_marking_refs: [green],
      labels: ['vendor'],
      external_references: [ref],
      confidence: 80,
      description: undefined,
      custom: { x_opencti_organization_type: 'vendor', id: 'ignored--x' },
    });
    expect(identity).toMatchObject({ created_by_ref: author.id, object_marking_refs: [green], labels: ['vendor'], confidence: 80 });
    expect(identity.external_references).toEqual([{ source_name: 'acme', url: 'https://acme.example/' }]);
    expect(identity.x_opencti_organization_type).toBe('vendor');
    expect(identity.id).toBe(identityId('Y', 'organization'));
    expect('description' in identity).toBe(false);
  });
  it('refuses a bad confidence or refs of the wrong type', () => {
    expect(() => makeOrganization('X', { now: NOW, confidence: 101 })).toThrow(StixValidationError);
    expect(() => makeOrganization('X', { now: NOW, created_by_ref: green })).toThrow(/must be an identity id/);
    expect(() => makeOrganization('X', { now: NOW, object_marking_refs: [author.id] })).toThrow(/not a marking-definition id/);
  });
});

describe('report', () => {
  it('the protocol worked value, with the published date normalised to the form OpenCTI hashes', () => {
    const report = makeReport({ now: NOW, name: '  APT29 Phishing Campaign ', published: '2024-01-15T00:00:00Z', report_types: ['threat-report'] });
    expect(report.id).toBe('report--02e0058d-69c1-51ae-ac25-4cefd45f4c3f');
    expect(report).toMatchObject({ name: 'APT29 Phishing Campaign', published: '2024-01-15T00:00:00.000Z', report_types: ['threat-report'] });
    expect('object_refs' in report).toBe(false);
  });
  it('the same instant written differently gives the same report', () => {
    const a = makeReport({ now: NOW, name: 'R', published: '2024-01-15T02:00:00+02:00' });
    const b = makeReport({ now: NOW, name: 'R', published: new Date('2024-01-15T00:00:00Z') });
    expect(a.id).toBe(b.id);
  });
  it('a zoneless date-time is read as UTC, whatever the host zone', () => {
    expect(makeReport({ now: NOW, name: 'R', published: '2024-01-15 10:00:00' }).published).toBe('2024-01-15T10:00:00.000Z');
  });
  it('refuses a date it cannot read', () => {
    expect(() => makeReport({ now: NOW, name: 'R', published: 'yesterday' })).toThrow(/not a date/);
  });
});

describe('indicator', () => {
  it('from an observable: pattern, name, valid_from = created, main observable type', () => {
    const indicator = makeIndicator({ now: NOW, observable: { type: 'ipv4-addr', value: '198.51.100.7' } });
    expect(indicator).toMatchObject({
      id: 'indicator--3ae0b0a2-7289-5fda-8a85-02d057ba0968',
      name: '198.51.100.7',
      pattern: "[ipv4-addr:value = '198.51.100.7']",
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: NOW,
      x_opencti_main_observable_type: 'IPv4-Addr',
    });
    expect(validateObject(indicator)).toEqual([]);
  });
  it('from a pattern, with validity and score', () => {
    const indicator = makeIndicator({
      now: NOW,
      pattern: "[domain-name:value = 'x.example']",
      valid_from: '2024-01-01',
      valid_until: '2025-01-01',
      x_opencti_score: 70,
      kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'command-and-control' }],
    });
    expect(indicator).toMatchObject({ valid_from: '2024-01-01T00:00:00.000Z', valid_until: '2025-01-01T00:00:00.000Z', x_opencti_score: 70 });
    expect(() => makeIndicator({ now: NOW, pattern: '[a:b = 1]', valid_from: NOW, valid_until: NOW })).toThrow(/after valid_from/);
  });
});

describe('malware, vulnerability, relationship, external reference', () => {
  it('malware is a family unless told otherwise', () => {
    expect(makeMalware({ now: NOW, name: 'Emotet' })).toMatchObject({ type: 'malware', name: 'Emotet', is_family: true });
    expect(makeMalware({ now: NOW, name: 'sample', is_family: false }).is_family).toBe(false);
  });
  it('vulnerability named by its CVE', () => {
    const vulnerability = makeVulnerability({ now: NOW, name: 'CVE-2024-3400', external_references: [makeExternalReference({ source_name: 'cve', external_id: 'CVE-2024-3400' })] });
    expect(validateObject(vulnerability)).toEqual([]);
  });
  it('relationship: id from type, ends and times', () => {
    const malware = makeMalware({ now: NOW, name: 'Emotet' });
    const relationship = makeRelationship({ now: NOW, relationship_type: 'uses', source_ref: author.id, target_ref: malware.id, start_time: '2024-01-01' });
    expect(relationship.id).toBe(relationshipId('uses', author.id, malware.id, '2024-01-01T00:00:00.000Z'));
    expect(relationship.start_time).toBe('2024-01-01T00:00:00.000Z');
    expect(() => makeRelationship({ now: NOW, relationship_type: 'uses', source_ref: 'nope', target_ref: malware.id })).toThrow(/not a STIX id/);
    expect(() =>
      makeRelationship({ now: NOW, relationship_type: 'uses', source_ref: author.id, target_ref: malware.id, start_time: '2024-02-01', stop_time: '2024-01-01' }),
    ).toThrow(/after start_time/);
  });
  it('external reference needs a url or an external id', () => {
    expect(() => makeExternalReference({ source_name: 'blog' })).toThrow(/url or an external_id/);
    expect(makeExternalReference({ source_name: 'blog', url: 'https://b.example/', description: undefined })).toEqual({ source_name: 'blog', url: 'https://b.example/' });
  });
  it('the same input builds the same object', () => {
    const build = () => makeIndicator({ now: NOW, observable: { type: 'url', value: 'http://x.example/' }, created_by_ref: author.id });
    expect(build()).toEqual(build());
  });
});

describe('observables', () => {
  it('value observables: deterministic id, OpenCTI custom properties for what SCOs lack', () => {
    const ip = makeObservable('ipv4-addr', '198.51.100.7', { created_by_ref: author.id, object_marking_refs: [green], labels: ['c2'], description: 'seen', score: 50 });
    expect(ip).toEqual({
      type: 'ipv4-addr',
      spec_version: '2.1',
      id: 'ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db',
      value: '198.51.100.7',
      object_marking_refs: [green],
      x_opencti_created_by_ref: author.id,
      x_opencti_labels: ['c2'],
      x_opencti_description: 'seen',
      x_opencti_score: 50,
    });
    expect(validateObject(ip)).toEqual([]);
    expect(() => makeObservable('url', '')).toThrow(/empty/);
  });
  it('file: by hashes and/or name', () => {
    const file = makeFileObservable({ hashes: { 'SHA-256': 'e3b0', MD5: 'd41d', 'SHA-1': '' }, name: 'a.exe', size: 3 });
    expect(file).toMatchObject({ id: fileId({ hashes: { MD5: 'd41d' } }), hashes: { 'SHA-256': 'e3b0', MD5: 'd41d' }, name: 'a.exe', size: 3 });
    expect(makeFileObservable({ name: 'b.dll' }).id).toBe(fileId({ name: 'b.dll' }));
    expect(() => makeFileObservable({})).toThrow(/hashes or a name/);
  });
  it('autonomous system', () => {
    expect(makeAutonomousSystem(15169, { name: 'GOOGLE' })).toMatchObject({ id: 'autonomous-system--7afc7bdf-d070-5add-90ff-f93503b1654d', number: 15169, name: 'GOOGLE' });
    expect(() => makeAutonomousSystem(-1)).toThrow(/non-negative/);
  });
});
