import { stix } from '../../../core';
import { dateItems, itemKey, itemToReport } from '../convert';
import { htmlToMarkdown, isSafeUrl } from '../html';
import { parseFeed } from '../parse';
import { fixture } from './helpers';

const FIRST_SEEN = new Date('2024-05-01T12:00:00.000Z');
const OPTS = { feedTitle: 'Fixture KEV additions', reportTypes: ['threat-report'], authorId: stix.identityId('Fixture Org', 'organization'), markingIds: [stix.tlpMarkingId('TLP:GREEN')] };

function reportsOf(file: string, url = 'https://feeds.example/feed.xml') {
  return dateItems(parseFeed(fixture(file), url), url, FIRST_SEEN).map((d) => itemToReport(d, OPTS));
}

describe('item to report', () => {
  it('maps an item field by field, with the platform\'s id formula', () => {
    const [report] = reportsOf('escaped-html.rss.xml');
    const name = '[fixture] CVE-2025-0001 - Acme Router Command Injection';
    const published = '2025-07-25T00:00:00.000Z';
    expect(report).toEqual({
      type: 'report',
      spec_version: '2.1',
      id: stix.reportId(name, published),
      created: published,
      modified: published,
      created_by_ref: OPTS.authorId,
      name,
      description: "A command injection in the web UI.  \n* [Vendor advisory](https://acme.example/advisory)\n* Exploited 'in the wild'\nclick",
      labels: ['kev', 'router'],
      report_types: ['threat-report'],
      published,
      object_marking_refs: OPTS.markingIds,
      external_references: [{ source_name: name, url: 'https://vuln.example/detail/CVE-2025-0001', description: `Fixture KEV additions ${name}. Retrieved ${published}.` }],
    });
    expect(report!.object_refs).toBeUndefined();
  });

  it('turns CDATA HTML into Markdown: tables, code, no style', () => {
    const [full, contentOnly] = reportsOf('cdata-content.rss.xml');
    expect(full!.description).toBe('An unknown actor targeted a utility with **FixtureLoader**.');
    expect(contentOnly!.description).toBe('## Heading\n\nBody with _emphasis_.');
  });

  it('dates items: own date, else the channel date, else the first-seen time; Atom published over updated', () => {
    const url = 'https://noticias.example/rss';
    const dated = dateItems(parseFeed(fixture('no-version.rss'), url), url, FIRST_SEEN);
    expect(dated.map((d) => [d.published, d.dateSource])).toEqual([
      ['2018-09-24T22:42:40.000Z', 'item'],
      ['2018-09-24T23:00:00.000Z', 'channel'],
    ]);
    const noChannelDate = fixture('no-version.rss').replace(/<pubDate>Mon[^<]*<\/pubDate>/, '');
    expect(dateItems(parseFeed(noChannelDate, url), url, FIRST_SEEN)[1]).toMatchObject({ published: FIRST_SEEN.toISOString(), dateSource: 'first-seen' });
    const atom = dateItems(parseFeed(fixture('stylesheet.atom'), 'https://blog.example/atom.xml'), 'https://blog.example/atom.xml', FIRST_SEEN);
    expect(atom.map((d) => [d.published, d.link])).toEqual([
      ['2020-02-28T13:50:00.000Z', 'https://blog.example/2020/02/exploit-kits.html'],
      ['2019-01-16T13:50:00.000Z', 'https://blog.example/2019/01/only-updated.html'],
    ]);
  });

  it('names an item by its title, else its link, else "Untitled"; keys it by guid, else link, else name and date', () => {
    const xml = '<rss version="2.0"><channel><title>t</title><item><link>https://x.example/a</link><pubDate>2024-01-01</pubDate></item><item><description>d</description><pubDate>2024-01-01</pubDate></item></channel></rss>';
    const dated = dateItems(parseFeed(xml, 'https://x.example/f'), 'https://x.example/f', FIRST_SEEN);
    expect(dated.map((d) => d.name)).toEqual(['https://x.example/a', 'Untitled']);
    expect(dated.map((d) => d.key)).toEqual([itemKey('https://x.example/a'), itemKey('Untitled\n2024-01-01T00:00:00.000Z')]);
    const report = itemToReport(dated[1]!, { ...OPTS, authorId: undefined, markingIds: [] });
    expect(report).not.toHaveProperty('external_references');
    expect(report).not.toHaveProperty('created_by_ref');
    expect(report).not.toHaveProperty('object_marking_refs');
  });

  it('keeps no script, style or unsafe URL in a description', () => {
    const md = htmlToMarkdown('<p>Hi<script>alert(1)</script><style>p{}</style><iframe src="https://x"></iframe> <a href="javascript:alert(1)">a</a> <a href=" jav&#x09;ascript:x">b</a> <a href="data:text/html,x">c</a> <img src="javascript:x"> <a href="https://ok.example/">ok</a> <a href="/rel">rel</a></p>');
    expect(md).toBe('Hi a b c [ok](https://ok.example/) [rel](/rel)');
    expect(isSafeUrl('HTTPS://x')).toBe(true);
    expect(isSafeUrl('vbscript:x')).toBe(false);
    expect(htmlToMarkdown(undefined)).toBe('');
  });
});
