import { ConfigError, stix } from '../../../core';
import { parseContentRange } from '../client';
import { taxiiHttpOptions, type TaxiiConfig } from '../config';
import { convertPage, enrichmentOf } from '../convert';
import { startingState } from '../pages';
import { readCollection, readCollections, readDiscovery } from '../resources';
import { isStix20, liftToStix21 } from '../stix20';
import { isLater, readTaxiiTimestamp } from '../timestamps';
import { indicators21, objects20, taxiiConfig } from './fixtures';

const base: TaxiiConfig = taxiiConfig('https://taxii.example/api1/', 'c1');

describe('TAXII timestamps', () => {
  it('keeps a UTC RFC 3339 value as sent, microseconds included', () => {
    expect(readTaxiiTimestamp('2024-03-01T00:00:00.123456Z')).toBe('2024-03-01T00:00:00.123456Z');
  });
  it("reads MITRE's JavaScript date text and offsets into UTC", () => {
    expect(readTaxiiTimestamp('Wed May 31 2017 21:30:18 GMT+0000 (Coordinated Universal Time)')).toBe('2017-05-31T21:30:18.000Z');
    expect(readTaxiiTimestamp('2024-03-01T02:00:00.5+02:00')).toBe('2024-03-01T00:00:00.500Z');
  });
  it('gives null for an absent or unreadable header', () => {
    expect(readTaxiiTimestamp(undefined)).toBeNull();
    expect(readTaxiiTimestamp(' ')).toBeNull();
    expect(readTaxiiTimestamp('yesterday')).toBeNull();
  });
  it('orders timestamps to the microsecond', () => {
    expect(isLater('2024-03-01T00:00:00.000002Z', '2024-03-01T00:00:00.000001Z')).toBe(true);
    expect(isLater('2024-03-01T00:00:00.000001Z', '2024-03-01T00:00:00.000001Z')).toBe(false);
    expect(isLater('2024-03-01T00:00:01Z', '2024-03-01T00:00:00.999999Z')).toBe(true);
  });
});

describe('Content-Range of TAXII 2.0 answers', () => {
  it('reads the RFC 7233 form and the variants servers send', () => {
    expect(parseContentRange('items 0-99/1000')).toEqual({ first: 0, last: 99, total: 1000 });
    expect(parseContentRange('items=100-199/1000')).toEqual({ first: 100, last: 199, total: 1000 });
    expect(parseContentRange('items 200-249')).toEqual({ first: 200, last: 249, total: null });
    expect(parseContentRange('items 0-9/*')).toEqual({ first: 0, last: 9, total: null });
  });
  it('refuses what is not an item range', () => {
    expect(parseContentRange('bytes 0-99/1000')).toBeNull();
    expect(parseContentRange('items 9-0/10')).toBeNull();
    expect(parseContentRange(undefined)).toBeNull();
  });
});

describe('the starting state', () => {
  it('is the import date on a first run, the saved state afterwards, ignoring fields of another shape', () => {
    expect(startingState(null, '2024-01-01T00:00:00.000Z')).toEqual({ added_after_start: '2024-01-01T00:00:00.000Z', current_state_cursor: null });
    expect(startingState(null, undefined)).toEqual({ added_after_start: null, current_state_cursor: null });
    expect(startingState({ added_after_start: '2024-05-01T00:00:00Z', current_state_cursor: 'abc' }, '2024-01-01T00:00:00.000Z')).toEqual({ added_after_start: '2024-05-01T00:00:00Z', current_state_cursor: 'abc' });
    expect(startingState({ current_state_cursor: 7 }, undefined)).toEqual({ added_after_start: null, current_state_cursor: null });
  });
});

describe('TAXII resources', () => {
  it("reads MITRE's camelCase collections like the specification's spelling", () => {
    const mitre = readCollection({ id: 'x-mitre-collection--1f5f1533-f617-4ca8-9ab4-6a02367fa019', title: 'Enterprise', canRead: true, canWrite: false, mediaTypes: ['application/taxii+json;version=2.1'] });
    const spec = readCollection({ id: 'c1', title: 'One', can_read: false, can_write: true, media_types: [] });
    expect(mitre).toEqual({ id: 'x-mitre-collection--1f5f1533-f617-4ca8-9ab4-6a02367fa019', title: 'Enterprise', canRead: true, canWrite: false, mediaTypes: ['application/taxii+json;version=2.1'] });
    expect(spec).toMatchObject({ canRead: false, canWrite: true });
    expect(readCollections({})).toEqual([]);
  });
  it('resolves relative api_roots against the discovery URL', () => {
    const d = readDiscovery({ title: 'T', default: '/api/v21', api_roots: ['/api/v21', 'https://other.example/root/'] }, 'https://taxii.example/taxii2/');
    expect(d).toEqual({ title: 'T', defaultRoot: 'https://taxii.example/api/v21/', apiRoots: ['https://taxii.example/api/v21/', 'https://other.example/root/'] });
  });
});

