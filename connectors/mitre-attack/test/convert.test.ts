import { stix, type StixObject } from '../../../core';
import { bundleFacts, changedSince, markUnmarked } from '../convert';
import { attackBundle, STATEMENT } from './fixtures';

const obj = (id: string, extra: Record<string, unknown>): StixObject => ({ type: id.split('--')[0]!, id, ...extra });

describe('mitre-attack helpers', () => {
  it('reads the release, the high-water mark, deprecated and revoked counts', () => {
    const facts = bundleFacts(attackBundle('17.1').objects);
    expect(facts).toMatchObject({ version: '17.1', domain: 'Demo ATT&CK', objectCount: 18, highWater: '2025-03-19T15:00:40.855Z', deprecated: 1, revoked: 1 });
    expect(facts.byType['attack-pattern']).toBe(3);
  });

  it('selects by modified (else created), strictly after the cursor and from the import date on', () => {
    const objects = [
      obj('attack-pattern--1', { modified: '2024-01-01T00:00:00Z' }),
      obj('marking-definition--2', { created: '2017-06-01T00:00:00.000Z' }),
      obj('malware--3', {}),
    ];
    expect(changedSince(objects, '', '').map((o) => o.id)).toEqual(['attack-pattern--1', 'marking-definition--2', 'malware--3']);
    expect(changedSince(objects, '2023-12-31T23:59:59.999Z', '').map((o) => o.id)).toEqual(['attack-pattern--1']);
    expect(changedSince(objects, '2024-01-01T00:00:00.000Z', '')).toEqual([]);
    expect(changedSince(objects, '', '2024-01-01T00:00:00.000Z').map((o) => o.id)).toEqual(['attack-pattern--1']);
  });

  it('marks only objects without any marking, never marking definitions', () => {
    const { objects, marked } = markUnmarked(
      [obj('attack-pattern--1', { object_marking_refs: [STATEMENT] }), obj('course-of-action--2', {}), obj('malware--3', { object_marking_refs: [] }), obj(STATEMENT, {})],
      'TLP:AMBER',
    );
    expect(marked).toBe(2);
    expect(objects.map((o) => o.object_marking_refs)).toEqual([[STATEMENT], [stix.tlpMarkingId('TLP:AMBER')], [stix.tlpMarkingId('TLP:AMBER')], undefined]);
  });
});
