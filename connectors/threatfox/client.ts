import { SourceAuthError, SourceDataError, type HttpClient } from '../../core';

/** The most days `get_iocs` accepts (abuse.ch documents 1 to 7). */
export const MAX_DAYS = 7;

/** One ThreatFox IOC as the API gives it, with `first_seen` normalised to ISO-8601 UTC. */
export interface ThreatFoxIoc {
  /** ThreatFox's own IOC id (a decimal string) */
  id: string;
  ioc: string;
  ioc_type: string;
  threat_type: string;
  threat_type_desc: string;
  malware_printable: string;
  /** split from the comma-joined `malware_alias` */
  malware_aliases: string[];
  /** 0-100, or undefined when the record has none */
  confidence_level?: number;
  first_seen: string;
  tags: string[];
  reference: string;
}

export interface SkippedRecord {
  /** 0-based position in `data` */
  index: number;
  id: string;
  problem: string;
}

export interface IocAnswer {
  iocs: ThreatFoxIoc[];
  skipped: SkippedRecord[];
  /** query_status as the API said it (`ok`, `no_result`) */
  status: string;
}

/** "2022-08-05 11:40:15 UTC" (the API's spelling) or ISO-8601 -> ISO-8601 UTC; undefined when it is not a date. */
export function parseThreatFoxDate(text: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?\s*(?:UTC|Z)?$/i.exec(text.trim());
  const d = m ? new Date(`${m[1]}T${m[2]}Z`) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

/** One record of `data`; throws a plain Error saying what is wrong with it (the caller names the record). */
export function parseIocRecord(raw: unknown): ThreatFoxIoc {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('not a JSON object');
  const r = raw as Record<string, unknown>;
  const ioc = text(r.ioc);
  if (ioc === '') throw new Error('no "ioc" value');
  const iocType = text(r.ioc_type);
  if (iocType === '') throw new Error('no "ioc_type"');
  const firstSeen = parseThreatFoxDate(text(r.first_seen));
  if (firstSeen === undefined) throw new Error(`"first_seen" ${JSON.stringify(r.first_seen ?? null)} is not a date`);
  const confidence = typeof r.confidence_level === 'number' ? r.confidence_level : Number.parseInt(text(r.confidence_level), 10);
  return {
    id: text(r.id),
    ioc,
    ioc_type: iocType,
    threat_type: text(r.threat_type),
    threat_type_desc: text(r.threat_type_desc),
    malware_printable: text(r.malware_printable),
    malware_aliases: text(r.malware_alias)
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== ''),
    // out-of-range values are clamped rather than failing the record: the IOC itself is sound
    confidence_level: Number.isFinite(confidence) ? Math.min(100, Math.max(0, Math.round(confidence))) : undefined,
    first_seen: firstSeen,
    tags: Array.isArray(r.tags) ? r.tags.map(text).filter((t) => t !== '') : [],
    reference: text(r.reference),
  };
}

/**
 * The `{"query_status": ..., "data": ...}` envelope. `no_result` is an empty answer; `unknown_auth_key` is a refused
 * key; any other status is an error naming it. A malformed record is skipped (reported in `skipped`) unless every
 * record is malformed, which says the answer itself is not what we expect.
 */
export function parseIocAnswer(body: unknown, url: string): IocAnswer {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new SourceDataError(`${url}: expected a JSON object with "query_status", got ${Array.isArray(body) ? 'an array' : typeof body}`);
  const envelope = body as Record<string, unknown>;
  const status = text(envelope.query_status);
  if (status === 'no_result') return { iocs: [], skipped: [], status };
  if (status === 'unknown_auth_key') throw new SourceAuthError(`${url}: ThreatFox refused the Auth-Key (query_status "unknown_auth_key"); check THREATFOX_API_KEY (keys are issued at https://auth.abuse.ch/)`);
  if (status !== 'ok') throw new SourceDataError(`${url}: ThreatFox answered query_status "${status || '(none)'}"${typeof envelope.data === 'string' ? `: ${envelope.data.slice(0, 200)}` : ''}`);
  if (!Array.isArray(envelope.data)) throw new SourceDataError(`${url}: query_status "ok" but "data" is not a list`);
  const iocs: ThreatFoxIoc[] = [];
  const skipped: SkippedRecord[] = [];
  envelope.data.forEach((raw, index) => {
    try {
      iocs.push(parseIocRecord(raw));
    } catch (err) {
      const id = raw !== null && typeof raw === 'object' ? text((raw as Record<string, unknown>).id) : '';
      skipped.push({ index, id, problem: (err as Error).message });
    }
  });
  if (iocs.length === 0 && skipped.length > 0) {
    const first = skipped[0]!;
    throw new SourceDataError(`${url}: none of the ${skipped.length} record(s) is readable; record ${first.index}${first.id ? ` (id ${first.id})` : ''}: ${first.problem}`);
  }
  return { iocs, skipped, status };
}

/** POST `{"query": "get_iocs", "days": n}` with the Auth-Key header. */
export async function fetchRecentIocs(http: HttpClient, url: string, apiKey: string, days: number, signal: AbortSignal): Promise<IocAnswer> {
  const res = await http.request({ url, method: 'POST', headers: { 'Auth-Key': apiKey }, body: { query: 'get_iocs', days }, signal });
  return parseIocAnswer(res.json(), url);
}

/** How many days to ask for so that everything after `from` is covered: whole days rounded up, 1 to MAX_DAYS. */
export function daysSince(from: string | undefined, now: Date): number {
  if (!from) return MAX_DAYS;
  // an hour of margin for clocks that disagree with abuse.ch's
  const elapsed = now.getTime() - new Date(from).getTime() + 3_600_000;
  return Math.min(MAX_DAYS, Math.max(1, Math.ceil(elapsed / 86_400_000)));
}
