/**
 * A small Feodo Tracker blocklist written for the tests (documentation addresses only), carrying the real format's
 * quirks: a `#` banner, the header quoted and NOT commented, every field quoted, bare dates in last_online, entries
 * sharing a first_seen second, and a closing `# END n entries` without a trailing newline.
 */
export type C2Row = [firstSeen: string, ip: string, port: string, status: string, lastOnline: string, malware: string];

const BANNER = [
  '################################################################',
  '# abuse.ch Feodo Tracker Botnet C2 IP Blocklist (CSV)          #',
  '# Last updated: 2025-04-04 07:00:00 UTC                        #',
  '#                                                              #',
  '# Terms Of Use: https://feodotracker.abuse.ch/blocklist/       #',
  '################################################################',
  '#',
  '"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"',
];

export const C2_ROWS: C2Row[] = [
  ['2025-02-08 19:20:49', '192.0.2.10', '443', 'offline', '2025-03-11', 'Pikabot'],
  ['2025-03-26 23:30:07', '198.51.100.23', '2223', 'offline', '2025-03-29', 'Pikabot'],
  ['2025-03-26 23:30:07', '203.0.113.77', '13721', 'online', '2025-04-04', 'QakBot'],
  ['2025-04-04 07:00:00', '192.0.2.99', '8080', 'online', '2025-04-04', 'Pikabot'],
];

/** `declared` overrides the count of the END line; `extraLines` go before it. */
export function listText(rows: C2Row[], opts: { declared?: number; extraLines?: string[] } = {}): string {
  const data = rows.map((r) => r.map((cell) => `"${cell}"`).join(','));
  const count = opts.declared ?? rows.length + (opts.extraLines?.length ?? 0);
  return [...BANNER, ...data, ...(opts.extraLines ?? []), `# END ${count} entries`].join('\n');
}
