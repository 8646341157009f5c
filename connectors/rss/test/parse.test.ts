import { SourceDataError } from '../../../core';
import { parseFeed } from '../parse';
import { fixture } from './helpers';

const URL = 'http://feeds.example/f.xml';

describe('feed parsing', () => {
  it('reads RSS 2.0 with entity-escaped HTML, skipping the channel atom:link for the channel link', () => {
    const feed = parseFeed(fixture('escaped-html.rss.xml'), URL);
    expect(feed).toMatchObject({ format: 'rss', title: 'Fixture KEV additions', link: 'https://kev.example/browse', dateText: 'Sat, 26 Jul 2025 18:06:21 +0000' });
    expect(feed.items).toHaveLength(3);
    expect(feed.items[0]).toEqual({
      index: 0,
      title: '[fixture] CVE-2025-0001 - Acme Router Command Injection',
      link: 'https://vuln.example/detail/CVE-2025-0001',
      guid: 'kev-CVE-2025-0001',
      dateText: 'Fri, 25 Jul 2025 00:00:00 +0000',
      summaryHtml: expect.stringContaining('<ul><li><a href="https://acme.example/advisory">Vendor advisory</a></li><li>Exploited \'in the wild\'</li></ul>'),
      contentHtml: undefined,
      categories: ['kev', 'router'],
    });
  });

  it('reads CDATA titles, categories and content:encoded', () => {
    const feed = parseFeed(fixture('cdata-content.rss.xml'), URL);
    expect(feed.title).toBe('Fixture APT reports – Lab');
    const [first, second] = feed.items;
    expect(first).toMatchObject({ title: 'Focus on FixtureLoader', categories: ['APT reports', 'Backdoor'], summaryHtml: 'An unknown actor targeted a utility with <strong>FixtureLoader</strong>.' });
    expect(first!.contentHtml).toContain('<td>C:\\\\perflogs\\\\x.exe</td>');
    expect(second).toMatchObject({ title: 'Content only, no description', summaryHtml: undefined, contentHtml: expect.stringContaining('<h2>Heading</h2>') });
  });

  it('reads RDF / RSS 1.0: items beside the channel, dc:date, rdf:about, dc:subject', () => {
    const feed = parseFeed(fixture('rdf-dcdate.rdf'), URL);
    expect(feed).toMatchObject({ format: 'rdf', title: 'Fixture VulnDB - 新着', dateText: '2022-06-21T17:00:13+09:00' });
    expect(feed.items.map((i) => [i.title, i.dateText, i.guid])).toEqual([
      ['サンプル製品における入力検証の不備', '2022-06-21T11:52+09:00', 'https://vulndb.example/ja/contents/2021/VDB-2021-0001.html'],
      ['サンプル製品におけるクロスサイトスクリプティング', '2022-06-20T09:05+09:00', 'https://vulndb.example/ja/contents/2021/VDB-2021-0002.html'],
    ]);
    expect(feed.items[0]!.categories).toEqual(['input validation']);
  });

  it('reads Atom after stylesheet instructions: published over updated, text constructs by type, alternate links', () => {
    const feed = parseFeed(fixture('stylesheet.atom'), URL);
    expect(feed).toMatchObject({ format: 'atom', title: 'Fixture & Coffee', link: 'https://blog.example/', dateText: '2021-02-13T11:50:21+01:00' });
    const [first, second] = feed.items;
    expect(first).toMatchObject({
      title: 'Exploit kits, once more',
      link: '/2020/02/exploit-kits.html',
      guid: 'https://blog.example/2020/02/exploit-kits',
      dateText: '2020-02-28T14:50:00+01:00',
      summaryHtml: 'Short <em>summary</em> – with “quotes”',
      contentHtml: '<p>The long text.</p>',
      categories: ['Exploit-Kit', 'CVE-2018-15982'],
    });
    expect(second).toMatchObject({ title: 'Only updated, <not a tag>', dateText: '2019-01-16T14:50:00+01:00', contentHtml: '<div><p>An <a href="https://blog.example/x">XHTML</a> body.</p></div>' });
  });

  it('reads <rss> without a version, undated items, and guids that are not URLs', () => {
    const plain = parseFeed(fixture('no-version.rss'), URL);
    expect(plain.format).toBe('rss');
    expect(plain.items.map((i) => i.dateText)).toEqual(['Seg, 24 Set 2018 19:42:40 -0300', undefined]);
    const quirky = parseFeed(fixture('single-quoted.rss.xml'), URL);
    expect(quirky.items.map((i) => i.title)).toEqual(['victim-one.example\\$12.5M\\France\\40GB\\100%DISCLOSED', 'victim-two.example\\$3M\\USA\\1TB\\&lt;1% DISCLOSED', 'Smith &amp; Sons LLC']);
    expect(quirky.items[0]!.guid).toBe('victim-one.example\\$12.5M\\France\\40GB\\100%DISCLOSED    _2024-04-23 08:49:20.096843');
    expect(quirky.items[0]!.link).toBeUndefined();
  });

  it('accepts an external DTD (never fetched) and the Latin-1 HTML entities RSS 0.91 feeds use', () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>Caf&eacute;&nbsp;news</title><item><title>x</title></item></channel></rss>';
    expect(parseFeed(xml, URL)).toMatchObject({ title: 'Café\u00a0news', items: [{ title: 'x' }] });
  });

  it('refuses entity declarations (billion laughs, external entities) before expanding anything', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><rss version="2.0"><channel><title>&lol3;</title></channel></rss>`;
    const external = '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&xxe;</title></channel></rss>';
    const refusal = `${URL}: refused: the document declares XML entities (<!ENTITY> in its DOCTYPE); entity expansion and external entities are never processed`;
    expect(() => parseFeed(laughs, URL)).toThrow(new SourceDataError(refusal));
    expect(() => parseFeed(external, URL)).toThrow(refusal);
    expect(() => parseFeed('<rss version="2.0"><channel><title>&xxe;</title></channel></rss>', URL)).toThrow(/undefined entity/);
    expect(() => parseFeed('<rss version="2.0"><channel><title>&constructor;</title></channel></rss>', URL)).toThrow(/undefined entity/);
  });

  it('fails invalid XML with the line and column, and a document that is no feed with its root', () => {
    expect(() => parseFeed('<rss version="2.0">\n<channel>\n<title>a</titel>\n</channel></rss>', URL)).toThrow(/^http:\/\/feeds\.example\/f\.xml: invalid XML at line 3:\d+: /);
    expect(() => parseFeed('<!DOCTYPE html><html><body>Just a moment...</body></html>', URL)).toThrow(`${URL}: not a feed: the document is <html>, not <rss>, <feed> or <rdf:RDF>`);
    expect(() => parseFeed('', URL)).toThrow(SourceDataError);
  });
});
