import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { SourceDataError } from '../../core';
import { feedEntities, htmlToPlainText } from './entities';

/**
 * Reads RSS 0.9x/2.0 (with or without `version`), Atom 1.0 and RDF / RSS 1.0 with one strict, streaming XML parser.
 * Elements are matched on their local name (a feed's prefixes are conventions, and feeds often forget to declare
 * them). A DOCTYPE may name an external DTD (never fetched); one declaring entities is refused before any expansion.
 */

export type FeedFormat = 'rss' | 'atom' | 'rdf';

export interface FeedItem {
  /** 0-based position in the document */
  index: number;
  title?: string;
  link?: string;
  /** RSS guid, Atom id, RDF rdf:about */
  guid?: string;
  /** the raw text of the date that applies (see DATE_FIELDS) */
  dateText?: string;
  /** RSS description, Atom summary: HTML */
  summaryHtml?: string;
  /** content:encoded, Atom content: HTML */
  contentHtml?: string;
  categories: string[];
}

export interface ParsedFeed {
  format: FeedFormat;
  title?: string;
  link?: string;
  dateText?: string;
  items: FeedItem[];
}

/** Which element gives an item's (or a channel's) date, by preference. Atom: `published`, else `updated`. */
const ITEM_DATES = ['pubDate', 'published', 'date', 'issued', 'created', 'updated', 'modified'];
const CHANNEL_DATES = ['pubDate', 'lastBuildDate', 'updated', 'date', 'modified'];

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

/** One direct child of an item or channel being read: its text, and its markup when it holds elements (XHTML). */
interface Field {
  name: string;
  attributes: Record<string, string>;
  text: string;
  markup: string;
  hasElements: boolean;
}

/** The value of a text construct as HTML: Atom says how (`type`), RSS fields are HTML by convention. */
function asHtml(field: Field, format: FeedFormat): string {
  if (field.hasElements) return field.markup;
  if (format === 'atom' && (field.attributes.type ?? 'text') === 'text') return escapeHtml(field.text);
  return field.text;
}

function asText(field: Field, format: FeedFormat): string {
  if (format === 'atom' && field.attributes.type !== undefined && field.attributes.type !== 'text') return htmlToPlainText(asHtml(field, format));
  return (field.hasElements ? htmlToPlainText(field.markup) : field.text).trim();
}

function firstDate(fields: Field[], order: string[]): string | undefined {
  for (const name of order) {
    const hit = fields.find((f) => f.name === name && f.text.trim() !== '');
    if (hit) return hit.text.trim();
  }
  return undefined;
}

function atomLink(fields: Field[]): string | undefined {
  const links = fields.filter((f) => f.name === 'link' && f.attributes.href);
  const alternate = links.find((f) => (f.attributes.rel ?? 'alternate') === 'alternate');
  return (alternate ?? links[0])?.attributes.href;
}

/** The first non-empty text of a field (a channel's `atom:link` is also a `link`, an empty one). */
function textOf(fields: Field[], name: string, format: FeedFormat): string | undefined {
  for (const field of fields) {
    if (field.name !== name) continue;
    const text = asText(field, format);
    if (text !== '') return text;
  }
  return undefined;
}

function toItem(fields: Field[], format: FeedFormat, index: number, about: string | undefined): FeedItem {
  const atom = format === 'atom';
  const categories = fields
    .filter((f) => f.name === 'category' || f.name === 'subject')
    .map((f) => (atom ? (f.attributes.term ?? f.text) : f.text).trim())
    .filter((c) => c !== '');
  const summary = fields.find((f) => f.name === (atom ? 'summary' : 'description'));
  const content = fields.find((f) => (atom ? f.name === 'content' : f.name === 'encoded'));
  return {
    index,
    title: textOf(fields, 'title', format),
    link: atom ? atomLink(fields) : (textOf(fields, 'link', format) ?? atomLink(fields)),
    guid: textOf(fields, atom ? 'id' : 'guid', format) ?? about,
    dateText: firstDate(fields, ITEM_DATES),
    summaryHtml: summary === undefined ? undefined : asHtml(summary, format),
    contentHtml: content === undefined ? undefined : asHtml(content, format),
    categories: [...new Set(categories)],
  };
}

class FeedReader {
  format: FeedFormat | undefined;
  private readonly items: FeedItem[] = [];
  /** local names of the open elements */
  private readonly names: string[] = [];
  /** depth of the element whose children describe the feed: `feed` (Atom), `channel` (RSS, RDF) */
  private channelDepth = -1;
  private channelFields: Field[] = [];
  private itemDepth = -1;
  private itemFields: Field[] = [];
  private itemAbout: string | undefined;
  private field: Field | undefined;
  private fieldDepth = -1;

