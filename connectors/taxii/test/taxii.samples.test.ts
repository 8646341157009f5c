/**
 * Real TAXII documents and STIX bundles from ../shared/samples (beside the repository, never copied into it), served
 * through the local TAXII server: medallion's 2.1 and 2.0 data, MITRE's documents, and every STIX bundle as a
 * collection. Without that folder the suite says so and passes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { createHttpClient, type CommonSettings } from '../../../core';
import { runConnectorOnce, type ConnectorRunResult } from '../../../core/testing/run-connector';
import taxii from '../connector';
import type { TaxiiConfig } from '../config';
import type { JsonObject } from './fixtures';
import type { StoredObject } from './server-pages';
import { startTaxiiServer, type TaxiiServer } from './taxii-server';
import { samplesPresent } from '../../../core/testing/samples';

const SAMPLES = resolve(__dirname, '..', '..', '..', '..', 'shared', 'samples');
const TAXII = join(SAMPLES, 'taxii');
const STIX = join(SAMPLES, 'stix');

let server: TaxiiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function readJson<T = JsonObject>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

interface MedallionCollection {
  id: string;
  title: string;
  can_read: boolean;
  objects?: JsonObject[];
  manifest?: Array<{ id: string; date_added: string; version?: string; versions?: string[] }>;
}

/** Objects of a medallion collection with the date added its manifest gives each version (else, its `modified`). */
function dated(collection: MedallionCollection): StoredObject[] {
  return (collection.objects ?? []).map((object) => {
    const record = (collection.manifest ?? []).find((m) => m.id === object.id && (m.version === object.modified || m.versions?.includes(String(object.modified))));
    const fallback = (collection.manifest ?? []).find((m) => m.id === object.id);
    return { object, dateAdded: (record ?? fallback)?.date_added ?? String(object.modified) };
  });
}

function skippedIds(r: ConnectorRunResult): unknown[] {
  return r.logs.filter((l) => l.msg === 'invalid STIX object skipped').map((l) => l.id);
}

function baseConfig(serverUrl: string, collection: string, version: '2.1' | '2.0'): TaxiiConfig {
  const none = undefined;
  return {
    server_url: serverUrl, collection, version, auth_type: 'none', ssl_verify: true, confidence_to_score: false,
    username: none, password: none, token: none, cert_path: none, key_path: none, ca_path: none,
    import_from_date: none, page_size: none, default_author: none, default_markings: none,
  };
}

async function check(config: TaxiiConfig): ReturnType<NonNullable<typeof taxii.check>> {
  const http = createHttpClient({ ...taxii.http!(config), retries: 0 });
  return taxii.check!({ config, settings: {} as CommonSettings, log: pino({ level: 'silent' }), http, signal: new AbortController().signal });
}

