import { type HttpClient, abuseChDate, readCsvEntries, type CsvProblem } from '../../core';

export const FEODO_COLUMNS = ['first_seen_utc', 'dst_ip', 'dst_port', 'c2_status', 'last_online', 'malware'] as const;

/** One botnet C2 of the blocklist, checked: dates in ISO-8601 UTC, a dotted IPv4 address, a port number. */
export interface C2Entry {
  line: number;
  first_seen: string;
  ip: string;
  port: number;
  /** `online` / `offline` as the list says */
  status: string;
  /** ISO-8601 day, when given */
  last_online?: string;
  /** family name (`Pikabot`, `QakBot`...), '' when the list gives none */
  malware: string;
}

export interface C2List {
  entries: C2Entry[];
  /** lines skipped, each naming its number and why */
  skipped: CsvProblem[];
  lastUpdated?: string;
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

function toEntry(line: number, cells: Record<string, string>): C2Entry | string {
  const firstSeen = abuseChDate(cells.first_seen_utc ?? '');
  if (firstSeen === null) return `first_seen_utc "${cells.first_seen_utc}" is not a date`;
  const ip = cells.dst_ip ?? '';
  if (!IPV4.test(ip)) return `dst_ip "${ip}" is not an IPv4 address`;
  const portText = cells.dst_port ?? '';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) return `${ip}: dst_port "${portText}" is not a port number`;
  const lastOnline = cells.last_online ? abuseChDate(cells.last_online) : null;
  return { line, first_seen: firstSeen, ip, port, status: cells.c2_status ?? '', last_online: lastOnline ?? undefined, malware: cells.malware ?? '' };
}

/**
 * Parses the Feodo Tracker CSV blocklist. Policy: a single unreadable line is skipped (reported in `skipped`, naming
 * its line) when the rest is sound; when several fail and they are more than a tenth of the lines, or nothing can
 * be read, the list is refused with one line naming the URL and the first bad line. A closing `# END n entries`
 * that disagrees with the lines read means a cut or altered download: refused too.
 */
export function parseFeodoCsv(text: string, url: string): C2List {
  return readCsvEntries(text, { url, columns: FEODO_COLUMNS, what: 'a Feodo Tracker CSV blocklist', noun: 'list' }, toEntry);
}

export async function fetchC2List(http: HttpClient, url: string, signal: AbortSignal): Promise<C2List> {
  const res = await http.get(url, { signal });
  return parseFeodoCsv(res.text(), url);
}