describe('STIX 2.0 objects', () => {
  it('are lifted to 2.1 with the vocabulary moved out of labels', () => {
    const [malware, indicator] = objects20(2) as [stix.StixObject, stix.StixObject];
    expect(isStix20(indicator, stix.isObservableType)).toBe(true);
    expect(liftToStix21(indicator)).toMatchObject({ spec_version: '2.1', indicator_types: ['malicious-activity'], pattern_type: 'stix' });
    expect(liftToStix21(indicator).labels).toBeUndefined();
    expect(liftToStix21(malware)).toMatchObject({ spec_version: '2.1', malware_types: ['remote-access-trojan'], is_family: true });
    expect(() => stix.assertValid(liftToStix21(indicator))).not.toThrow();
  });
  it('leave 2.1 objects and spec_version-less observables alone', () => {
    expect(isStix20({ type: 'ipv4-addr', id: 'ipv4-addr--00000000-0000-4000-8000-000000000001', value: '10.0.0.1' }, stix.isObservableType)).toBe(false);
    const [indicator] = indicators21(1) as [stix.StixObject];
    expect(convertPage([indicator], enrichmentOf(base, stix), stix)[0]).toBe(indicator);
  });
});

describe('enrichments', () => {
  const options = { ...base, default_author: 'CERT Example', default_markings: ['TLP:AMBER' as const], confidence_to_score: true };

  it('are off by default: a page passes through as sent', () => {
    const page = indicators21(3, { extra: { confidence: 80 } });
    expect(convertPage(page, enrichmentOf(base, stix), stix)).toEqual(page);
  });

  it('set author and markings only where an object has none, and copy confidence to the score', () => {
    const own = stix.tlpMarkingId('TLP:RED');
    const [plain, marked] = indicators21(2, { extra: { confidence: 75 } });
    const authored: stix.StixObject = { ...(marked as stix.StixObject), created_by_ref: 'identity--00000000-0000-4000-8000-000000000009', object_marking_refs: [own], x_opencti_score: 10 };
    const out = convertPage([plain, authored], enrichmentOf(options, stix), stix);
    const author = stix.makeOrganization('CERT Example', { created: '2020-01-01T00:00:00.000Z' });
    expect(out.map((o) => o.id)).toEqual([author.id, stix.tlpMarkingId('TLP:AMBER'), plain!.id, authored.id]);
    expect(out[2]).toMatchObject({ created_by_ref: author.id, object_marking_refs: [stix.tlpMarkingId('TLP:AMBER')], x_opencti_score: 75 });
    expect(out[3]).toEqual(authored);
    expect(plain).not.toHaveProperty('x_opencti_score');
  });

  it('leave marking definitions alone and send nothing extra when nothing used them', () => {
    const marking = stix.tlpMarking('TLP:GREEN');
    expect(convertPage([marking], enrichmentOf(options, stix), stix)).toEqual([marking]);
  });
});

describe('authentication settings', () => {
  it('refuse a missing credential as a configuration error naming the variable', () => {
    expect(() => taxiiHttpOptions({ ...base, auth_type: 'basic', username: 'u' })).toThrow(ConfigError);
    expect(() => taxiiHttpOptions({ ...base, auth_type: 'basic', username: 'u' })).toThrow('TAXII_PASSWORD (taxii.password): required when TAXII_AUTH_TYPE is basic');
    expect(() => taxiiHttpOptions({ ...base, auth_type: 'certificate', cert_path: '/c.pem' })).toThrow('TAXII_KEY_PATH (taxii.key_path)');
    expect(() => taxiiHttpOptions({ ...base, auth_type: 'bearer' })).toThrow('TAXII_TOKEN (taxii.token)');
  });
  it('send the Authorization header of the auth type', () => {
    expect(taxiiHttpOptions({ ...base, auth_type: 'bearer', token: 't0k' }).headers).toEqual({ authorization: 'Bearer t0k' });
    expect(taxiiHttpOptions({ ...base, auth_type: 'basic', username: 'u', password: 'p' }).headers).toEqual({ authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
    expect(taxiiHttpOptions({ ...base, ssl_verify: false })).toEqual({ sslVerify: false, caPath: undefined });
  });
});
