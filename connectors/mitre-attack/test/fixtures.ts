/**
 * A small hand-written ATT&CK-shaped bundle with the traits of the real ones: MITRE's identity and copyright statement
 * marking on every object, an `x-mitre-collection` carrying the release, custom `x_mitre_*` properties, types OpenCTI
 * does not import (tactic, matrix, detection strategy, analytic) and relationships to them, a deprecated technique, a
 * revoked one with its `revoked-by` relationship, and one object left without any marking.
 */
import type { StixObject } from '../../../core';

export const MITRE = 'identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5';
export const STATEMENT = 'marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168';
export const ID = {
  technique: 'attack-pattern--0a000000-0000-4000-8000-000000000001',
  deprecated: 'attack-pattern--0a000000-0000-4000-8000-000000000002',
  revoked: 'attack-pattern--0a000000-0000-4000-8000-000000000003',
  group: 'intrusion-set--0b000000-0000-4000-8000-000000000001',
  malware: 'malware--0c000000-0000-4000-8000-000000000001',
  mitigation: 'course-of-action--0d000000-0000-4000-8000-000000000001',
  tactic: 'x-mitre-tactic--0e000000-0000-4000-8000-000000000001',
  strategy: 'x-mitre-detection-strategy--0f000000-0000-4000-8000-000000000001',
  analytic: 'x-mitre-analytic--10000000-0000-4000-8000-000000000001',
  component: 'x-mitre-data-component--11000000-0000-4000-8000-000000000001',
  uses: 'relationship--12000000-0000-4000-8000-000000000001',
  mitigates: 'relationship--12000000-0000-4000-8000-000000000002',
  revokedBy: 'relationship--12000000-0000-4000-8000-000000000003',
  detects: 'relationship--12000000-0000-4000-8000-000000000004',
  groupUsesMalware: 'relationship--12000000-0000-4000-8000-000000000005',
};

const marked = { spec_version: '2.1', created_by_ref: MITRE, object_marking_refs: [STATEMENT], x_mitre_attack_spec_version: '3.3.0' };
const ref = (id: string) => [{ source_name: 'mitre-attack', external_id: id, url: `https://attack.mitre.org/techniques/${id}` }];
const rel = (id: string, type: string, source: string, target: string, modified: string): StixObject => ({
  ...marked, type: 'relationship', id, relationship_type: type, source_ref: source, target_ref: target, created: '2020-01-01T00:00:00.000Z', modified,
});

/** Release `version`; `bumped` lists ids whose `modified` moves to `bumpedAt` (a new release revising them). */
export function attackBundle(version = '1.0', bumped: string[] = [], bumpedAt = '2025-06-01T00:00:00.000Z'): { type: string; id: string; objects: StixObject[] } {
  const objects: StixObject[] = [
    // Dependents first, on purpose: the connector must reorder so every object follows what it references.
    rel(ID.uses, 'uses', ID.group, ID.technique, '2024-03-01T00:00:00.000Z'),
    rel(ID.mitigates, 'mitigates', ID.mitigation, ID.technique, '2024-03-01T00:00:00.000Z'),
    rel(ID.revokedBy, 'revoked-by', ID.revoked, ID.technique, '2024-03-01T00:00:00.000Z'),
    rel(ID.detects, 'detects', ID.strategy, ID.technique, '2024-03-01T00:00:00.000Z'),
    rel(ID.groupUsesMalware, 'uses', ID.group, ID.malware, '2024-03-01T00:00:00.000Z'),
    {
      ...marked, type: 'attack-pattern', id: ID.technique, name: 'Command Injection', created: '2020-01-01T00:00:00.000Z', modified: '2024-03-01T00:00:00.000Z',
      external_references: ref('T9001'), kill_chain_phases: [{ kill_chain_name: 'mitre-ics-attack', phase_name: 'execution-ics' }],
      x_mitre_domains: ['ics-attack'], x_mitre_version: '1.2', revoked: false,
    },
    { ...marked, type: 'attack-pattern', id: ID.deprecated, name: 'Old Technique', created: '2020-01-01T00:00:00.000Z', modified: '2023-01-01T00:00:00.000Z', external_references: ref('T9002'), x_mitre_deprecated: true, revoked: false },
    { ...marked, type: 'attack-pattern', id: ID.revoked, name: 'Merged Technique', created: '2020-01-01T00:00:00.000Z', modified: '2024-03-01T00:00:00.000Z', external_references: ref('T9003'), revoked: true },
    { ...marked, type: 'intrusion-set', id: ID.group, name: 'Demo Group', aliases: ['Demo Group', 'DG'], created: '2020-01-01T00:00:00.000Z', modified: '2024-02-01T00:00:00.000Z', external_references: [{ source_name: 'mitre-attack', external_id: 'G9001' }] },
    { ...marked, type: 'malware', id: ID.malware, name: 'DemoWorm', is_family: true, created: '2020-01-01T00:00:00.000Z', modified: '2024-02-01T00:00:00.000Z', x_mitre_platforms: ['Windows'] },
    // No marking at all: the one object the configured TLP applies to.
    { spec_version: '2.1', created_by_ref: MITRE, type: 'course-of-action', id: ID.mitigation, name: 'Network Segmentation', created: '2020-01-01T00:00:00.000Z', modified: '2024-02-01T00:00:00.000Z' },
    { ...marked, type: 'x-mitre-tactic', id: ID.tactic, name: 'Execution', x_mitre_shortname: 'execution-ics', created: '2020-01-01T00:00:00.000Z', modified: '2022-01-01T00:00:00.000Z' },
    { ...marked, type: 'x-mitre-detection-strategy', id: ID.strategy, name: 'Detect Command Injection', x_mitre_analytic_refs: [ID.analytic], created: '2025-01-01T00:00:00.000Z', modified: '2025-01-01T00:00:00.000Z' },
    { ...marked, type: 'x-mitre-analytic', id: ID.analytic, name: 'Analytic 1', x_mitre_platforms: ['None'], created: '2025-01-01T00:00:00.000Z', modified: '2025-01-01T00:00:00.000Z' },
    { ...marked, type: 'x-mitre-data-component', id: ID.component, name: 'Process Creation', created: '2021-01-01T00:00:00.000Z', modified: '2023-06-01T00:00:00.000Z' },
    {
      ...marked, type: 'x-mitre-collection', id: 'x-mitre-collection--13000000-0000-4000-8000-000000000001', name: 'Demo ATT&CK', x_mitre_version: version,
      created: '2020-01-01T00:00:00.000Z', modified: '2025-01-02T00:00:00.000Z', x_mitre_contents: [{ object_ref: ID.technique, object_modified: '2024-03-01T00:00:00.000Z' }],
    },
    { type: 'identity', spec_version: '2.1', id: MITRE, name: 'The MITRE Corporation', identity_class: 'organization', created: '2017-06-01T00:00:00.000Z', modified: '2025-03-19T15:00:40.855Z', object_marking_refs: [STATEMENT] },
    { type: 'marking-definition', spec_version: '2.1', id: STATEMENT, created: '2017-06-01T00:00:00.000Z', created_by_ref: MITRE, definition_type: 'statement', definition: { statement: 'Copyright The MITRE Corporation (test fixture).' } },
  ];
  const bumpedObjects = objects.map((o) => (bumped.includes(o.id) ? { ...o, modified: bumpedAt } : o));
  return { type: 'bundle', id: `bundle--14000000-0000-4000-8000-00000000000${version === '1.0' ? 1 : 2}`, objects: bumpedObjects };
}
