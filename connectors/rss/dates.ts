/**
 * Feed dates to UTC. Feeds write dates in RFC 822 (RSS), RFC 3339 / W3CDTF (Atom, RDF `dc:date`) and a good many
 * variants of both. Only grammars that can be read without guessing are accepted: anything else is "no date" (the
 * caller then applies the documented fallback) rather than a date that depends on the host or the engine.
 */

/**
 * Month abbreviations in English, Portuguese, Spanish, French and German. No token names two different months across
 * these languages, so the union table reads every one of them without knowing the feed's language.
 */
const MONTHS: Record<string, number> = {};
const MONTH_SPELLINGS: string[][] = [
  ['jan', 'janeiro', 'ene', 'enero', 'janv', 'janvier', 'januar', 'january'],
  ['feb', 'fev', 'fevereiro', 'febrero', 'févr', 'fevr', 'février', 'fevrier', 'februar', 'february'],
  ['mar', 'março', 'marco', 'marzo', 'mars', 'mär', 'märz', 'maerz', 'mrz', 'march'],
  ['apr', 'abr', 'abril', 'avr', 'avril', 'april'],
  ['may', 'mai', 'maio', 'mayo'],
  ['jun', 'junho', 'junio', 'juin', 'juni', 'june'],
  ['jul', 'julho', 'julio', 'juil', 'juillet', 'juli', 'july'],
  ['aug', 'ago', 'agosto', 'août', 'aout', 'august'],
  ['sep', 'sept', 'set', 'setembro', 'septiembre', 'septembre', 'september'],
  ['oct', 'out', 'outubro', 'octubre', 'octobre', 'okt', 'oktober', 'october'],
  ['nov', 'novembro', 'noviembre', 'novembre', 'november'],
  ['dec', 'dez', 'dezembro', 'dic', 'diciembre', 'déc', 'decembre', 'décembre', 'dezember', 'december'],
];
MONTH_SPELLINGS.forEach((names, index) => names.forEach((name) => (MONTHS[name] = index)));

/**
 * Zone names with one meaning: RFC 822's own (UT, GMT, the US zones, military Z) and a few that feeds use and that
 * name a single offset. Ambiguous abbreviations (IST, BST...) are absent on purpose: a date carrying one is no date.
 */
const ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0, WET: 0, WEST: 60, CET: 60, MET: 60, CEST: 120, MEST: 120, EET: 120, EEST: 180, MSK: 180,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  AKST: -540, AKDT: -480, HST: -600, JST: 540, KST: 540, AEST: 600, AEDT: 660, NZST: 720, NZDT: 780,
};

function offsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined || zone === '') return 0; // no zone at all: read as UTC, never as the host's zone
  const numeric = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (numeric) return (numeric[1] === '-' ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3]));
  const named = ZONES[zone.toUpperCase()];
  return named === undefined ? null : named;
}

function utc(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, offset: number): Date | null {
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return null;
  const time = Date.UTC(year, month, day, hour, minute, Math.min(second, 59), ms) - offset * 60_000;
  const date = new Date(time);
  // 31 February and the like roll over in Date.UTC: refuse them instead
  if (Number.isNaN(time) || new Date(Date.UTC(year, month, day)).getUTCDate() !== day) return null;
  return date;
}

/** RFC 3339 and W3CDTF: `2024-03-01`, `2024-03`, `2024`, `2022-06-21T11:52+09:00` (no seconds), fractions, a space for `T`. */
const ISO = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?)?)?$/i;

function parseIso(text: string): Date | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const offset = offsetMinutes(m[8]?.toUpperCase());
  if (offset === null) return null;
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  return utc(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1, m[4] ? Number(m[4]) : 0, m[5] ? Number(m[5]) : 0, m[6] ? Number(m[6]) : 0, ms, offset);
}

/**
 * RFC 822 / 1123 / 2822 and what feeds make of them: optional day name (any language: it is redundant and ignored),
 * `24 Set 2018`, 2-digit years (`03 Apr 02`), `1500` for `15:00`, seconds optional, numeric or named zone, a trailing
 * comment such as `(UTC)`.
 */
const RFC822 = /^(?:[^\d\s,]+\.?,?\s+)?(\d{1,2})[\s-]+([^\d\s.-]+)\.?[\s-]+(\d{2}|\d{4})(?:\s+(\d{1,2}):?(\d{2})(?::?(\d{2}))?(?:\.(\d+))?)?(?:\s*([+-]\d{2}:?\d{2}|[a-z]{1,5}))?$/i;

function parseRfc822(text: string): Date | null {
  const m = RFC822.exec(text.replace(/\s*\([^)]*\)\s*$/, ''));
  if (!m) return null;
  const month = MONTHS[m[2]!.toLowerCase()];
  if (month === undefined) return null;
  let year = Number(m[3]);
  if (m[3]!.length === 2) year += year < 50 ? 2000 : 1900; // RFC 2822 section 4.3
  const offset = offsetMinutes(m[8]);
  if (offset === null) return null;
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  return utc(year, month, Number(m[1]), m[4] ? Number(m[4]) : 0, m[5] ? Number(m[5]) : 0, m[6] ? Number(m[6]) : 0, ms, offset);
}

/** The instant a feed date names, or null when it cannot be read without guessing. */
export function parseFeedDate(raw: string | undefined): Date | null {
  if (raw === undefined) return null;
  const text = raw.replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  return parseIso(text) ?? parseRfc822(text);
}
