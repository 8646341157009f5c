import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fixture of ./fixtures as text. */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8');
}

/** windows-1251 bytes for ASCII and А..я (U+0410-U+044F -> 0xC0-0xFF): enough for the fixture texts. */
export function windows1251(text: string): Buffer {
  return Buffer.from(
    [...text].map((ch) => {
      if (ch >= 'А' && ch <= 'я') return ch.charCodeAt(0) - 0x410 + 0xc0;
      if (ch.charCodeAt(0) > 0x7f) throw new Error(`windows1251 helper: "${ch}" not covered`);
      return ch.charCodeAt(0);
    }),
  );
}

/** An RSS 2.0 feed of `count` items, newest first, one per minute back from `newest`, with quirky guids. */
export function volumeFeed(count: number, newest = Date.UTC(2024, 3, 23, 8, 0, 0)): string {
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    const date = new Date(newest - i * 60_000).toUTCString().replace('GMT', '+0000');
    items.push(`<item><title>victim-${i}.example\\$${i}M\\Country\\${i}GB </title><description>Group: g${i % 7}</description><pubDate>${date}</pubDate><guid>victim-${i}.example\\$${i}M _${i}</guid></item>`);
  }
  return `<?xml version='1.0' encoding='utf-8'?>\n<rss version="2.0"><channel><title>Volume</title><link>https://leaks.example/</link><description>d</description>${items.join('')}</channel></rss>`;
}
