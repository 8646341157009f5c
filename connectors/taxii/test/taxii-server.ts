import type { ServerResponse } from 'node:http';
import { answer as playAnswer, type AnswerSpec, type AuthCheck } from '../../../core/testing/source-answers';
import { startSourceServer, type RecordedRequest, type SourceServer, type SourceServerOptions } from '../../../core/testing/source-server';
import type { JsonObject } from './fixtures';
import { EnvelopePager, micros, rangeAnswer, type Answer, type EnvelopeOptions, type RangeOptions, type StoredObject } from './server-pages';

/**
 * A TAXII 2.1 or 2.0 server of our own for the tests and the benchmark, on the project's local source server:
 * discovery, API root, collections and the objects endpoint, versioned media types (406 otherwise), basic or bearer
 * auth (401), client certificates over HTTPS, server-capped pages, opaque expiring cursors, and scripted faults.
 */
export interface TaxiiCollection {
  id: string;
  title: string;
  canRead?: boolean;
  objects?: JsonObject[];
}

export interface TaxiiServerOptions extends Partial<EnvelopeOptions>, Partial<Omit<RangeOptions, 'pageCap' | 'dateAddedHeaders'>> {
  version: '2.1' | '2.0';
  collections: TaxiiCollection[];
  /** default `/api1/` */
  apiRootPath?: string;
  auth?: AuthCheck;
  tls?: SourceServerOptions['tls'];
  /** MITRE's spelling of collection resources: `canRead`, `mediaTypes` */
  camelCase?: boolean;
  /** discovery lists API roots as paths (`/api1/`) rather than URLs */
  relativeApiRoots?: boolean;
  /** spacing of successive dates added (default 1 to 3 µs) */
  dateStepMicros?: number;
  /** called with the 1-based number of each objects request, before it is answered (a test aborts a run here) */
  onObjectsRequest?: (n: number) => void;
}

export interface TaxiiServer {
  readonly source: SourceServer;
  readonly apiRootUrl: string;
  readonly discoveryUrl: string;
  /** appends objects to a collection, each with a new, later date added */
  add(collectionId: string, objects: JsonObject[]): void;
  /** adds objects with the dates added a real server gave them (kept in date order) */
  addDated(collectionId: string, objects: StoredObject[]): void;
  /** the date added of every object of a collection, in order */
  datesAdded(collectionId: string): string[];
  /** forgets every `next` cursor issued so far (a server restart) */
  forgetCursors(): void;
  /** the next objects requests get these answers first (429, a cut connection, a delay) */
  injectFaults(...faults: AnswerSpec[]): void;
  objectsRequests(collectionId: string): RecordedRequest[];
  objectsPath(collectionId: string): string;
  close(): Promise<void>;
}

const MEDIA = {
  '2.1': { taxii: 'application/taxii+json;version=2.1', objects: 'application/taxii+json;version=2.1' },
  '2.0': { taxii: 'application/vnd.oasis.taxii+json; version=2.0', objects: 'application/vnd.oasis.stix+json; version=2.0' },
} as const;

/** Media types compare without spaces and case; `application/taxii+json` alone is accepted as 2.1 (the spec allows it). */
function accepts(header: string | undefined, wanted: string): boolean {
  const norm = (s: string): string => s.replace(/\s+/g, '').toLowerCase();
  const offered = (header ?? '').split(',').map(norm);
  return offered.includes(norm(wanted)) || (wanted.startsWith('application/taxii+json') && offered.includes('application/taxii+json'));
}

function send(res: ServerResponse, a: Answer): void {
  const body = a.body === undefined ? '' : JSON.stringify(a.body);
  res.writeHead(a.status, { ...a.headers, 'content-length': String(Buffer.byteLength(body)) }).end(body);
}

