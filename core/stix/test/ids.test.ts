import { StixValidationError } from '../../errors';
import {
  OPENCTI_NAMESPACE,
  attackPatternId,
  autonomousSystemId,
  campaignId,
  courseOfActionId,
  deterministicId,
  domainNameId,
  emailAddrId,
  externalReferenceId,
  fileId,
  identityId,
  indicatorId,
  infrastructureId,
  intrusionSetId,
  ipv4AddrId,
  ipv6AddrId,
  killChainPhaseId,
  malwareId,
  markingDefinitionId,
  observableId,
  preferredHash,
  relationshipId,
  reportId,
  sightingId,
  threatActorId,
  toolId,
  urlId,
  vulnerabilityId,
} from '..';
import { NAMESPACE, uuid5ByHand } from './uuid5-by-hand';

/** `<type>--` + UUIDv5 of canonical JSON written out by hand. */
const byHand = (type: string, canonicalJson: string): string => `${type}--${uuid5ByHand(canonicalJson, NAMESPACE)}`;

describe('deterministic ids: the protocol worked values (oracle)', () => {
  it('report: name lower-cased and trimmed, published as sent', () => {
    expect(reportId('  APT29 Phishing Campaign ', '2024-01-15T00:00:00.000Z')).toBe('report--02e0058d-69c1-51ae-ac25-4cefd45f4c3f');
  });
  it('identity: name and identity_class', () => {
    expect(identityId('ACME Corp', 'organization')).toBe('identity--542072da-8b33-50bf-810b-d9cfd2a0bc69');
  });
  it('indicator: pattern', () => {
    expect(indicatorId("[ipv4-addr:value = '198.51.100.7']")).toBe('indicator--3ae0b0a2-7289-5fda-8a85-02d057ba0968');
  });
  it('the hand-made UUIDv5 agrees with the oracle, so it can check the rest', () => {
    expect(byHand('report', '{"name":"apt29 phishing campaign","published":"2024-01-15T00:00:00.000Z"}')).toBe(
      'report--02e0058d-69c1-51ae-ac25-4cefd45f4c3f',
    );
    expect(OPENCTI_NAMESPACE).toBe(NAMESPACE);
  });
});

describe('deterministic ids: domain objects', () => {
  it('a Date published is hashed as its ISO string', () => {
    expect(reportId('APT29 Phishing Campaign', new Date('2024-01-15T00:00:00Z'))).toBe('report--02e0058d-69c1-51ae-ac25-4cefd45f4c3f');
  });
  it('names are compared case- and padding-insensitively', () => {
    expect(malwareId('  EMOTET ')).toBe(malwareId('emotet'));
    expect(identityId('acme corp ', 'ORGANIZATION')).toBe(identityId('ACME Corp', 'organization'));
    expect(indicatorId("  [ipv4-addr:value = '198.51.100.7'] ")).toBe('indicator--3ae0b0a2-7289-5fda-8a85-02d057ba0968');
  });
  it.each([
    ['malware', malwareId],
    ['vulnerability', vulnerabilityId],
    ['intrusion-set', intrusionSetId],
    ['tool', toolId],
    ['campaign', campaignId],
    ['infrastructure', infrastructureId],
  ])('%s is identified by its name alone', (type, idOf) => {
    expect(idOf('Some Name')).toBe(byHand(type, '{"name":"some name"}'));
  });
  it('threat actors carry their OpenCTI type, group by default', () => {
    expect(threatActorId('APT1')).toBe(byHand('threat-actor', '{"name":"apt1","opencti_type":"Threat-Actor-Group"}'));
    expect(threatActorId('Jane', 'Threat-Actor-Individual')).toBe(byHand('threat-actor', '{"name":"jane","opencti_type":"Threat-Actor-Individual"}'));
  });
  it('attack patterns and courses of action prefer the MITRE id over the name', () => {
    expect(attackPatternId('Spearphishing', 'T1566')).toBe(byHand('attack-pattern', '{"x_mitre_id":"T1566"}'));
    expect(attackPatternId('Spearphishing')).toBe(byHand('attack-pattern', '{"name":"spearphishing"}'));
    expect(attackPatternId('Spearphishing', '  ')).toBe(attackPatternId('Spearphishing'));
    expect(courseOfActionId('Patch', 'M0951')).toBe(byHand('course-of-action', '{"x_mitre_id":"M0951"}'));
  });
  it('an empty name cannot make an id', () => {
    expect(() => malwareId('  ')).toThrow(StixValidationError);
    expect(() => deterministicId('malware', {})).toThrow(/no property contributes/);
  });
});

