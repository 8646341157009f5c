import { SourceDataError, type HttpClient } from '../../core';

export interface FeedLine {
  /** 1-based line number in the file, for messages */
  line: number;
  url: string;
}

export interface SkippedLine {
  line: number;
  text: string;
}

export interface PhishingFeed {
  /** distinct URLs in feed order (a repeat keeps its first line) */
  urls: FeedLine[];
  skipped: SkippedLine[];
}

function isHttpUrl(text: string): boolean {
  if (/\s/.test(text)) return false;
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * One URL per line. Blank lines and `#` comments are ignored; a line that is not an http(s) URL is reported in
 * `skipped`. A body that looks like a web page, or has lines but no URL at all, is an error naming the URL and line.
 */
export function parseFeed(text: string, source: string): PhishingFeed {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const seen = new Set<string>();
  const urls: FeedLine[] = [];
  const skipped: SkippedLine[] = [];
  for (const [i, raw] of lines.entries()) {
    const value = raw.trim();
    if (value === '' || value.startsWith('#')) continue;
    if (urls.length === 0 && skipped.length === 0 && value.startsWith('<')) {
      throw new SourceDataError(`${source} line ${i + 1}: this is markup, not a list of URLs (starts with "${value.slice(0, 40)}")`);
    }
    if (!isHttpUrl(value)) skipped.push({ line: i + 1, text: value.slice(0, 200) });
    else if (!seen.has(value)) {
      seen.add(value);
      urls.push({ line: i + 1, url: value });
    }
  }
  if (urls.length === 0 && skipped.length > 0) {
    throw new SourceDataError(`${source} line ${skipped[0]!.line}: "${skipped[0]!.text}" is not an http(s) URL, and no line of the feed is one`);
  }
  return { urls, skipped };
}

export async function fetchFeed(http: HttpClient, url: string, signal: AbortSignal): Promise<PhishingFeed> {
  const res = await http.get(url, { signal });
  return parseFeed(res.text(), url);
}
