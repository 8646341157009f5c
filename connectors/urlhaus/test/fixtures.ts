/**
 * A small URLhaus dump written for the tests (documentation addresses and example.* hosts only), carrying the real
 * format's quirks: a `#` banner, the commented header, every field quoted, "None" for no tags, tags comma-joined
 * inside one field, newest first, CRLF line ends, entries sharing a dateadded.
 */
export type Row = [id: string, dateadded: string, url: string, status: string, lastOnline: string, threat: string, tags: string, link: string, reporter: string];

const BANNER = [
  '################################################################',
  '# abuse.ch URLhaus Database Dump (CSV - online URLs only)      #',
  '# Last updated: 2025-05-06 10:00:00 (UTC)                      #',
  '#                                                              #',
  '# Terms Of Use: https://urlhaus.abuse.ch/api/                  #',
  '################################################################',
  '#',
  '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter',
];

export const row = (id: string, dateadded: string, url: string, tags = 'None', threat = 'malware_download'): Row => [
  id,
  dateadded,
  url,
  'online',
  dateadded,
  threat,
  tags,
  `https://urlhaus.abuse.ch/url/${id}/`,
  'tester_1',
];

export const ROWS: Row[] = [
  row('1005', '2025-05-06 09:30:00', 'http://192.0.2.50:4321/i', 'None'),
  row('1003', '2025-05-06 09:00:00', 'http://198.51.100.7/bins/x.arm7', '32-bit,elf,mirai'),
  row('1004', '2025-05-06 09:00:00', 'http://198.51.100.7/bins/x.mips', '32-bit,elf,mirai'),
  row('1002', '2025-05-05 12:00:00', "https://files.example.com/it's/a,b.exe", 'exe,AgentTesla'),
  row('1001', '2025-05-04 08:15:00', 'http://mal.example.net/payload.sh', 'sh,ua-wget'),
];

export function dumpText(rows: Row[], opts: { lineEnd?: string; extraLines?: string[] } = {}): string {
  const lineEnd = opts.lineEnd ?? '\r\n';
  const data = rows.map((r) => r.map((cell) => `"${cell.replace(/"/g, '""')}"`).join(','));
  return [...BANNER, ...data, ...(opts.extraLines ?? [])].join(lineEnd) + lineEnd;
}