describe('deterministic ids: relationships and embedded objects', () => {
  it('relationship: type, source and target', () => {
    expect(relationshipId('uses', 'intrusion-set--a', 'malware--b')).toBe(
      byHand('relationship', '{"relationship_type":"uses","source_ref":"intrusion-set--a","target_ref":"malware--b"}'),
    );
  });
  it('relationship: start and stop times contribute when set', () => {
    const start = '2024-01-01T00:00:00.000Z';
    const stop = '2024-02-01T00:00:00.000Z';
    const base = '"relationship_type":"uses","source_ref":"a--1","start_time":"2024-01-01T00:00:00.000Z"';
    expect(relationshipId('uses', 'a--1', 'b--2', start)).toBe(byHand('relationship', `{${base},"target_ref":"b--2"}`));
    expect(relationshipId('uses', 'a--1', 'b--2', new Date(start), stop)).toBe(
      byHand('relationship', `{${base},"stop_time":"2024-02-01T00:00:00.000Z","target_ref":"b--2"}`),
    );
  });
  it('sighting: typed, with its refs', () => {
    expect(sightingId('indicator--1', ['identity--2'])).toBe(
      byHand('sighting', '{"sighting_of_ref":"indicator--1","type":"sighting","where_sighted_refs":["identity--2"]}'),
    );
  });
  it('external reference: by url, else by source and external id, else none', () => {
    expect(externalReferenceId({ source_name: 'x', url: 'https://a.example/' })).toBe(byHand('external-reference', '{"url":"https://a.example/"}'));
    expect(externalReferenceId({ source_name: 'cve', external_id: 'CVE-2024-1' })).toBe(
      byHand('external-reference', '{"external_id":"CVE-2024-1","source_name":"cve"}'),
    );
    expect(externalReferenceId({ source_name: 'only a name' })).toBeUndefined();
  });
  it('kill chain phase and markings', () => {
    expect(killChainPhaseId('mitre-attack', 'execution')).toBe(
      byHand('kill-chain-phase', '{"kill_chain_name":"mitre-attack","phase_name":"execution"}'),
    );
    expect(markingDefinitionId('TLP', 'TLP:WHITE')).toBe('marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9');
    expect(markingDefinitionId('pap', 'pap:green')).toBe(byHand('marking-definition', '{"definition":"PAP:GREEN","definition_type":"PAP"}'));
  });
});

describe('deterministic ids: observables', () => {
  it.each([
    ['url', urlId, 'http://example.com/a?b=c', 'url--735a543e-0969-50f4-9947-3ad210d312fc'],
    ['ipv4-addr', ipv4AddrId, '198.51.100.7', 'ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db'],
    ['ipv6-addr', ipv6AddrId, '2001:db8::1', 'ipv6-addr--6469e3a9-b053-5e34-a025-9396ae051d26'],
    ['domain-name', domainNameId, 'example.com', 'domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7'],
    ['email-addr', emailAddrId, 'alice@example.com', 'email-addr--424d0dfc-efba-5d7e-822e-2168ba492551'],
  ])('%s is identified by its value', (type, idOf, value, expected) => {
    expect(idOf(value)).toBe(expected);
    expect(expected).toBe(byHand(type, `{"value":${JSON.stringify(value)}}`));
  });
  it('values are hashed unchanged (no lower-casing for observables)', () => {
    expect(domainNameId('Example.COM')).not.toBe(domainNameId('example.com'));
  });
  it('autonomous system: its number, as a JSON number', () => {
    expect(autonomousSystemId(15169)).toBe('autonomous-system--7afc7bdf-d070-5add-90ff-f93503b1654d');
    expect(autonomousSystemId(15169)).toBe(byHand('autonomous-system', '{"number":15169}'));
  });
  it('file: only the preferred hash counts (MD5 first, algorithm names upper-cased), the name is ignored', () => {
    const id = fileId({ hashes: { 'SHA-256': 'aa', md5: 'd41d8cd98f00b204e9800998ecf8427e' }, name: 'x.exe' });
    expect(id).toBe('file--02fff920-f614-527c-81d1-6353633a6d21');
    expect(id).toBe(byHand('file', '{"hashes":{"MD5":"d41d8cd98f00b204e9800998ecf8427e"}}'));
    expect(fileId({ hashes: { 'sha-256': 'aa', 'SHA-1': 'bb' } })).toBe(byHand('file', '{"hashes":{"SHA-1":"bb"}}'));
  });
  it('file: the name when no known hash is there', () => {
    expect(fileId({ name: 'x.exe' })).toBe('file--94b393a8-be9b-5a4c-9b2e-902c8605a1f6');
    expect(fileId({ hashes: { TLSH: 'T1abc' }, name: 'x.exe' })).toBe(byHand('file', '{"name":"x.exe"}'));
    expect(() => fileId({})).toThrow(StixValidationError);
  });
  it('preferred hash order', () => {
    expect(preferredHash({ SSDEEP: 's', 'SHA3-256': 'k' })).toEqual({ 'SHA3-256': 'k' });
    expect(preferredHash({ 'SHA-512': 'x', 'SHA-256': '' })).toEqual({ 'SHA-512': 'x' });
    expect(preferredHash({})).toBeUndefined();
  });
  it('multi-property observables keep only the properties given', () => {
    expect(observableId('software', { name: 'Word', vendor: 'Microsoft', version: '' })).toBe(
      byHand('software', '{"name":"Word","vendor":"Microsoft"}'),
    );
    expect(() => observableId('process', { pid: 4 })).toThrow(/no deterministic id/);
  });
});