if (samplesPresent('TAXII samples', SAMPLES)) {
  describe.each(['2.1', '2.0'] as const)('medallion TAXII %s data', (version) => {
    const data = readJson<Record<string, { collections?: MedallionCollection[] }>>(join(TAXII, `medallion-taxii${version.replace('.', '')}`, 'default_data.json'));
    const collections = Object.values(data).flatMap((root) => root.collections ?? []).filter((c) => (c.objects ?? []).length > 0);

    it.each(collections.map((c) => [c.title, c] as const))('collection "%s" is delivered whole, lifted to STIX 2.1, or refused when unreadable', async (_title, collection) => {
      server = await startTaxiiServer({ version, pageCap: 2, collections: [{ id: collection.id, title: collection.title, canRead: collection.can_read }] });
      const stored = dated(collection);
      server.addDated(collection.id, stored);
      const r = await runConnectorOnce(taxii, { env: { TAXII_SERVER_URL: server.apiRootUrl, TAXII_COLLECTION: collection.id, TAXII_VERSION: version } });
      if (!collection.can_read) {
        expect(r.exitCode).toBe(1);
        expect(String(r.logs.find((l) => l.level === 'error')?.msg)).toContain('HTTP 403');
        return;
      }
      expect(r.exitCode).toBe(0);
      expect(r.objects.length + skippedIds(r).length).toBe(stored.length);
      expect(r.objects.every((o) => o.spec_version === '2.1')).toBe(true);
      expect(r.state).toEqual({ added_after_start: server.datesAdded(collection.id).at(-1), current_state_cursor: null });
    });
  });

  describe('medallion TAXII 2.0 resource documents', () => {
    it('are read by check: discovery (non-ASCII contact), API root, and a server that only answers for one collection', async () => {
      const id = '91a7b528-80eb-42ed-a74d-c6fbd5a26116';
      const docs = join(TAXII, 'medallion-taxii20');
      server = await startTaxiiServer({ version: '2.0', apiRootPath: '/trustgroup1/', collections: [] });
      const type = { 'content-type': 'application/vnd.oasis.taxii+json; version=2.0' };
      server.source.route('GET', '/taxii/', { file: join(docs, 'discovery.json'), headers: type });
      server.source.route('GET', '/trustgroup1/', { file: join(docs, 'api-root-trustgroup1.json'), headers: type });
      server.source.route('GET', '/trustgroup1/collections/', { status: 404 });
      server.source.route('GET', `/trustgroup1/collections/${id}/`, { file: join(docs, 'collection-91a7b528.json'), headers: type });
      const lines = await check(baseConfig(server.apiRootUrl, id, '2.0'));
      expect(lines[0]).toEqual({ target: `API root ${server.apiRootUrl}`, ok: true, detail: '"Malware Research Group", versions: taxii-2.0' });
      expect(lines[1]!.detail).toContain('"Some TAXII Server"');
      expect(lines.at(-1)).toEqual({ target: `configured collection ${id}`, ok: true, detail: '"High Value Indicator Collection" is readable (the server does not list its collections)' });
    });
  });

  describe("MITRE ATT&CK's TAXII 2.1 documents", () => {
    const docs = join(TAXII, 'mitre-attack-taxii21');
    const enterprise = (readJson<{ collections: JsonObject[] }>(join(docs, 'collections.json')).collections[0]!.id) as string;

    async function mitre(): Promise<TaxiiServer> {
      server = await startTaxiiServer({ version: '2.1', apiRootPath: '/api/v21/', collections: [{ id: enterprise, title: 'x' }] });
      const type = { 'content-type': 'application/taxii+json;version=2.1' };
      server.source.route('GET', '/taxii2/', { file: join(docs, 'discovery.json'), headers: type });
      server.source.route('GET', '/api/v21/', { file: join(docs, 'api-root.json'), headers: type });
      server.source.route('GET', '/api/v21/collections/', { file: join(docs, 'collections.json'), headers: type });
      server.source.route('GET', `/api/v21/collections/${enterprise}/objects/`, { file: join(docs, 'envelope-get-object.json'), headers: type });
      return server;
    }

    it('check resolves the relative api_roots and reads the camelCase collections', async () => {
      const s = await mitre();
      const lines = await check(baseConfig(s.apiRootUrl, enterprise, '2.1'));
      expect(lines[0]).toMatchObject({ ok: true, detail: expect.stringContaining('MITRE ATT&CK TAXII 2.1') });
      expect(lines[1]!.detail).toContain(`${s.source.url('/api/v21/')}, ${s.source.url('/api/v21/attack-1.0/')}`);
      expect(lines[1]!.detail).toContain('the configured API root is listed');
      expect(lines.filter((l) => l.target.startsWith('collection ')).map((l) => l.detail)).toEqual([
        '"Enterprise ATT&CK" can_read=true can_write=false',
        '"ICS ATT&CK" can_read=true can_write=false',
        '"Mobile ATT&CK" can_read=true can_write=false',
      ]);
      expect(lines.at(-1)).toMatchObject({ ok: true, target: `configured collection ${enterprise}` });
    });

    it('an x-mitre-collection id is polled like any other', async () => {
      const s = await mitre();
      const r = await runConnectorOnce(taxii, { env: { TAXII_SERVER_URL: s.apiRootUrl, TAXII_COLLECTION: enterprise } });
      expect(r.exitCode).toBe(0);
      expect(r.objects.map((o) => o.type)).toEqual(['attack-pattern']);
    });
  });

  const bundles = existsSync(STIX) ? readdirSync(STIX).filter((f) => f.endsWith('.json')).sort() : [];
  describe.each(bundles)('STIX bundle %s served as a TAXII 2.1 collection', (file) => {
    it('is delivered exactly once in capped pages; invalid objects are reported by id and skipped', async () => {
      const objects = readJson<{ objects: JsonObject[] }>(join(STIX, file)).objects;
      server = await startTaxiiServer({ version: '2.1', pageCap: 250, collections: [{ id: 'c1', title: file, objects }] });
      const r = await runConnectorOnce(taxii, { env: { TAXII_SERVER_URL: server.apiRootUrl, TAXII_COLLECTION: 'c1', CONNECTOR_LOG_LEVEL: 'info' } });
      expect(r.exitCode).toBe(0);
      expect(r.files).toHaveLength(Math.ceil(objects.length / 250));
      expect(r.objects.length + skippedIds(r).length).toBe(objects.length);
      expect(r.state).toEqual({ added_after_start: server.datesAdded('c1').at(-1), current_state_cursor: null });
    });
  });
}
