import { redactUrl, type HttpClient } from '../../core';
import { decodeFeed } from './charset';
import { parseFeed, type ParsedFeed } from './parse';

/**
 * Fetching one feed: a conditional GET with the validators kept from the last complete read, then charset decoding
 * and parsing. Redirects, gzip/deflate, the size cap and the deadline are the HTTP client's (see connector.ts).
 */

export interface Validators {
  etag?: string;
  last_modified?: string;
}

export type FetchedFeed =
  | { notModified: true; url: string }
  | { notModified: false; url: string; feed: ParsedFeed; charset: string; charsetSource: string; validators: Validators; bytes: number };

const ACCEPT = 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

export async function fetchFeed(http: HttpClient, url: string, validators: Validators, signal: AbortSignal): Promise<FetchedFeed> {
  const headers: Record<string, string> = { accept: ACCEPT };
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.last_modified) headers['if-modified-since'] = validators.last_modified;
  const res = await http.get(url, { headers, signal });
  // error messages name the URL as configured (credentials removed), the one the operator recognises
  const shown = redactUrl(url);
  if (res.status === 304) return { notModified: true, url: res.url };
  const decoded = decodeFeed(res.body, res.headers['content-type'], shown);
  const feed = parseFeed(decoded.text, shown);
  const next: Validators = {};
  if (res.headers.etag) next.etag = res.headers.etag;
  if (res.headers['last-modified']) next.last_modified = res.headers['last-modified'];
  return { notModified: false, url: res.url, feed, charset: decoded.charset, charsetSource: decoded.source, validators: next, bytes: res.body.length };
}
