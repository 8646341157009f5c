import { parseFeedDate } from '../dates';

const iso = (text: string): string | null => parseFeedDate(text)?.toISOString() ?? null;

describe('feed dates', () => {
  it('reads RFC 822 dates with numeric and named zones, in UTC', () => {
    expect(iso('Fri, 25 Jul 2025 00:00:00 +0000')).toBe('2025-07-25T00:00:00.000Z');
    expect(iso('Thu, 24 Jul 2025 08:30:00 GMT')).toBe('2025-07-24T08:30:00.000Z');
    expect(iso('Mon, 09 Apr 2018 18:55:38 EDT')).toBe('2018-04-09T22:55:38.000Z');
    expect(iso('Mon, 09 Apr 2018 18:55:38 PST')).toBe('2018-04-10T02:55:38.000Z');
    expect(iso('Mon, 09 Apr 2018 18:55:38 CEST')).toBe('2018-04-09T16:55:38.000Z');
    expect(iso('9 Apr 2018 18:55 +0530')).toBe('2018-04-09T13:25:00.000Z');
    expect(iso('Mon, 09 Apr 2018 18:55:38 +0000 (UTC)')).toBe('2018-04-09T18:55:38.000Z');
  });

  it('reads localized month and day names deterministically (Portuguese, Spanish, French, German)', () => {
    expect(iso('Seg, 24 Set 2018 19:42:40 -0300')).toBe('2018-09-24T22:42:40.000Z');
    expect(iso('Sáb, 06 Out 2018 10:00:00 -0300')).toBe('2018-10-06T13:00:00.000Z');
    expect(iso('Lun, 03 Dic 2018 10:00:00 +0100')).toBe('2018-12-03T09:00:00.000Z');
    expect(iso('mar., 05 févr. 2019 10:00:00 +0100')).toBe('2019-02-05T09:00:00.000Z');
    expect(iso('Mo, 07 Okt 2019 10:00:00 +0200')).toBe('2019-10-07T08:00:00.000Z');
  });

  it('reads the old forms: 2-digit years, HHMM without colon, no seconds, no zone (UTC)', () => {
    expect(iso('03 Apr 02 1500 GMT')).toBe('2002-04-03T15:00:00.000Z');
    expect(iso('03 Apr 99 15:00 GMT')).toBe('1999-04-03T15:00:00.000Z');
    expect(iso('Wed, 02 Oct 2002 13:00')).toBe('2002-10-02T13:00:00.000Z');
  });

  it('reads ISO 8601 / W3CDTF, also without seconds, with a space, or reduced to a day', () => {
    expect(iso('2022-06-21T11:52+09:00')).toBe('2022-06-21T02:52:00.000Z');
    expect(iso('2020-02-28T14:50:00+01:00')).toBe('2020-02-28T13:50:00.000Z');
    expect(iso('2024-04-23 08:49:20.096843')).toBe('2024-04-23T08:49:20.096Z');
    expect(iso('2024-04-23T08:49:20Z')).toBe('2024-04-23T08:49:20.000Z');
    expect(iso('2024-04-23')).toBe('2024-04-23T00:00:00.000Z');
    expect(iso('  2024-04-23T08:49:20+0200 ')).toBe('2024-04-23T06:49:20.000Z');
  });

  it('gives no date for what it would have to guess', () => {
    for (const text of ['', 'yesterday', 'Mon, 09 Apr 2018 18:55:38 IST', '31 Feb 2024 10:00:00 GMT', '2024-13-01', '12/03/2024', 'Mon, 09 Foo 2018 18:55:38 GMT']) {
      expect([text, iso(text)]).toEqual([text, null]);
    }
    expect(parseFeedDate(undefined)).toBeNull();
  });
});
