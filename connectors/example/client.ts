import { SourceDataError, splitCsvLine, type HttpClient } from '../../core';

/** One line of the example IOC list. */
export interface IocRow {
  /** 1-based line in the file, for error messages */
  line: number;
  first_seen: string;
  type: string;
  value: string;
  threat: string;
  description: string;
}

/** Parses the list: `#` lines are comments; a malformed line is an error naming its number. */
export function parseIocCsv(text: string, url: string): IocRow[] {
  const rows: IocRow[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const cells = splitCsvLine(raw);
    if (cells === null) throw new SourceDataError(`${url} line ${i + 1}: a quoted field is not closed`);
    if (cells.length < 3) throw new SourceDataError(`${url} line ${i + 1}: expected first_seen,type,value[,threat,description], got ${cells.length} field(s)`);
    const [first_seen, type, value, threat = '', description = ''] = cells as [string, string, string, string?, string?];
    if (Number.isNaN(Date.parse(first_seen))) throw new SourceDataError(`${url} line ${i + 1}: "${first_seen}" is not a date`);
    rows.push({ line: i + 1, first_seen: new Date(first_seen).toISOString(), type, value, threat, description });
  }
  return rows;
}

export async function fetchIocs(http: HttpClient, url: string, signal: AbortSignal): Promise<IocRow[]> {
  const res = await http.get(url, { signal });
  return parseIocCsv(res.text(), url);
}
