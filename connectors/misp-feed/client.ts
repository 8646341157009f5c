import { SourceDataError, type HttpClient } from '../../core';

/** One event as `manifest.json` lists it (uuid -> entry). */
export interface ManifestEntry {
  uuid: string;
  info: string;
  /** YYYY-MM-DD */
  date: string;
  /** last change, epoch seconds (strings in most feeds, numbers in some) */
  timestamp: number;
  orgc: string;
  tags: string[];
}

export interface MispAttribute {
  uuid: string;
  type: string;
  category: string;
  value: string;
  comment: string;
  to_ids: boolean;
  /** epoch seconds, 0 when absent */
  timestamp: number;
  tags: string[];
}

/** An event file: what the manifest says of it, plus its own details and attributes. */
export interface MispEvent extends ManifestEntry {
  threatLevel: string;
  analysis: string;
  /** the event's own attributes, then those of its MISP objects; deleted ones left out */
  attributes: MispAttribute[];
}

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
const flag = (value: unknown): boolean => value === true || value === 1 || value === '1' || value === 'true';
/** MISP writes epoch seconds as strings or numbers; NaN when neither. */
export const epochSeconds = (value: unknown): number => (/^\d+$/.test(text(value)) ? Number(text(value)) : NaN);
const tagNames = (value: unknown): string[] => (Array.isArray(value) ? value.map((t) => text(isRecord(t) ? t.name : t)).filter((t) => t !== '') : []);
const orgName = (value: unknown): string => (isRecord(value) ? text(value.name) : '');

function parseJson(body: string, url: string): unknown {
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new SourceDataError(`${url}: not JSON (${(err as Error).message})`);
  }
}

/**
 * Parses `manifest.json`. An entry without a usable timestamp cannot be placed on the cursor: it is returned in
 * `skipped` (with why) for the caller to warn about, and the rest goes on.
 */
export function parseManifest(body: string, url: string): { entries: ManifestEntry[]; skipped: Array<{ uuid: string; reason: string }> } {
  const doc = parseJson(body, url);
  if (!isRecord(doc)) throw new SourceDataError(`${url}: a MISP feed manifest is a JSON object of event uuid -> entry`);
  const entries: ManifestEntry[] = [];
  const skipped: Array<{ uuid: string; reason: string }> = [];
  for (const [uuid, raw] of Object.entries(doc)) {
    if (!isRecord(raw)) {
      skipped.push({ uuid, reason: 'entry is not an object' });
      continue;
    }
    const timestamp = epochSeconds(raw.timestamp);
    if (Number.isNaN(timestamp)) {
      skipped.push({ uuid, reason: `timestamp "${text(raw.timestamp)}" is not epoch seconds` });
      continue;
    }
    entries.push({ uuid, info: text(raw.info), date: text(raw.date), timestamp, orgc: orgName(raw.Orgc), tags: tagNames(raw.Tag) });
  }
  return { entries, skipped };
}

function parseAttribute(raw: unknown): MispAttribute | null {
  if (!isRecord(raw) || flag(raw.deleted)) return null;
  return {
    uuid: text(raw.uuid),
    type: text(raw.type),
    category: text(raw.category),
    value: text(raw.value),
    comment: text(raw.comment),
    to_ids: flag(raw.to_ids),
    timestamp: epochSeconds(raw.timestamp) || 0,
    tags: tagNames(raw.Tag),
  };
}

/** Parses one event: `{"Event": {...}}` as feeds write it, or a restSearch answer `{"response": [{"Event": {...}}]}`. */
export function parseEvent(body: string, url: string): MispEvent {
  const doc = parseJson(body, url);
  const wrapped = isRecord(doc) && Array.isArray(doc.response) ? doc.response[0] : doc;
  const event = isRecord(wrapped) ? wrapped.Event : undefined;
  if (!isRecord(event)) throw new SourceDataError(`${url}: not a MISP event (no "Event" object)`);
  const info = text(event.info);
  if (info === '') throw new SourceDataError(`${url}: the event has no "info"`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text(event.date))) throw new SourceDataError(`${url}: event date "${text(event.date)}" is not YYYY-MM-DD`);
  const own = Array.isArray(event.Attribute) ? event.Attribute : [];
  const inObjects = (Array.isArray(event.Object) ? event.Object : []).flatMap((o) => (isRecord(o) && !flag(o.deleted) && Array.isArray(o.Attribute) ? o.Attribute : []));
  return {
    uuid: text(event.uuid),
    info,
    date: text(event.date),
    timestamp: epochSeconds(event.timestamp) || 0,
    orgc: orgName(event.Orgc),
    tags: tagNames(event.Tag),
    threatLevel: text(event.threat_level_id),
    analysis: text(event.analysis),
    attributes: [...own, ...inObjects].map(parseAttribute).filter((a): a is MispAttribute => a !== null),
  };
}

/** `<base>/manifest.json` and `<base>/<uuid>.json`, whether or not the configured base ends with a slash. */
export function feedUrl(base: string, file: string): string {
  return new URL(file, base.endsWith('/') ? base : `${base}/`).toString();
}

export async function fetchManifest(http: HttpClient, base: string, signal: AbortSignal): Promise<ReturnType<typeof parseManifest>> {
  const url = feedUrl(base, 'manifest.json');
  const res = await http.get(url, { signal });
  return parseManifest(res.text(), url);
}

/**
 * Fetches one event. HTTP failures throw (the run stops, the cursor stays before this event, the next run retries);
 * a body that is not a MISP event comes back as `malformed` (the message names the URL), for the caller to skip.
 */
export async function fetchEvent(http: HttpClient, base: string, uuid: string, signal: AbortSignal): Promise<{ event: MispEvent } | { malformed: string }> {
  const url = feedUrl(base, `${encodeURIComponent(uuid)}.json`);
  const res = await http.get(url, { signal });
  try {
    return { event: parseEvent(res.text(), url) };
  } catch (err) {
    if (err instanceof SourceDataError) return { malformed: err.message };
    throw err;
  }
}