  constructor(private readonly url: string) {}

  open(tag: SaxesTagPlain): void {
    const name = localName(tag.name);
    this.names.push(name);
    const depth = this.names.length;
    if (this.field) return this.openInsideField(tag);
    if (depth === 1) return this.openRoot(tag.name, name);
    const inItem = this.itemDepth > 0;
    const itemName = this.format === 'atom' ? 'entry' : 'item';
    // RSS and Atom items sit in the channel; RDF items beside it, under the root (as do those of some RSS 0.9x)
    if (!inItem && name === itemName && (depth === this.channelDepth + 1 || depth === 2)) {
      this.itemDepth = depth;
      this.itemFields = [];
      this.itemAbout = tag.attributes['rdf:about'];
    } else if ((inItem && depth === this.itemDepth + 1) || (!inItem && depth === this.channelDepth + 1)) {
      this.field = { name, attributes: tag.attributes, text: '', markup: '', hasElements: false };
      this.fieldDepth = depth;
    } else if (!inItem && name === 'channel' && depth === 2) {
      this.channelDepth = 2;
    }
  }

  private openRoot(qualified: string, name: string): void {
    this.format = name === 'rss' ? 'rss' : name === 'feed' ? 'atom' : name === 'RDF' ? 'rdf' : undefined;
    if (this.format === undefined) throw new SourceDataError(`${this.url}: not a feed: the document is <${qualified}>, not <rss>, <feed> or <rdf:RDF>`);
    if (this.format === 'atom') this.channelDepth = 1;
  }

  private openInsideField(tag: SaxesTagPlain): void {
    const field = this.field!;
    if (!field.hasElements) {
      // markup is only needed once a field turns out to hold elements (XHTML): start it from the text so far
      field.hasElements = true;
      field.markup = escapeHtml(field.text);
    }
    const attributes = Object.entries(tag.attributes)
      .filter(([k]) => !k.startsWith('xmlns'))
      .map(([k, v]) => ` ${localName(k)}="${escapeAttribute(v)}"`)
      .join('');
    field.markup += `<${localName(tag.name)}${attributes}>`;
  }

  text(text: string): void {
    if (!this.field) return;
    this.field.text += text;
    if (this.field.hasElements) this.field.markup += escapeHtml(text);
  }

  close(): void {
    const depth = this.names.length;
    const name = this.names.pop()!;
    if (this.field) {
      if (depth > this.fieldDepth) {
        this.field.markup += `</${name}>`;
        return;
      }
      (this.itemDepth > 0 ? this.itemFields : this.channelFields).push(this.field);
      this.field = undefined;
      return;
    }
    if (depth === this.itemDepth) {
      this.items.push(toItem(this.itemFields, this.format!, this.items.length, this.itemAbout));
      this.itemDepth = -1;
    }
  }

  result(): ParsedFeed {
    const format = this.format;
    if (format === undefined) throw new SourceDataError(`${this.url}: not a feed: the document is empty`);
    const fields = this.channelFields;
    const title = textOf(fields, 'title', format);
    const link = format === 'atom' ? atomLink(fields) : textOf(fields, 'link', format);
    return { format, title, link, dateText: firstDate(fields, CHANNEL_DATES), items: this.items };
  }
}

/** Parses a decoded feed; invalid XML, an entity declaration or a non-feed document is a SourceDataError naming the URL and the line. */
export function parseFeed(xml: string, url: string): ParsedFeed {
  const reader = new FeedReader(url);
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  parser.ENTITIES = feedEntities();
  parser.on('doctype', (doctype) => {
    if (/<!ENTITY/i.test(doctype)) {
      throw new SourceDataError(`${url}: refused: the document declares XML entities (<!ENTITY> in its DOCTYPE); entity expansion and external entities are never processed`);
    }
  });
  parser.on('opentag', (tag) => reader.open(tag));
  parser.on('text', (text) => reader.text(text));
  parser.on('cdata', (text) => reader.text(text));
  parser.on('closetag', () => reader.close());
  try {
    parser.write(xml).close();
  } catch (err) {
    if (err instanceof SourceDataError) throw err;
    const message = err instanceof Error ? err.message.replace(/^undefined:/, '').trim() : String(err);
    throw new SourceDataError(`${url}: invalid XML at line ${message}`);
  }
  return reader.result();
}
