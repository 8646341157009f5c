import { feedUrl, parseManifest } from '../client';
import { observedOf, tlpOf } from '../convert';

describe('misp-feed mapping', () => {
  it('maps attribute types to observables, splitting composite values', () => {
    expect(observedOf({ type: 'ip-dst|port', value: '192.0.2.1|443' })).toEqual([{ kind: 'value', type: 'ipv4-addr', value: '192.0.2.1' }]);
    expect(observedOf({ type: 'ip-src', value: '2001:db8::1' })).toEqual([{ kind: 'value', type: 'ipv6-addr', value: '2001:db8::1' }]);
    expect(observedOf({ type: 'filename|sha256', value: 'a.exe|ABCDEF' })).toEqual([{ kind: 'file', algorithm: 'SHA-256', hash: 'abcdef', name: 'a.exe' }]);
    expect(observedOf({ type: 'email-dst', value: ' x@example.com ' })).toEqual([{ kind: 'value', type: 'email-addr', value: 'x@example.com' }]);
    for (const type of ['text', 'comment', 'regkey|value', 'filename', 'vulnerability', 'link']) expect(observedOf({ type, value: 'v' })).toEqual([]);
    expect(observedOf({ type: 'domain', value: '   ' })).toEqual([]);
  });

  it('takes the strictest tlp tag, ignores unknown ones, else the configured TLP', () => {
    expect(tlpOf(['tlp:white'], 'TLP:RED')).toBe('TLP:CLEAR');
    expect(tlpOf(['TLP:GREEN', 'tlp:amber+strict', 'tlp:amber'], 'TLP:CLEAR')).toBe('TLP:AMBER+STRICT');
    expect(tlpOf(['tlp:ex:chr', 'osint'], 'TLP:GREEN')).toBe('TLP:GREEN');
  });

  it('reads string and numeric manifest timestamps and names the entries it cannot place', () => {
    const { entries, skipped } = parseManifest(JSON.stringify({ a: { info: 'A', date: '2024-01-01', timestamp: '1704067200', Orgc: { name: 'X' }, Tag: [{ name: 'tlp:green' }] }, b: { info: 'B', timestamp: 1704067201 }, c: { info: 'C' }, d: 'x' }), 'http://h/manifest.json');
    expect(entries.map((e) => [e.uuid, e.timestamp, e.orgc, e.tags])).toEqual([['a', 1704067200, 'X', ['tlp:green']], ['b', 1704067201, '', []]]);
    expect(skipped).toEqual([{ uuid: 'c', reason: 'timestamp "" is not epoch seconds' }, { uuid: 'd', reason: 'entry is not an object' }]);
  });

  it('resolves event files under the base with or without a trailing slash', () => {
    expect(feedUrl('https://www.circl.lu/doc/misp/feed-osint/', 'manifest.json')).toBe('https://www.circl.lu/doc/misp/feed-osint/manifest.json');
    expect(feedUrl('https://www.circl.lu/doc/misp/feed-osint', 'x.json')).toBe('https://www.circl.lu/doc/misp/feed-osint/x.json');
  });
});
