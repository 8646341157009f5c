import { mapIoc, splitIpPort } from '../convert';
import { daysSince, parseThreatFoxDate } from '../client';

describe('threatfox mapping', () => {
  it('reads ip:port for IPv4, bare IPv6 (port after the last colon) and bracketed IPv6', () => {
    expect(mapIoc({ ioc: '192.0.2.7:443', ioc_type: 'ip:port' })).toEqual({ kind: 'value', type: 'ipv4-addr', value: '192.0.2.7', port: 443 });
    expect(mapIoc({ ioc: '2a02:cf40:1::5:40669', ioc_type: 'ip:port' })).toEqual({ kind: 'value', type: 'ipv6-addr', value: '2a02:cf40:1::5', port: 40669 });
    expect(mapIoc({ ioc: '[2001:DB8::1]:8443', ioc_type: 'ip:port' })).toEqual({ kind: 'value', type: 'ipv6-addr', value: '2001:db8::1', port: 8443 });
    expect(splitIpPort('192.0.2.7:99999')).toBeUndefined();
  });

  it('leaves out values it cannot read and types it does not import', () => {
    expect(mapIoc({ ioc: 'not-an-ip:80', ioc_type: 'ip:port' })).toBeUndefined();
    expect(mapIoc({ ioc: 'zz-not-hex', ioc_type: 'md5_hash' })).toBeUndefined();
    expect(mapIoc({ ioc: 'something', ioc_type: 'envelope_from' })).toBeUndefined();
    expect(mapIoc({ ioc: 'ABCDEF0123456789ABCDEF0123456789', ioc_type: 'md5_hash' })).toEqual({ kind: 'hash', algorithm: 'MD5', value: 'abcdef0123456789abcdef0123456789' });
  });

  it('reads the API date spelling and sizes the days window from the cursor', () => {
    expect(parseThreatFoxDate('2022-08-05 11:40:15 UTC')).toBe('2022-08-05T11:40:15.000Z');
    expect(parseThreatFoxDate('2022-08-05T11:40:15Z')).toBe('2022-08-05T11:40:15.000Z');
    expect(parseThreatFoxDate('05/08/2022')).toBeUndefined();
    const now = new Date('2024-05-10T12:00:00Z');
    expect(daysSince(undefined, now)).toBe(7);
    expect(daysSince('2024-05-10T11:00:00.000Z', now)).toBe(1);
    expect(daysSince('2024-05-08T12:00:00.000Z', now)).toBe(3);
    expect(daysSince('2024-01-01T00:00:00.000Z', now)).toBe(7);
  });
});
