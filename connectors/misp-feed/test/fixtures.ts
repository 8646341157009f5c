/**
 * A small hand-written MISP feed with the traits of real ones: string epoch timestamps (and one numeric), two events
 * sharing one timestamp, `tlp:*` tags among other tags, hashes, composite `a|b` types, a `link`, a `text` value with
 * `\r\n`, a deleted attribute, attributes inside a MISP object, an event with nothing mappable, and a manifest entry
 * whose timestamp is unusable.
 */
export const EVENT = {
  ransom: '5a1b0000-0000-4000-8000-000000000001',
  phish: '5a1b0000-0000-4000-8000-000000000002',
  notes: '5a1b0000-0000-4000-8000-000000000003',
  broken: '5a1b0000-0000-4000-8000-000000000004',
};
const DEMO_ORG = { name: 'Demo CERT', uuid: '5a1b0000-0000-4000-8000-0000000000aa' };

const attr = (uuid: string, type: string, value: string, extra: Record<string, unknown> = {}) => ({
  uuid: `5a1c0000-0000-4000-8000-${uuid.padStart(12, '0')}`, type, category: 'Payload delivery', value, comment: '', to_ids: true, timestamp: '1700000100', ...extra,
});

export const EVENTS: Record<string, unknown> = {
  [EVENT.ransom]: {
    Event: {
      uuid: EVENT.ransom, info: 'Ransomware - Demo Locker', date: '2023-11-14', timestamp: '1700000200', threat_level_id: '3', analysis: '2', published: true,
      Orgc: DEMO_ORG,
      Tag: [{ name: 'tlp:white', colour: '#ffffff' }, { name: 'circl:incident-classification="malware"' }],
      Attribute: [
        attr('1', 'md5', '0123456789ABCDEF0123456789abcdef', { comment: 'dropper' }),
        attr('2', 'sha256', 'a'.repeat(64)),
        attr('3', 'filename', 'locker.exe'),
        attr('4', 'text', 'Key: 00ff,\r\nRounds: 8', { to_ids: false, category: 'Other' }),
        attr('5', 'link', 'https://blog.example.org/demo-locker', { to_ids: false, category: 'External analysis' }),
        attr('6', 'regkey|value', 'HKCU\\Software\\Run|%TEMP%\\locker.exe'),
        attr('7', 'ip-dst', '198.51.100.23', { comment: 'C2' }),
        attr('8', 'ip-dst', '198.51.100.99', { deleted: true }),
        attr('9', 'filename|sha1', 'payload.dll|' + 'b'.repeat(40)),
      ],
      Object: [{ name: 'domain-ip', Attribute: [attr('10', 'domain', 'locker.example.net'), attr('11', 'ip-dst', '203.0.113.5', { to_ids: false })] }],
    },
  },
  [EVENT.phish]: {
    Event: {
      uuid: EVENT.phish, info: 'Phishing wave', date: '2023-11-14', timestamp: '1700000200', threat_level_id: '2', analysis: '1',
      Orgc: { name: 'Partner SOC', uuid: '5a1b0000-0000-4000-8000-0000000000bb' },
      Tag: [{ name: 'tlp:green' }, { name: 'tlp:amber' }, { name: 'phishing' }],
      Attribute: [
        attr('20', 'url', 'https://login.example.com/verify?id=1'),
        attr('21', 'email-src', 'billing@example.com', { to_ids: false }),
        attr('22', 'hostname', 'mail.example.com'),
        attr('23', 'domain|ip', 'portal.example.com|2001:db8::5'),
        attr('24', 'ip-src|port', '192.0.2.44|8443', { Tag: [{ name: 'kill-chain:delivery' }] }),
      ],
    },
  },
  [EVENT.notes]: {
    Event: {
      uuid: EVENT.notes, info: 'Analyst notes only', date: '2023-12-01', timestamp: 1701400000,
      Orgc: DEMO_ORG, Tag: [],
      Attribute: [attr('30', 'comment', 'nothing to import here', { to_ids: false }), attr('31', 'vulnerability', 'CVE-2023-0001')],
    },
  },
};

const entry = (uuid: string) => {
  const e = (EVENTS[uuid] as { Event: Record<string, unknown> }).Event;
  return { Orgc: e.Orgc, Tag: e.Tag, info: e.info, date: e.date, analysis: '2', threat_level_id: '3', timestamp: e.timestamp, distribution: '3' };
};

/** The manifest; `extra` adds or overrides entries. Keys are listed newest first, as real feeds do not sort them. */
export function manifest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    [EVENT.notes]: entry(EVENT.notes),
    [EVENT.phish]: entry(EVENT.phish),
    [EVENT.ransom]: entry(EVENT.ransom),
    [EVENT.broken]: { info: 'no usable timestamp', date: '2023-11-01', timestamp: 'soon', Orgc: DEMO_ORG },
    ...extra,
  };
}
