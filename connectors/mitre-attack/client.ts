import { SourceDataError, type HttpClient, type StixObject } from '../../core';

/** What the last fetch of one URL said about the file, for the next conditional GET. */
export interface Validators {
  etag?: string;
  last_modified?: string;
}

/** One fetched ATT&CK bundle, or `unchanged` when the server answered 304 Not Modified. */
export type FetchedBundle =
  | { unchanged: true; validators: Validators }
  | { unchanged: false; validators: Validators; bundleId: string; objects: StixObject[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a STIX bundle; anything but `{"type": "bundle", "objects": [...]}` is an error naming the URL. */
export function parseBundle(text: string, url: string): { bundleId: string; objects: StixObject[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new SourceDataError(`${url}: not JSON (${(err as Error).message})`);
  }
  if (!isRecord(parsed) || parsed.type !== 'bundle') throw new SourceDataError(`${url}: not a STIX bundle (no "type": "bundle")`);
  if (!Array.isArray(parsed.objects)) throw new SourceDataError(`${url}: the bundle has no "objects" list`);
  // Non-object entries are kept: the splitter reports each one as malformed, naming it, and the rest goes on.
  return { bundleId: typeof parsed.id === 'string' ? parsed.id : '', objects: parsed.objects as StixObject[] };
}

/** GETs one bundle, conditionally when validators from the last complete delivery are given. */
export async function fetchBundle(http: HttpClient, url: string, previous: Validators | undefined, signal: AbortSignal): Promise<FetchedBundle> {
  const headers: Record<string, string> = {};
  if (previous?.etag) headers['if-none-match'] = previous.etag;
  if (previous?.last_modified) headers['if-modified-since'] = previous.last_modified;
  const res = await http.get(url, { headers, signal });
  const validators: Validators = {};
  if (res.headers.etag) validators.etag = res.headers.etag;
  if (res.headers['last-modified']) validators.last_modified = res.headers['last-modified'];
  if (res.status === 304) return { unchanged: true, validators: { ...previous, ...validators } };
  return { unchanged: false, validators, ...parseBundle(res.text(), url) };
}
