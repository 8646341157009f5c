import { type HttpClient, abuseChDate, readCsvEntries, type CsvProblem } from '../../core';

export const URLHAUS_COLUMNS = ['id', 'dateadded', 'url', 'url_status', 'last_online', 'threat', 'tags', 'urlhaus_link', 'reporter'] as const;

/** One URLhaus entry, checked: dates in ISO-8601 UTC, tags split ("None" = no tags). */
export interface UrlhausEntry {
  line: number;
  id: string;
  dateadded: string;
  url: string;
  url_status: string;
  last_online?: string;
  threat: string;
  tags: string[];
  urlhaus_link?: string;
  reporter: string;
}

export interface UrlhausDump {
  entries: UrlhausEntry[];
  /** lines skipped, each naming its number and why */
  skipped: CsvProblem[];
  lastUpdated?: string;
}

/** abuse.ch writes "None" where an entry has no tags (and sometimes where it has no value at all). */
const orNone = (text: string) => (text === '' || text === 'None' ? undefined : text);

function toEntry(line: number, cells: Record<string, string>): UrlhausEntry | string {
  const id = cells.id ?? '';
  if (!/^\d+$/.test(id)) return `id "${id}" is not a number`;
  const dateadded = abuseChDate(cells.dateadded ?? '');
  if (dateadded === null) return `entry ${id}: dateadded "${cells.dateadded}" is not a date`;
  const url = cells.url ?? '';
  if (!URL.canParse(url)) return `entry ${id}: "${url}" is not a URL`;
  const lastOnline = orNone(cells.last_online ?? '');
  const link = orNone(cells.urlhaus_link ?? '');
  return {
    line,
    id,
    dateadded,
    url,
    url_status: cells.url_status ?? '',
    last_online: lastOnline === undefined ? undefined : (abuseChDate(lastOnline) ?? undefined),
    threat: orNone(cells.threat ?? '') ?? '',
    tags: (orNone(cells.tags ?? '') ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '' && t !== 'None'),
    urlhaus_link: link !== undefined && URL.canParse(link) ? link : undefined,
    reporter: orNone(cells.reporter ?? '') ?? '',
  };
}

/**
 * Parses a URLhaus CSV dump. Policy: a single unreadable entry is skipped (reported in `skipped`, naming its line)
 * when the rest is sound; when several fail and they are more than a tenth of the lines, or nothing can be read, the whole file is refused
 * with one line naming the URL and the first bad line, since that means the format changed. A closing
 * `# END n entries` (when the dump has one) that disagrees with the lines read means a cut download: refused too.
 */
export function parseUrlhausCsv(text: string, url: string): UrlhausDump {
  return readCsvEntries(text, { url, columns: URLHAUS_COLUMNS, what: 'a URLhaus CSV dump', noun: 'dump' }, toEntry);
}

export async function fetchUrlhausDump(http: HttpClient, url: string, signal: AbortSignal): Promise<UrlhausDump> {
  const res = await http.get(url, { signal });
  return parseUrlhausCsv(res.text(), url);
}
