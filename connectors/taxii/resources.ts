/**
 * Reading TAXII discovery, API root and collection resources into one shape, whatever the server's spelling: the
 * specification's `can_read`/`media_types`, or the camelCase `canRead`/`mediaTypes` that MITRE's server sends.
 */

export interface CollectionInfo {
  id: string;
  title: string;
  canRead: boolean;
  canWrite: boolean;
  mediaTypes: string[];
}

export interface DiscoveryInfo {
  title: string;
  /** absolute URLs: relative `api_roots` entries (MITRE's `/api/v21`) are resolved against the discovery URL */
  apiRoots: string[];
  defaultRoot: string | null;
}

export interface ApiRootInfo {
  title: string;
  versions: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first of the given spellings that is present. */
function pick(record: Record<string, unknown>, ...names: string[]): unknown {
  for (const name of names) if (record[name] !== undefined) return record[name];
  return undefined;
}

function asBoolean(value: unknown): boolean {
  return value === true || value === 'true';
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function readCollection(value: unknown): CollectionInfo | null {
  if (!isRecord(value) || typeof value.id !== 'string') return null;
  return {
    id: value.id,
    title: typeof value.title === 'string' ? value.title : '',
    canRead: asBoolean(pick(value, 'can_read', 'canRead')),
    canWrite: asBoolean(pick(value, 'can_write', 'canWrite')),
    mediaTypes: asStrings(pick(value, 'media_types', 'mediaTypes')),
  };
}

/** `{collections: [...]}`; an API root without collections may answer `{}`. */
export function readCollections(value: unknown): CollectionInfo[] | null {
  if (!isRecord(value)) return null;
  if (value.collections === undefined) return [];
  if (!Array.isArray(value.collections)) return null;
  return value.collections.map(readCollection).filter((c): c is CollectionInfo => c !== null);
}

function resolveRoot(path: string, base: string): string {
  const url = new URL(path, base).href;
  return url.endsWith('/') ? url : `${url}/`;
}

export function readDiscovery(value: unknown, url: string): DiscoveryInfo | null {
  if (!isRecord(value) || !('api_roots' in value || 'title' in value)) return null;
  const apiRoots = asStrings(value.api_roots).map((p) => resolveRoot(p, url));
  return {
    title: typeof value.title === 'string' ? value.title : '',
    apiRoots,
    defaultRoot: typeof value.default === 'string' ? resolveRoot(value.default, url) : null,
  };
}

export function readApiRoot(value: unknown): ApiRootInfo | null {
  if (!isRecord(value)) return null;
  const versions = value.versions ?? value.version;
  return {
    title: typeof value.title === 'string' ? value.title : '',
    versions: typeof versions === 'string' ? [versions] : asStrings(versions),
  };
}
