import { abuseChDate, isCsvRefusal as isRefusal, readAbuseChCsv, readCsvEntries, splitCsvLine, type AbuseChCsv } from '../csv';

const COLUMNS = ['id', 'dateadded', 'url'] as const;
const BANNER = ['################', '# abuse.ch Test Dump (CSV)      #', '# Last updated: 2026-01-02 03:04:05 (UTC) #', '# Terms Of Use: https://example.org/terms #', '################', '#'];

function read(text: string): AbuseChCsv {
  const result = readAbuseChCsv(text, COLUMNS);
  if (isRefusal(result)) throw new Error(`refused: ${result.reason}`);
  return result;
}

describe('abuse.ch CSV reader', () => {
  it('splits quoted fields, keeping commas inside quotes and "" as a quote', () => {
    expect(splitCsvLine('"1","a,b,c","say ""hi"""')).toEqual(['1', 'a,b,c', 'say "hi"']);
    expect(splitCsvLine('"open')).toBeNull();
  });

  it('reads a commented header after the banner, with CRLF line ends, and the banner date', () => {
    const text = [...BANNER, '# id,dateadded,url', '"1","2026-01-01 00:00:00","http://a.example/x"', '"2","2026-01-01 00:00:01","http://b.example/,y"', ''].join('\r\n');
    const csv = read(text);
    expect(csv.rows.map((r) => r.cells)).toEqual([
      { id: '1', dateadded: '2026-01-01 00:00:00', url: 'http://a.example/x' },
      { id: '2', dateadded: '2026-01-01 00:00:01', url: 'http://b.example/,y' },
    ]);
    expect(csv.rows.map((r) => r.line)).toEqual([8, 9]);
    expect(csv.lastUpdated).toBe('2026-01-02 03:04:05 (UTC)');
    expect(csv.problems).toEqual([]);
  });

  it('reads a quoted, uncommented header and a closing "# END" line without a trailing newline', () => {
    const text = [...BANNER, '"id","dateadded","url"', '"1","2026-01-01 00:00:00","http://a.example/x"', '# END 1 entries'].join('\n');
    const csv = read(text);
    expect(csv.rows).toHaveLength(1);
    expect(csv.declaredCount).toBe(1);
  });

  it('reports a line with the wrong field count or an open quote by its number, and keeps the rest', () => {
    const text = ['# id,dateadded,url', '"1","2026-01-01 00:00:00"', '"2","2026-01-01 00:00:00","http://a.example/', '"3","2026-01-01 00:00:00","http://c.example/"'].join('\n');
    const csv = read(text);
    expect(csv.rows.map((r) => r.cells.id)).toEqual(['3']);
    expect(csv.problems).toEqual([
      { line: 2, message: 'expected 3 fields (id,dateadded,url), got 2' },
      { line: 3, message: 'unclosed quote in ""2","2026-01-01 00:00:00","http://a.example/"' },
    ]);
  });

  it('refuses what is not the expected dump: HTML, a zip, another header, no header', () => {
    expect(readAbuseChCsv('<!DOCTYPE html>\n<html></html>', COLUMNS)).toEqual({ reason: 'line 1: expected the header "id,dateadded,url" before any data, got "<!DOCTYPE html>"' });
    expect(readAbuseChCsv('PK\u0003\u0004binary', COLUMNS)).toEqual({ reason: 'is a zip archive, not a CSV dump (use the uncompressed export)' });
    expect(readAbuseChCsv('# id,date,url\n"1","x","y"', COLUMNS)).toEqual({ reason: 'line 1: header names columns "id,date,url", expected "id,dateadded,url"' });
    expect(readAbuseChCsv('# only a banner\n', COLUMNS)).toEqual({ reason: 'no header line "id,dateadded,url" found' });
  });

  it('reads an empty dump (banner and header only) as no rows', () => {
    expect(read('# id,dateadded,url\r\n').rows).toEqual([]);
  });

  it('turns abuse.ch UTC times and bare dates into ISO-8601, and refuses anything else', () => {
    expect(abuseChDate('2024-02-08 19:20:49')).toBe('2024-02-08T19:20:49.000Z');
    expect(abuseChDate('2024-04-01')).toBe('2024-04-01T00:00:00.000Z');
    expect(abuseChDate('2024-13-45 99:00:00')).toBeNull();
    expect(abuseChDate('yesterday')).toBeNull();
  });
});

describe('readCsvEntries: one policy for unreadable lines', () => {
  const opts = { url: 'http://feed.example/list.csv', columns: ['a', 'b'], what: 'a test list', noun: 'list' };
  const toEntry = (_line: number, cells: Record<string, string>) => (/^\d+$/.test(cells.b!) ? { a: cells.a!, b: Number(cells.b) } : `b "${cells.b}" is not a number`);
  const rows = (n: number, bad: number[] = []) => Array.from({ length: n }, (_, i) => `"x${i}","${bad.includes(i) ? 'oops' : i}"`).join('\n');

  it('skips a single unreadable line, naming it', () => {
    const r = readCsvEntries(`# a,b\n${rows(20, [3])}\n`, opts, toEntry);
    expect(r.entries).toHaveLength(19);
    expect(r.skipped).toEqual([{ line: 5, message: 'b "oops" is not a number' }]);
  });
  it('refuses the file when several lines fail and they are over a tenth of the entries', () => {
    expect(() => readCsvEntries(`# a,b\n${rows(20, [1, 2, 3])}\n`, opts, toEntry)).toThrow(
      'http://feed.example/list.csv line 3: b "oops" is not a number (3 of 20 entries unreadable; list refused)',
    );
  });
  it('refuses a cut download whose END count disagrees', () => {
    expect(() => readCsvEntries(`# a,b\n${rows(3)}\n# END 5 entries`, opts, toEntry)).toThrow('the list ends with "END 5 entries" but holds 3 entry line(s); refused as incomplete');
  });
  it('refuses what is not such a file', () => {
    expect(() => readCsvEntries('<html></html>', opts, toEntry)).toThrow(/^http:\/\/feed\.example\/list\.csv: not a test list: /);
  });
});
