/**
 * Small ThreatFox `get_iocs` answers written for these tests. They carry the real API's quirks: dates spelled
 * "YYYY-MM-DD hh:mm:ss UTC", ids as strings, `malware_alias` null or comma-joined, `tags` a list or null,
 * `reference` null or a URL, `ip:port` values including an IPv6 address with its port after the last colon,
 * two records sharing one first_seen second, and a family ThreatFox calls "Unknown malware".
 */
export interface IocRecord {
  id: string;
  ioc: string;
  ioc_type: string;
  threat_type: string;
  threat_type_desc: string;
  malware_printable: string;
  malware_alias: string | null;
  confidence_level: number;
  first_seen: string;
  last_seen: null;
  reference: string | null;
  reporter: string;
  tags: string[] | null;
}

const base = { threat_type: 'botnet_cc', threat_type_desc: 'Indicator that identifies a botnet command&control server (C&C)', last_seen: null, reporter: 'tester' };

export const RECORDS: IocRecord[] = [
  { ...base, id: '900006', ioc: '198.51.100.23:8080', ioc_type: 'ip:port', malware_printable: 'Cobalt Strike', malware_alias: 'Agentemis,BEACON,CobaltStrike', confidence_level: 75, first_seen: '2024-05-02 09:15:00 UTC', reference: 'https://example.org/report/cs', tags: ['c2', 'CobaltStrike'] },
  { ...base, id: '900005', ioc: '2001:db8:1::5:40669', ioc_type: 'ip:port', malware_printable: 'RedLine Stealer', malware_alias: null, confidence_level: 100, first_seen: '2024-05-02 09:15:00 UTC', reference: null, tags: ['RedLineStealer'] },
  { ...base, id: '900004', ioc: 'http://login-update.example.net/gate.php', ioc_type: 'url', threat_type: 'payload_delivery', threat_type_desc: 'URL that delivers a malware payload', malware_printable: 'Hydra', malware_alias: null, confidence_level: 50, first_seen: '2024-05-01 22:40:10 UTC', reference: null, tags: null },
  { ...base, id: '900003', ioc: 'Bad-C2.example.com', ioc_type: 'domain', malware_printable: 'Unknown malware', malware_alias: null, confidence_level: 50, first_seen: '2024-05-01 12:00:00 UTC', reference: null, tags: ['unknown'] },
  { ...base, id: '900002', ioc: 'd41d8cd98f00b204e9800998ecf8427e', ioc_type: 'md5_hash', threat_type: 'payload', threat_type_desc: 'Indicator that identifies a malware sample (payload)', malware_printable: 'Emotet', malware_alias: 'Geodo,Heodo', confidence_level: 90, first_seen: '2024-05-01 08:00:00 UTC', reference: null, tags: ['exe'] },
  { ...base, id: '900001', ioc: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', ioc_type: 'sha256_hash', threat_type: 'payload', threat_type_desc: 'Indicator that identifies a malware sample (payload)', malware_printable: 'Emotet', malware_alias: 'Geodo,Heodo', confidence_level: 90, first_seen: '2024-05-01 08:00:00 UTC', reference: null, tags: ['exe'] },
];

export function okAnswer(records: unknown[]): string {
  return JSON.stringify({ query_status: 'ok', data: records });
}

/** What the API says when nothing matched: `data` is a sentence, not a list. */
export const NO_RESULT = JSON.stringify({ query_status: 'no_result', data: 'Your search did not yield any results' });
export const UNKNOWN_KEY = JSON.stringify({ query_status: 'unknown_auth_key' });
