/**
 * The only named entities a feed may use besides XML's five: HTML's Latin-1 set (`&nbsp;` ... `&yuml;`, code points
 * 160-255), which the RSS 0.91 DTD declares and which feeds write without any DTD. A fixed table of single characters:
 * nothing in it refers to another entity, so nothing can expand.
 */
const LATIN1_NAMES = (
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro ' +
  'para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil ' +
  'Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave ' +
  'Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml ' +
  'igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute ' +
  'thorn yuml'
).split(' ');

/** XML's five plus the Latin-1 set, on a prototype-less object so `&constructor;` is no entity. */
export function feedEntities(): Record<string, string> {
  const table: Record<string, string> = Object.create(null) as Record<string, string>;
  Object.assign(table, { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" });
  LATIN1_NAMES.forEach((name, i) => (table[name] = String.fromCharCode(160 + i)));
  return table;
}

/** For text that is HTML (Atom `type="html"` titles): tags dropped, character references and common entities decoded. */
const HTML_TEXT_ENTITIES: Record<string, string> = {
  ...feedEntities(),
  rsquo: '\u2019', lsquo: '\u2018', rdquo: '\u201d', ldquo: '\u201c', ndash: '\u2013', mdash: '\u2014', hellip: '\u2026', bull: '\u2022', euro: '\u20ac', trade: '\u2122',
};

export function htmlToPlainText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return Object.prototype.hasOwnProperty.call(HTML_TEXT_ENTITIES, name) ? HTML_TEXT_ENTITIES[name]! : whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
}
