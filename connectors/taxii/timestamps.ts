/** RFC 3339 in UTC, as TAXII requires: kept verbatim so a server's microseconds survive the round trip. */
const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Reads a `X-TAXII-Date-Added-*` header (or a manifest `date_added`) into a timestamp usable as `added_after`.
 * A UTC RFC 3339 value is returned as sent. Other spellings servers use (an offset instead of `Z`, or MITRE's
 * JavaScript `Wed May 31 2017 21:30:18 GMT+0000 (Coordinated Universal Time)`) are converted to UTC with millisecond
 * precision: rounding can only move the value earlier, so at worst an object is fetched twice, never skipped.
 * Returns null when the value is absent or unreadable.
 */
export function readTaxiiTimestamp(raw: string | undefined | null): string | null {
  if (raw === undefined || raw === null) return null;
  const text = raw.trim();
  if (text === '') return null;
  if (UTC_TIMESTAMP.test(text)) return text;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return null;
  return new Date(ms).toISOString();
}

/** Microseconds since the epoch of a UTC RFC 3339 timestamp (sub-microsecond digits dropped); NaN otherwise. */
export function epochMicros(timestamp: string): number {
  const match = UTC_TIMESTAMP.exec(timestamp);
  if (match === null) return Number.NaN;
  const fraction = (match[1] ?? '.').slice(1);
  const wholeSeconds = Date.parse(`${timestamp.slice(0, 19)}Z`);
  return wholeSeconds * 1000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

/** True when `a` is strictly later than `b` (both as read by readTaxiiTimestamp). */
export function isLater(a: string, b: string): boolean {
  return epochMicros(a) > epochMicros(b);
}
