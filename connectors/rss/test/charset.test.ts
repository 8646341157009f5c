import { SourceDataError } from '../../../core';
import { decodeFeed } from '../charset';
import { windows1251 } from './helpers';

const URL = 'http://feeds.example/f.xml';
const cyrillic = 'Привет, мир';

describe('feed charsets', () => {
  it('takes the Content-Type charset first (windows-1251)', () => {
    const bytes = windows1251(`<rss><channel><title>${cyrillic}</title></channel></rss>`);
    expect(decodeFeed(bytes, 'application/rss+xml; charset=windows-1251', URL)).toMatchObject({ charset: 'windows-1251', source: 'header', text: expect.stringContaining(cyrillic) });
    expect(decodeFeed(bytes, 'text/xml; Charset="CP1251"', URL).text).toContain(cyrillic);
  });

  it('takes the XML declaration next, with single or double quotes', () => {
    const text = `<?xml version='1.0' encoding='windows-1251'?><rss><channel><title>${cyrillic}</title></channel></rss>`;
    expect(decodeFeed(windows1251(text), 'application/xml', URL)).toMatchObject({ charset: 'windows-1251', source: 'declaration' });
    const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss><title>Notícias</title></rss>', 'latin1');
    expect(decodeFeed(latin1, undefined, URL).text).toContain('Notícias');
  });

  it('reads undeclared bytes that are not UTF-8 as windows-1252 (Latin-1 without XML declaration)', () => {
    const latin1 = Buffer.from('<rss><channel><title>Últimas Notícias, simulações</title></channel></rss>', 'latin1');
    expect(decodeFeed(latin1, 'application/rss+xml', URL)).toMatchObject({ charset: 'windows-1252', source: 'fallback', text: expect.stringContaining('Últimas Notícias, simulações') });
  });

  it('reads UTF-8 by default and honours a byte order mark over everything', () => {
    expect(decodeFeed(Buffer.from('<rss><title>ä ö ü ß</title></rss>'), undefined, URL)).toMatchObject({ charset: 'utf-8', source: 'default' });
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<rss>ä</rss>')]);
    expect(decodeFeed(bom, 'text/xml; charset=iso-8859-1', URL)).toEqual({ text: '<rss>ä</rss>', charset: 'utf-8', source: 'bom' });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<rss>ä</rss>', 'utf16le')]);
    expect(decodeFeed(utf16, undefined, URL).text).toBe('<rss>ä</rss>');
  });

  it('lets the declaration win when a UTF-8 header is contradicted by the bytes', () => {
    const bytes = windows1251(`<?xml version="1.0" encoding="windows-1251"?><rss><title>${cyrillic}</title></rss>`);
    expect(decodeFeed(bytes, 'text/xml; charset=utf-8', URL)).toMatchObject({ charset: 'windows-1251', source: 'declaration' });
  });

  it('fails with one line naming the URL for an unknown charset or bytes that break the declared one', () => {
    expect(() => decodeFeed(Buffer.from('<rss/>'), 'text/xml; charset=x-klingon', URL)).toThrow(new SourceDataError(`${URL}: unsupported charset "x-klingon" (Content-Type header)`));
    expect(() => decodeFeed(Buffer.from([0x3c, 0xff, 0xfe, 0x3e]), 'text/xml; charset=utf-8', URL)).toThrow(`${URL}: the body is not valid utf-8, the charset its Content-Type header declares`);
  });
});
