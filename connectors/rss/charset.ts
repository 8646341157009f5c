import { TextDecoder } from 'node:util';
import { SourceDataError } from '../../core';

/**
 * Feed bytes to text. The order follows RFC 7303 (XML media types): a byte order mark, then the `charset` of the
 * Content-Type header, then the XML declaration's `encoding`, then UTF-8. Two deliberate leniencies for real feeds:
 * a header saying UTF-8 over bytes that are not UTF-8 yields to the declaration when it names another charset, and
 * undeclared bytes that are not UTF-8 are read as windows-1252 (what "ISO-8859-1" means on the web), with a note.
 */

export interface DecodedFeed {
  text: string;
  /** the WHATWG name of the charset used */
  charset: string;
  /** why this charset, for the logs */
  source: 'bom' | 'header' | 'declaration' | 'default' | 'fallback';
}

function bomCharset(bytes: Buffer): { charset: string; length: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { charset: 'utf-8', length: 3 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { charset: 'utf-16be', length: 2 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { charset: 'utf-16le', length: 2 };
  return null;
}

export function headerCharset(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? '');
  return m?.[2];
}

/** The `encoding` of `<?xml ... ?>`, read from the first bytes as ASCII (single or double quotes). */
export function declaredCharset(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 512).toString('latin1');
  const decl = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([A-Za-z0-9._:-]+)\1/.exec(head);
  return decl?.[2];
}

function decoderFor(label: string, url: string, where: string): TextDecoder {
  try {
    return new TextDecoder(label.trim(), { fatal: true });
  } catch {
    throw new SourceDataError(`${url}: unsupported charset "${label}" (${where})`);
  }
}

function tryDecode(decoder: TextDecoder, bytes: Buffer): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

export function decodeFeed(bytes: Buffer, contentType: string | undefined, url: string): DecodedFeed {
  const bom = bomCharset(bytes);
  if (bom) {
    const text = tryDecode(decoderFor(bom.charset, url, 'byte order mark'), bytes.subarray(bom.length));
    if (text === null) throw new SourceDataError(`${url}: the body starts with a ${bom.charset} byte order mark but is not valid ${bom.charset}`);
    return { text, charset: bom.charset, source: 'bom' };
  }
  const fromHeader = headerCharset(contentType);
  const fromDeclaration = declaredCharset(bytes);
  if (fromHeader !== undefined) {
    const decoder = decoderFor(fromHeader, url, 'Content-Type header');
    const text = tryDecode(decoder, bytes);
    if (text !== null) return { text, charset: decoder.encoding, source: 'header' };
    const declared = fromDeclaration === undefined ? undefined : decoderFor(fromDeclaration, url, 'XML declaration');
    if (decoder.encoding === 'utf-8' && declared !== undefined && declared.encoding !== 'utf-8') {
      const again = tryDecode(declared, bytes);
      if (again !== null) return { text: again, charset: declared.encoding, source: 'declaration' };
    }
    throw new SourceDataError(`${url}: the body is not valid ${decoder.encoding}, the charset its Content-Type header declares`);
  }
  if (fromDeclaration !== undefined) {
    const decoder = decoderFor(fromDeclaration, url, 'XML declaration');
    const text = tryDecode(decoder, bytes);
    if (text === null) throw new SourceDataError(`${url}: the body is not valid ${decoder.encoding}, the charset its XML declaration names`);
    return { text, charset: decoder.encoding, source: 'declaration' };
  }
  const utf8 = tryDecode(new TextDecoder('utf-8', { fatal: true }), bytes);
  if (utf8 !== null) return { text: utf8, charset: 'utf-8', source: 'default' };
  // windows-1252 maps every byte: this cannot fail
  return { text: new TextDecoder('windows-1252').decode(bytes), charset: 'windows-1252', source: 'fallback' };
}
