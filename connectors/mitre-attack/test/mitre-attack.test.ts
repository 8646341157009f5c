import { writeFileSync } from 'node:fs';
import pino from 'pino';
import { createHttpClient, stix, type CommonSettings, type StixObject } from '../../../core';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import { runConnectorOnce, type ConnectorRunResult } from '../../../core/testing/run-connector';
import mitreAttack from '../connector';
import { bundleFacts, bundleFingerprint } from '../convert';
import { attackBundle, ID, MITRE, STATEMENT } from './fixtures';

let server: SourceServer;
beforeEach(async () => {
  server = await startSourceServer();
});
afterEach(async () => {
  await server.close();
});

const env = (extra: Record<string, string> = {}) => ({ MITRE_ATTACK_URL: server.url('/ics-attack.json'), MITRE_ATTACK_BATCH_SIZE: '4', ...extra });
const bundlesOf = (r: ConnectorRunResult) => r.files.filter((f) => f.bundle_type === 'DIRECTORY_BUNDLE').map((f) => (f.bundle as { objects: StixObject[] }).objects);
const ids = (objects: StixObject[]) => objects.map((o) => o.id);

describe('mitre-attack connector', () => {
  it('passes the ATT&CK objects through in bounded batches, dependencies first, leaving out what OpenCTI does not import', async () => {
    server.route('GET', '/ics-attack.json', { body: JSON.stringify(attackBundle()), etag: '"v1"' });
    const r = await runConnectorOnce(mitreAttack, { env: env() });
    expect(r.exitCode).toBe(0);
    const batches = bundlesOf(r);
    expect(batches.length).toBeGreaterThan(1);
    // 4 per batch, plus the TLP marking object in the batch that needs it
    for (const batch of batches) expect(batch.filter((o) => o.id !== stix.tlpMarkingId('TLP:CLEAR')).length).toBeLessThanOrEqual(4);
    const sent = ids(r.objects);
    expect(sent).toEqual(expect.arrayContaining([ID.technique, ID.deprecated, ID.revoked, ID.group, ID.malware, ID.mitigation, ID.component, ID.uses, ID.mitigates, ID.revokedBy, MITRE, STATEMENT]));
    for (const gone of [ID.tactic, ID.strategy, ID.analytic, ID.detects]) expect(sent).not.toContain(gone);
    expect(sent.some((id) => id.startsWith('x-mitre-collection--'))).toBe(false);
    // every reference points to something already sent
    const at = (id: string) => sent.indexOf(id);
    for (const o of r.objects.filter((x) => x.type === 'relationship')) {
      expect(at(String(o.source_ref))).toBeLessThan(at(o.id));
      expect(at(String(o.target_ref))).toBeLessThan(at(o.id));
    }
    expect(at(STATEMENT)).toBeLessThan(at(ID.technique));
    expect(at(MITRE)).toBeLessThan(at(ID.technique));
  });

  it("keeps MITRE's own marking and custom properties, marks only the unmarked object with the configured TLP", async () => {
    server.route('GET', '/ics-attack.json', { body: JSON.stringify(attackBundle()) });
    const r = await runConnectorOnce(mitreAttack, { env: env({ MITRE_ATTACK_TLP: 'TLP:GREEN' }) });
    const byId = new Map(r.objects.map((o) => [o.id, o]));
    expect(byId.get(ID.technique)).toMatchObject({ object_marking_refs: [STATEMENT], x_mitre_domains: ['ics-attack'], kill_chain_phases: [{ kill_chain_name: 'mitre-ics-attack', phase_name: 'execution-ics' }] });
    expect(byId.get(ID.mitigation)?.object_marking_refs).toEqual([stix.tlpMarkingId('TLP:GREEN')]);
    expect(byId.get(stix.tlpMarkingId('TLP:GREEN'))).toMatchObject({ definition_type: 'tlp', name: 'TLP:GREEN' });
    expect(byId.get(STATEMENT)?.object_marking_refs).toBeUndefined();
    // deprecated and revoked objects go through as ATT&CK states them
    expect(byId.get(ID.deprecated)?.x_mitre_deprecated).toBe(true);
    expect(byId.get(ID.revoked)?.revoked).toBe(true);
    expect(byId.get(ID.revokedBy)?.relationship_type).toBe('revoked-by');
    expect(r.logs.find((l) => l.msg === 'bundle fetched')).toMatchObject({ version: '1.0', deprecated: 1, revoked: 1 });
  });

  it('records the release and its high-water mark, and asks again with If-None-Match: a 304 sends nothing', async () => {
    server.route('GET', '/ics-attack.json', { body: JSON.stringify(attackBundle()), etag: '"v1"' });
    const first = await runConnectorOnce(mitreAttack, { env: env() });
    const url = server.url('/ics-attack.json');
    expect(first.state).toEqual({ bundles: { [url]: { modified: '2025-03-19T15:00:40.855Z', version: '1.0', etag: '"v1"' } } });
    const again = await runConnectorOnce(mitreAttack, { env: env(), outDir: first.outDir, statePath: first.statePath });
    expect(again.exitCode).toBe(0);
    expect(again.files).toHaveLength(first.files.length);
    expect(server.requestsTo('/ics-attack.json')[1]!.headers['if-none-match']).toBe('"v1"');
    expect(again.state).toEqual(first.state);
  });

  it('sends nothing for the same content served without validators (the high-water mark decides)', async () => {
    server.route('GET', '/ics-attack.json', { body: JSON.stringify(attackBundle()) });
    const first = await runConnectorOnce(mitreAttack, { env: env() });
    const again = await runConnectorOnce(mitreAttack, { env: env(), outDir: first.outDir, statePath: first.statePath });
    expect(again.files).toHaveLength(first.files.length);
  });

  it('a new release re-sends only the objects modified after what was delivered', async () => {
    server.route('GET', '/ics-attack.json', { body: JSON.stringify(attackBundle()), etag: '"v1"' });
    const first = await runConnectorOnce(mitreAttack, { env: env() });
    server.route('GET', '/ics-attack.json', { body: JSON.stringify(attackBundle('1.1', [ID.technique, ID.uses])), etag: '"v2"' });
    const next = await runConnectorOnce(mitreAttack, { env: env(), outDir: first.outDir, statePath: first.statePath });
    const fresh = bundlesOf(next).slice(bundlesOf(first).length).flat();
    expect(ids(fresh)).toEqual([ID.technique, ID.uses]);
    expect(fresh[0]!.modified).toBe('2025-06-01T00:00:00.000Z');
    expect(next.state).toEqual({ bundles: { [server.url('/ics-attack.json')]: { modified: '2025-06-01T00:00:00.000Z', version: '1.1', etag: '"v2"' } } });
  });

  it('resumes a bundle delivered in part after the last confirmed batch, and restarts it if the content changed', async () => {
    const bundle = attackBundle();
    server.route('GET', '/ics-attack.json', { body: JSON.stringify(bundle) });
    const full = await runConnectorOnce(mitreAttack, { env: env() });
    const all = ids(full.objects).filter((id) => id !== stix.tlpMarkingId('TLP:CLEAR'));
    const fingerprint = bundleFingerprint(bundle.id, bundleFacts(bundle.objects));
    const url = server.url('/ics-attack.json');

    const resumed = await runConnectorOnce(mitreAttack, { env: env() });
    writeFileSync(resumed.statePath, JSON.stringify({ bundles: { [url]: { modified: '', partial: { fingerprint, sent: 4 } } } }));
    const rest = await runConnectorOnce(mitreAttack, { env: env(), outDir: resumed.outDir, statePath: resumed.statePath });
    const restIds = ids(bundlesOf(rest).slice(bundlesOf(resumed).length).flat()).filter((id) => id !== stix.tlpMarkingId('TLP:CLEAR'));
    expect(restIds).toEqual(all.slice(4));
    expect(rest.state).toEqual({ bundles: { [url]: { modified: '2025-03-19T15:00:40.855Z', version: '1.0' } } });

    writeFileSync(resumed.statePath, JSON.stringify({ bundles: { [url]: { modified: '', partial: { fingerprint: 'another content', sent: 4 } } } }));
    const restarted = await runConnectorOnce(mitreAttack, { env: env(), outDir: resumed.outDir, statePath: resumed.statePath });
    expect(ids(bundlesOf(restarted).slice(bundlesOf(rest).length).flat()).filter((id) => id !== stix.tlpMarkingId('TLP:CLEAR'))).toEqual(all);
  });

  it('honours the import-from date', async () => {
    server.route('GET', '/ics-attack.json', { body: JSON.stringify(attackBundle()) });
    const r = await runConnectorOnce(mitreAttack, { env: env({ MITRE_ATTACK_IMPORT_FROM_DATE: '2024-03-01' }) });
    expect(ids(r.objects).sort()).toEqual([ID.technique, ID.revoked, ID.uses, ID.mitigates, ID.revokedBy, ID.groupUsesMalware, MITRE].sort());
  });

  it('reads several bundles; a broken one fails the run with its URL, keeping the cursor of the one delivered', async () => {
    server.route('GET', '/ics-attack.json', { body: JSON.stringify(attackBundle()) });
    server.route('GET', '/mobile-attack.json', { body: '{"type": "bundle", "id": "bundle--x", "objects": [' });
    const r = await runConnectorOnce(mitreAttack, { env: env({ MITRE_ATTACK_URL: `${server.url('/ics-attack.json')},${server.url('/mobile-attack.json')}` }) });
    expect(r.exitCode).toBe(1);
    expect(Object.keys((r.state as { bundles: object }).bundles)).toEqual([server.url('/ics-attack.json')]);
    const errors = r.logs.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(String(errors[0]!.msg)).toContain(`${server.url('/mobile-attack.json')}: not JSON`);
  });

  it('refuses a document that is not a bundle, naming the URL', async () => {
    server.route('GET', '/ics-attack.json', { body: '{"type": "x-mitre-collection"}' });
    const r = await runConnectorOnce(mitreAttack, { env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.state).toBeNull();
    expect(r.logText).toContain(`${server.url('/ics-attack.json')}: not a STIX bundle`);
  });

  it('check reports the release, the counts, deprecated and revoked', async () => {
    server.route('GET', '/ics-attack.json', { body: JSON.stringify(attackBundle('18.1')) });
    const config = { url: [server.url('/ics-attack.json')], tlp: 'TLP:CLEAR' as const, import_from_date: undefined, batch_size: 1000 };
    const lines = await mitreAttack.check!({ config, settings: {} as CommonSettings, log: pino({ level: 'silent' }), http: createHttpClient({ retries: 0 }), signal: new AbortController().signal });
    expect(lines).toEqual([{ target: server.url('/ics-attack.json'), ok: true, detail: expect.stringContaining('Demo ATT&CK v18.1: 18 objects (relationship 5, attack-pattern 3') }]);
    expect(lines[0]!.detail).toContain('1 deprecated, 1 revoked');
  });
});
