import { SourceDataError, type HttpClient } from '../../core';

/** One record of the source, as the API returns it. */
export interface SourceRecord {
  id: string;
  type: 'ipv4-addr' | 'domain-name' | 'url';
  value: string;
  first_seen: string;
  description?: string;
}

const TYPES = new Set(['ipv4-addr', 'domain-name', 'url']);

/** Fetches and checks the list; a malformed record is an error naming its position. */
export async function fetchRecords(http: HttpClient, url: string, apiKey: string | undefined, signal: AbortSignal): Promise<SourceRecord[]> {
  const res = await http.get(url, { signal, headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
  const body = res.json<unknown>();
  if (!Array.isArray(body)) throw new SourceDataError(`${url}: expected a JSON array of records`);
  return body.map((item: unknown, i) => {
    const r = item as Partial<SourceRecord>;
    if (typeof r.id !== 'string' || typeof r.value !== 'string' || !TYPES.has(String(r.type)) || Number.isNaN(Date.parse(String(r.first_seen)))) {
      throw new SourceDataError(`${url}: record ${i} is not {id, type, value, first_seen}`);
    }
    return { ...r, first_seen: new Date(String(r.first_seen)).toISOString() } as SourceRecord;
  });
}