export async function startTaxiiServer(options: TaxiiServerOptions): Promise<TaxiiServer> {
  const source = await startSourceServer({ tls: options.tls });
  const media = MEDIA[options.version];
  const apiRootPath = options.apiRootPath ?? '/api1/';
  const discoveryPath = options.version === '2.1' ? '/taxii2/' : '/taxii/';
  const pageCap = options.pageCap ?? 100;
  const pager = new EnvelopePager({
    pageCap,
    paging: options.paging ?? 'next',
    cursorTtlMs: options.cursorTtlMs ?? 10 * 60_000,
    dateAddedHeaders: options.dateAddedHeaders ?? true,
    dateFormat: options.dateFormat ?? 'rfc3339',
  });
  const rangeOptions: RangeOptions = {
    pageCap,
    rangeSpelling: options.rangeSpelling ?? 'any',
    contentRange: options.contentRange ?? 'total',
    ignoreRange: options.ignoreRange ?? false,
    dateAddedHeaders: options.dateAddedHeaders ?? true,
  };
  const stored = new Map<string, StoredObject[]>();
  const faults: AnswerSpec[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let clock = Date.parse('2024-03-01T00:00:00Z') * 1000;
  let objectsRequestCount = 0;

  const nextDateAdded = (): string => {
    clock += options.dateStepMicros ?? 1 + Math.floor(Math.random() * 3);
    const ms = Math.floor(clock / 1000);
    return `${new Date(ms).toISOString().slice(0, 19)}.${String(clock % 1_000_000).padStart(6, '0')}Z`;
  };
  const objectsPath = (id: string): string => `${apiRootPath}collections/${id}/objects/`;
  const collectionJson = (c: TaxiiCollection): JsonObject =>
    options.camelCase
      ? { id: c.id, title: c.title, canRead: c.canRead ?? true, canWrite: false, mediaTypes: [media.objects] }
      : { id: c.id, title: c.title, can_read: c.canRead ?? true, can_write: false, media_types: [media.objects] };

  /** auth and media type, in the order a server checks them; null = go on */
  const gate = (req: RecordedRequest, wanted: string): Answer | null => {
    if (options.auth !== undefined) {
      const header = req.headers.authorization;
      const ok =
        'bearer' in options.auth
          ? header === `Bearer ${options.auth.bearer}`
          : header === `Basic ${Buffer.from(`${options.auth.basic.username}:${options.auth.basic.password}`).toString('base64')}`;
      if (!ok) return { status: 401, headers: { 'www-authenticate': 'bearer' in options.auth ? 'Bearer' : 'Basic realm="taxii"', 'content-type': media.taxii }, body: { title: 'unauthorized' } };
    }
    if (!accepts(req.headers.accept, wanted)) return { status: 406, headers: { 'content-type': media.taxii }, body: { title: `only ${wanted}` } };
    return null;
  };
  const resource = (path: string, body: () => JsonObject): void => {
    source.route('GET', path, (req, res) => send(res, gate(req, media.taxii) ?? { status: 200, headers: { 'content-type': media.taxii }, body: body() }));
  };

  const root = source.url(apiRootPath);
  resource(discoveryPath, () => ({
    title: 'octi-connectors test TAXII server',
    default: options.relativeApiRoots ? apiRootPath : root,
    api_roots: [options.relativeApiRoots ? apiRootPath : root, options.relativeApiRoots ? '/other-root/' : source.url('/other-root/')],
  }));
  resource(apiRootPath, () => ({ title: 'test API root', versions: [options.version === '2.1' ? media.taxii : 'taxii-2.0'], max_content_length: 10_485_760 }));
  resource(`${apiRootPath}collections/`, () => ({ collections: options.collections.map(collectionJson) }));

  for (const collection of options.collections) {
    stored.set(collection.id, []);
    resource(`${apiRootPath}collections/${collection.id}/`, () => collectionJson(collection));
    source.route('GET', objectsPath(collection.id), async (req, res) => {
      objectsRequestCount += 1;
      options.onObjectsRequest?.(objectsRequestCount);
      const fault = faults.shift();
      if (fault !== undefined) return playAnswer(fault, req, res, timers);
      const refused = gate(req, media.objects);
      if (refused !== null) return send(res, refused);
      if (collection.canRead === false) return send(res, { status: 403, headers: { 'content-type': media.taxii }, body: { title: 'cannot read' } });
      const all = stored.get(collection.id)!;
      const range = req.headers.range;
      send(res, options.version === '2.1' ? pager.answer(all, req.query, Date.now()) : rangeAnswer(all, req.query, typeof range === 'string' ? range : undefined, rangeOptions));
    });
  }

  const server: TaxiiServer = {
    source,
    apiRootUrl: root,
    discoveryUrl: source.url(discoveryPath),
    add(collectionId, objects) {
      const list = stored.get(collectionId);
      if (list === undefined) throw new Error(`no collection ${collectionId}`);
      for (const object of objects) list.push({ object, dateAdded: nextDateAdded() });
    },
    addDated(collectionId, objects) {
      const list = stored.get(collectionId);
      if (list === undefined) throw new Error(`no collection ${collectionId}`);
      list.push(...objects);
      list.sort((a, b) => micros(a.dateAdded) - micros(b.dateAdded));
    },
    datesAdded: (collectionId) => (stored.get(collectionId) ?? []).map((o) => o.dateAdded),
    forgetCursors: () => pager.forgetCursors(),
    injectFaults: (...list) => void faults.push(...list),
    objectsRequests: (collectionId) => source.requestsTo(objectsPath(collectionId)),
    objectsPath,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await source.close();
    },
  };
  for (const collection of options.collections) server.add(collection.id, collection.objects ?? []);
  return server;
}
