/**
 * The real ATT&CK for ICS 18.1 bundle in ../shared/samples/stix (beside the repository, never copied into it), served
 * by a local HTTP server: every importable object goes out valid and in dependency order, the new detection-strategy
 * and analytic types are left out, and an unchanged bundle sends nothing. Without that folder the suite says so.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stix, type StixObject } from '../../../core';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import mitreAttack from '../connector';
import { samplesPresent } from '../../../core/testing/samples';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const SAMPLE = join(resolve(REPO_ROOT, '..', 'shared', 'samples'), 'stix', 'ics-attack-18.1.json');

if (samplesPresent('MITRE ATT&CK sample', SAMPLE)) {
  let server: SourceServer;
  beforeAll(async () => {
    server = await startSourceServer();
  });
  afterAll(async () => {
    await server.close();
  });

  describe('MITRE ATT&CK sample', () => {
    it('imports ICS ATT&CK 18.1 in batches, dependencies first, then nothing on a second run', async () => {
      const bundle = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { objects: StixObject[] };
      server.route('GET', '/ics-attack.json', { file: SAMPLE, etag: '"ics-18.1"' });
      const env = { MITRE_ATTACK_URL: server.url('/ics-attack.json'), MITRE_ATTACK_BATCH_SIZE: '300' };
      const r = await runConnectorOnce(mitreAttack, { env });
      expect(r.exitCode).toBe(0);
      expect(r.logs.filter((l) => l.level === 'warn')).toEqual([]);
      expect(r.files.length).toBeGreaterThanOrEqual(3);

      const importable = bundle.objects.filter((o) => stix.isOpenCtiType(o.type));
      const sentIds = new Set(r.objects.map((o) => o.id));
      for (const o of importable.filter((x) => x.type !== 'relationship')) expect(sentIds).toContain(o.id);
      for (const type of ['x-mitre-detection-strategy', 'x-mitre-analytic', 'x-mitre-tactic', 'x-mitre-matrix', 'x-mitre-collection']) {
        expect(r.objects.filter((o) => o.type === type)).toEqual([]);
      }
      expect(r.objects.filter((o) => o.type === 'attack-pattern')).toHaveLength(95);
      // each relationship comes after both its ends
      const position = new Map(r.objects.map((o, i) => [o.id, i]));
      for (const rel of r.objects.filter((o) => o.type === 'relationship')) {
        expect(position.get(String(rel.source_ref))).toBeLessThan(position.get(rel.id)!);
        expect(position.get(String(rel.target_ref))).toBeLessThan(position.get(rel.id)!);
      }
      // MITRE's statement marking stays; nothing needed the configured TLP
      expect(r.objects.some((o) => o.id === stix.tlpMarkingId('TLP:CLEAR'))).toBe(false);
      expect(r.state).toEqual({ bundles: { [server.url('/ics-attack.json')]: { modified: '2025-11-13T14:00:00.188Z', version: '18.1', etag: '"ics-18.1"' } } });

      const again = await runConnectorOnce(mitreAttack, { env, outDir: r.outDir, statePath: r.statePath });
      expect(again.files).toHaveLength(r.files.length);
    }, 60_000);
  });
}
