/**
 * Reader for abuse.ch CSV dumps: a `#` banner, a header line that is either commented (`# id,dateadded,...`) or
 * quoted and bare (`"first_seen_utc","dst_ip",...`), every field quoted, CRLF or LF line ends, and sometimes a
 * closing `# END n entries` without a trailing newline. Pure: text in, rows and per-line problems out.
 * In core because several feeds publish this shape (URLhaus, Feodo Tracker) and connectors never import each other.
 */
import { SourceDataError } from '../errors';

/** Splits one CSV line; double quotes protect commas and `""` is a literal quote. Null when a quote is left open. */
export function splitCsvLine(text: string): string[] | null {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  if (quoted) return null;
  cells.push(cell);
  return cells.map((c) => c.trim());
}

export interface CsvRow {
  /** 1-based line in the file, for messages */
  line: number;
  cells: Record<string, string>;
}

export interface CsvProblem {
  line: number;
  message: string;
}

export interface AbuseChCsv {
  rows: CsvRow[];
  /** lines that could not be read, in file order */
  problems: CsvProblem[];
  /** the banner's "Last updated: ..." text, when there is one */
  lastUpdated?: string;
  /** the count a closing `# END n entries` line declares, when there is one (a cut download lacks it) */
  declaredCount?: number;
}

/** Why the whole text is not the expected dump, or undefined. */
export type CsvRefusal = { reason: string };

const sameColumns = (cells: string[], columns: readonly string[]) => cells.length === columns.length && cells.every((c, i) => c === columns[i]);

/**
 * Reads the dump. The header must name exactly `columns` (a changed format is refused, not guessed at); a data line
 * with another field count or an open quote becomes a problem naming its line. Returns a refusal when the text is
 * not such a dump at all (an HTML page, a zip archive, no header).
 */
export function readAbuseChCsv(text: string, columns: readonly string[]): AbuseChCsv | CsvRefusal {
  if (text.startsWith('PK\u0003\u0004')) return { reason: 'is a zip archive, not a CSV dump (use the uncompressed export)' };
  const rows: CsvRow[] = [];
  const problems: CsvProblem[] = [];
  let headerSeen = false;
  let lastUpdated: string | undefined;
  let declaredCount: number | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const comment = trimmed.replace(/^#+/, '').trim();
      const updated = /^Last updated:\s*(.+?)\s*#*$/i.exec(comment);
      if (updated) lastUpdated = updated[1];
      const end = /^END (\d+) entries$/i.exec(comment);
      if (end) declaredCount = Number(end[1]);
      if (!headerSeen && comment.includes(',')) {
        const cells = splitCsvLine(comment);
        if (cells && sameColumns(cells, columns)) headerSeen = true;
        else if (cells && cells.length > 1 && cells[0] === columns[0]) return { reason: `line ${line}: header names columns "${comment}", expected "${columns.join(',')}"` };
      }
      continue;
    }
    const cells = splitCsvLine(trimmed);
    if (!headerSeen) {
      if (cells && sameColumns(cells, columns)) {
        headerSeen = true;
        continue;
      }
      return { reason: `line ${line}: expected the header "${columns.join(',')}" before any data, got "${excerpt(trimmed)}"` };
    }
    if (cells === null) {
      problems.push({ line, message: `unclosed quote in "${excerpt(trimmed)}"` });
      continue;
    }
    if (cells.length !== columns.length) {
      problems.push({ line, message: `expected ${columns.length} fields (${columns.join(',')}), got ${cells.length}` });
      continue;
    }
    rows.push({ line, cells: Object.fromEntries(columns.map((c, i) => [c, cells[i]!])) });
  }
  if (!headerSeen) return { reason: `no header line "${columns.join(',')}" found` };
  return { rows, problems, lastUpdated, declaredCount };
}

export function isCsvRefusal(result: AbuseChCsv | CsvRefusal): result is CsvRefusal {
  return 'reason' in result;
}

function excerpt(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}

/** abuse.ch writes UTC times as `2024-02-08 19:20:49` (or a bare date); gives ISO-8601 UTC, or null. */
export function abuseChDate(text: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?(?:\s*UTC)?$/i.exec(text.trim());
  if (!m) return null;
  const date = new Date(`${m[1]}T${m[2] ?? '00:00:00'}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export interface CsvEntries<T> {
  entries: T[];
  /** lines skipped as unreadable, in file order */
  skipped: CsvProblem[];
  lastUpdated?: string;
}

export interface CsvEntriesOptions {
  url: string;
  columns: readonly string[];
  /** what the file should be, for messages: `a URLhaus CSV dump` */
  what: string;
  /** how messages call the file: `dump`, `list` */
  noun: string;
}

/**
 * Reads a dump into checked entries with one policy for every feed of this shape: a single unreadable line is skipped
 * and reported with its line; the whole file is refused (SourceDataError naming the URL) when it is not such a dump,
 * when nothing is readable, when several lines fail and they are over a tenth of the entries, or when a closing
 * `# END n entries` disagrees with the lines read (a cut download). `toEntry` returns the entry or why the line is bad.
 */
export function readCsvEntries<T>(text: string, opts: CsvEntriesOptions, toEntry: (line: number, cells: Record<string, string>) => T | string): CsvEntries<T> {
  const { url, noun } = opts;
  const csv = readAbuseChCsv(text, opts.columns);
  if (isCsvRefusal(csv)) throw new SourceDataError(`${url}: not ${opts.what}: ${csv.reason}`);
  const entries: T[] = [];
  const skipped: CsvProblem[] = [...csv.problems];
  for (const row of csv.rows) {
    const entry = toEntry(row.line, row.cells);
    if (typeof entry === 'string') skipped.push({ line: row.line, message: entry });
    else entries.push(entry);
  }
  skipped.sort((a, b) => a.line - b.line);
  const total = entries.length + skipped.length;
  if (csv.declaredCount !== undefined && csv.declaredCount !== total) {
    throw new SourceDataError(`${url}: the ${noun} ends with "END ${csv.declaredCount} entries" but holds ${total} entry line(s); refused as incomplete`);
  }
  const first = skipped[0];
  if (first && (entries.length === 0 || (skipped.length > 1 && skipped.length * 10 > total))) {
    throw new SourceDataError(`${url} line ${first.line}: ${first.message} (${skipped.length} of ${total} entries unreadable; ${noun} refused)`);
  }
  return { entries, skipped, lastUpdated: csv.lastUpdated };
}
