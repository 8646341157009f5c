import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { stix, type StixObject } from '../../../core';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import rss from '../connector';
import { itemKey } from '../convert';
import { MAX_REMEMBERED } from '../cursor';
import { fixture, volumeFeed, windows1251 } from './helpers';

let server: SourceServer;
beforeEach(async () => {
  server = await startSourceServer();
});
afterEach(async () => {
  await server.close();
});

const RSS_TYPE = { 'content-type': 'application/rss+xml' };
const reports = (objects: StixObject[]) => objects.filter((o) => o.type === 'report');
const names = (objects: StixObject[]) => reports(objects).map((o) => o.name);
/** the escaped-html fixture without its second item (same date as the first) */
const withoutSecond = fixture('escaped-html.rss.xml').replace(/<item>\s*<title>\[fixture\] CVE-2025-0002[\s\S]*?<\/item>/, '');

describe('rss connector', () => {
  it('imports each item as a report, with the author identity and marking objects in every bundle', async () => {
    server.route('GET', '/kev.xml', { body: fixture('escaped-html.rss.xml'), headers: RSS_TYPE });
    const env = { RSS_FEED_URL: server.url('/kev.xml'), RSS_DEFAULT_AUTHOR: 'Fixture Org', RSS_DEFAULT_MARKINGS: 'TLP:GREEN,tlp:white', RSS_REPORT_TYPES: 'threat-report,vulnerability' };
    const r = await runConnectorOnce(rss, { env });
    expect(r.exitCode).toBe(0);
    expect(r.files).toHaveLength(1);
    expect(r.files[0]).toMatchObject({ bundle_type: 'DIRECTORY_BUNDLE', update: true });
    const author = r.objects.find((o) => o.type === 'identity');
    expect(author).toMatchObject({ id: stix.identityId('Fixture Org', 'organization'), name: 'Fixture Org', identity_class: 'organization' });
    expect(r.objects.filter((o) => o.type === 'marking-definition').map((o) => o.name)).toEqual(['TLP:GREEN', 'TLP:CLEAR']);
    const oldestFirst = ['[fixture] CVE-2025-0003 - Acme Mail Auth Bypass', '[fixture] CVE-2025-0001 - Acme Router Command Injection', '[fixture] CVE-2025-0002 - Acme VPN Path Traversal'];
    expect(names(r.objects)).toEqual(oldestFirst);
    const report = reports(r.objects)[1]!;
    expect(report).toMatchObject({
      id: stix.reportId(oldestFirst[1]!, '2025-07-25T00:00:00.000Z'),
      published: '2025-07-25T00:00:00.000Z',
      report_types: ['threat-report', 'vulnerability'],
      labels: ['kev', 'router'],
      created_by_ref: author!.id,
      object_marking_refs: [stix.tlpMarkingId('TLP:GREEN'), stix.tlpMarkingId('TLP:CLEAR')],
      external_references: [{ source_name: oldestFirst[1], url: 'https://vuln.example/detail/CVE-2025-0001', description: `Fixture KEV additions ${oldestFirst[1]}. Retrieved 2025-07-25T00:00:00.000Z.` }],
    });
    expect(report.description).not.toMatch(/script|alert|javascript/);
    const feedKey = server.url('/kev.xml');
    expect(r.state).toEqual({
      current_state_date: '2025-07-25T00:00:00.000Z',
      feeds: {
        [feedKey]: {
          current_state_date: '2025-07-25T00:00:00.000Z',
          remembered: { '2025-07-24T08:30:00.000Z': [itemKey('kev-CVE-2025-0003')], '2025-07-25T00:00:00.000Z': [itemKey('kev-CVE-2025-0001'), itemKey('kev-CVE-2025-0002')] },
          remembered_since: '2025-06-25T00:00:00.000Z',
          title: 'Fixture KEV additions',
        },
      },
    });
  });

  it('sends an item that shares the cursor date once, in a later run, and nothing on an unchanged feed', async () => {
    server.route('GET', '/kev.xml', [{ body: withoutSecond }, { body: fixture('escaped-html.rss.xml') }]);
    const env = { RSS_FEED_URL: server.url('/kev.xml') };
    const first = await runConnectorOnce(rss, { env });
    expect(names(first.objects)).toEqual(['[fixture] CVE-2025-0003 - Acme Mail Auth Bypass', '[fixture] CVE-2025-0001 - Acme Router Command Injection']);
    const second = await runConnectorOnce(rss, { env, outDir: first.outDir, statePath: first.statePath });
    expect(second.exitCode).toBe(0);
    expect(second.files).toHaveLength(2);
    expect(names((second.files[1]!.bundle as { objects: StixObject[] }).objects)).toEqual(['[fixture] CVE-2025-0002 - Acme VPN Path Traversal']);
    const third = await runConnectorOnce(rss, { env, outDir: first.outDir, statePath: first.statePath });
    expect(third.files).toHaveLength(2);
    expect(third.state).toEqual(second.state);
  });

  it('sends a late item dated within 30 days once, and not one older than that', async () => {
    const late = (title: string, date: string) => `<item><title>${title}</title><guid>${title}</guid><pubDate>${date}</pubDate></item>`;
    const grown = fixture('escaped-html.rss.xml').replace('</channel>', `${late('late by five days', 'Sun, 20 Jul 2025 00:00:00 +0000')}${late('late by sixty days', 'Mon, 26 May 2025 00:00:00 +0000')}</channel>`);
    server.route('GET', '/kev.xml', [{ body: fixture('escaped-html.rss.xml') }, { body: grown }]);
    const env = { RSS_FEED_URL: server.url('/kev.xml') };
    const first = await runConnectorOnce(rss, { env });
    const second = await runConnectorOnce(rss, { env, outDir: first.outDir, statePath: first.statePath });
    expect(names((second.files[1]!.bundle as { objects: StixObject[] }).objects)).toEqual(['late by five days']);
    const third = await runConnectorOnce(rss, { env, outDir: first.outDir, statePath: first.statePath });
    expect(third.files).toHaveLength(2);
  });

  it('asks with the ETag and Last-Modified of the last complete read and takes 304 as nothing new', async () => {
    const modified = new Date('2025-07-26T18:06:21Z');
    server.route('GET', '/etag.xml', { body: fixture('escaped-html.rss.xml'), etag: '"v1"' });
    server.route('GET', '/lm.xml', { body: fixture('cdata-content.rss.xml'), lastModified: modified });
    const env = { RSS_FEED_URL: `${server.url('/etag.xml')},${server.url('/lm.xml')}` };
    const first = await runConnectorOnce(rss, { env });
    const feeds = (first.state as { feeds: Record<string, { etag?: string; last_modified?: string }> }).feeds;
    expect(feeds[server.url('/etag.xml')]!.etag).toBe('"v1"');
    expect(feeds[server.url('/lm.xml')]!.last_modified).toBe(modified.toUTCString());
    const second = await runConnectorOnce(rss, { env, outDir: first.outDir, statePath: first.statePath });
    expect(second.exitCode).toBe(0);
    expect(second.files).toHaveLength(first.files.length);
    expect(server.requestsTo('/etag.xml')[1]!.headers['if-none-match']).toBe('"v1"');
    expect(server.requestsTo('/lm.xml')[1]!.headers['if-modified-since']).toBe(modified.toUTCString());
    expect(second.logs.filter((l) => l.msg === 'feed not modified (HTTP 304): nothing new')).toHaveLength(2);
    expect(second.state).toEqual(first.state);
  });

  it('follows redirects, reads gzip, and resolves relative Atom links against the final URL', async () => {
    server.route('GET', '/old/atom.xml', { redirectTo: '/blog/atom.xml', status: 301 });
    server.route('GET', '/blog/atom.xml', { body: fixture('stylesheet.atom'), gzip: true, headers: { 'content-type': 'application/atom+xml' } });
    const r = await runConnectorOnce(rss, { env: { RSS_FEED_URL: server.url('/old/atom.xml') } });
    expect(r.exitCode).toBe(0);
    const [older, newer] = reports(r.objects);
    expect(newer).toMatchObject({ name: 'Exploit kits, once more', published: '2020-02-28T13:50:00.000Z', labels: ['Exploit-Kit', 'CVE-2018-15982'], description: 'Short _summary_ – with “quotes”' });
    expect((newer!.external_references as { url: string }[])[0]!.url).toBe(server.url('/2020/02/exploit-kits.html'));
    expect(older).toMatchObject({ name: 'Only updated, <not a tag>', published: '2019-01-16T13:50:00.000Z', description: 'An [XHTML](https://blog.example/x) body.' });
    expect(Object.keys((r.state as { feeds: object }).feeds)).toEqual([server.url('/old/atom.xml')]);
  });

  it('decodes Latin-1 without XML declaration and windows-1251 from the header or the declaration', async () => {
    server.route('GET', '/latin1.rss', { body: Buffer.from(fixture('no-version.rss'), 'latin1'), headers: { 'content-type': 'application/rss+xml' } });
    const russian = (decl: string) => windows1251(`${decl}<rss version="2.0"><channel><title>Новости</title><item><title>Уязвимость в роутере</title><guid>r1</guid><pubDate>Tue, 02 Jan 2024 10:00:00 +0300</pubDate></item></channel></rss>`);
    server.route('GET', '/cp1251-header.xml', { body: russian(''), headers: { 'content-type': 'text/xml; charset=windows-1251' } });
    server.route('GET', '/cp1251-decl.xml', { body: russian('<?xml version="1.0" encoding="windows-1251"?>'), headers: { 'content-type': 'text/xml' } });
    const urls = ['/latin1.rss', '/cp1251-header.xml', '/cp1251-decl.xml'].map((p) => server.url(p));
    const r = await runConnectorOnce(rss, { env: { RSS_FEED_URL: urls.join(',') } });
    expect(r.exitCode).toBe(0);
    expect(names(r.objects)).toEqual(['Notícia com data em português', 'Sem data', 'Уязвимость в роутере', 'Уязвимость в роутере']);
    expect(reports(r.objects)[0]!.published).toBe('2018-09-24T22:42:40.000Z');
    expect(reports(r.objects)[1]!.published).toBe('2018-09-24T23:00:00.000Z');
    expect((reports(r.objects)[2]!.external_references as unknown)).toBeUndefined();
  });

  it('keeps an undated item remembered while it stays in the feed: sent once, with its first-seen time', async () => {
    const undated = '<rss version="2.0"><channel><title>No dates</title><item><title>Timeless</title><link>https://x.example/t</link></item></channel></rss>';
    server.route('GET', '/undated.xml', { body: undated });
    const env = { RSS_FEED_URL: server.url('/undated.xml') };
    const firstSeen = new Date('2024-01-01T00:00:00.000Z');
    const first = await runConnectorOnce(rss, { env, now: () => firstSeen });
    expect(reports(first.objects)[0]).toMatchObject({ name: 'Timeless', published: firstSeen.toISOString(), id: stix.reportId('Timeless', firstSeen.toISOString()) });
    const later = await runConnectorOnce(rss, { env, outDir: first.outDir, statePath: first.statePath, now: () => new Date('2024-06-01T00:00:00.000Z') });
    expect(later.files).toHaveLength(1);
    const feed = (later.state as { feeds: Record<string, { remembered: Record<string, string[]> }> }).feeds[server.url('/undated.xml')]!;
    expect(feed.remembered).toEqual({ '2024-06-01T00:00:00.000Z': [itemKey('https://x.example/t')] });
  });

  it('starts after the date of a state it did not write ({current_state_date} only, as the platform keeps it)', async () => {
    server.route('GET', '/kev.xml', { body: fixture('escaped-html.rss.xml') });
    const statePath = join(mkdtempSync(join(tmpdir(), 'rss-seed-')), 'state.json');
    writeFileSync(statePath, JSON.stringify({ current_state_date: '2025-07-24T08:30:00.000Z' }));
    const r = await runConnectorOnce(rss, { env: { RSS_FEED_URL: server.url('/kev.xml') }, statePath, outDir: join(statePath, '..', 'out') });
    expect(names(r.objects)).toEqual(['[fixture] CVE-2025-0001 - Acme Router Command Injection', '[fixture] CVE-2025-0002 - Acme VPN Path Traversal']);
    expect(r.state).toMatchObject({ current_state_date: '2025-07-25T00:00:00.000Z' });
  });

  it('honours the import-from date', async () => {
    server.route('GET', '/kev.xml', { body: fixture('escaped-html.rss.xml') });
    const r = await runConnectorOnce(rss, { env: { RSS_FEED_URL: server.url('/kev.xml'), RSS_IMPORT_FROM_DATE: '2025-07-25' } });
    expect(names(r.objects)).toEqual(['[fixture] CVE-2025-0001 - Acme Router Command Injection', '[fixture] CVE-2025-0002 - Acme VPN Path Traversal']);
  });

  it('with only RSS_FEED_URL set: report type threat-report, no author, no markings, bundles of reports alone', async () => {
    server.route('GET', '/kev.xml', { body: fixture('escaped-html.rss.xml') });
    const r = await runConnectorOnce(rss, { env: { RSS_FEED_URL: server.url('/kev.xml') } });
    expect(r.exitCode).toBe(0);
    expect(r.objects.map((o) => o.type)).toEqual(['report', 'report', 'report']);
    for (const report of r.objects) {
      expect(report.report_types).toEqual(['threat-report']);
      expect(report).not.toHaveProperty('created_by_ref');
      expect(report).not.toHaveProperty('object_marking_refs');
    }
  });

  it('delivers an 11,000-item feed in bundles of 500, then nothing more, with a bounded state', async () => {
    server.route('GET', '/volume.xml', { body: gzipSync(volumeFeed(11_000)), headers: { 'content-encoding': 'gzip', 'content-type': 'application/rss+xml' } });
    const env = { RSS_FEED_URL: server.url('/volume.xml') };
    const first = await runConnectorOnce(rss, { env, now: () => new Date('2024-04-24T00:00:00.000Z') });
    expect(first.exitCode).toBe(0);
    expect(first.files).toHaveLength(22);
    expect(new Set(reports(first.objects).map((o) => o.id)).size).toBe(11_000);
    const feed = (first.state as { feeds: Record<string, { remembered: Record<string, string[]> }> }).feeds[server.url('/volume.xml')]!;
    expect(Object.values(feed.remembered).flat()).toHaveLength(MAX_REMEMBERED);
    const again = await runConnectorOnce(rss, { env, outDir: first.outDir, statePath: first.statePath, now: () => new Date('2024-04-24T01:00:00.000Z') });
    expect(again.files).toHaveLength(22);
  });

  it('runs from config.yml.sample (a YAML list of feeds, TLP and author set there)', async () => {
    server.route('GET', '/a.xml', { body: fixture('escaped-html.rss.xml') });
    server.route('GET', '/b.rdf', { body: fixture('rdf-dcdate.rdf') });
    const sample = readFileSync(join(__dirname, '..', 'config.yml.sample'), 'utf8');
    const local = sample.replace('https://securelist.com/feed/', server.url('/a.xml')).replace('https://www.cisa.gov/cybersecurity-advisories/all.xml', server.url('/b.rdf'));
    const configPath = join(mkdtempSync(join(tmpdir(), 'rss-sample-')), 'config.yml');
    writeFileSync(configPath, local);
    const r = await runConnectorOnce(rss, { configPath });
    expect(r.exitCode).toBe(0);
    expect(reports(r.objects)).toHaveLength(5);
    expect(reports(r.objects)[0]).toMatchObject({ created_by_ref: stix.identityId('Feed Imports', 'organization'), object_marking_refs: [stix.tlpMarkingId('TLP:CLEAR')] });
  });
});
