import { StixValidationError } from '../errors';

/** A point in time as callers hold it: a Date, or any string `Date` can parse (ISO 8601 / RFC 3339 preferred). */
export type TimestampInput = Date | string;

/**
 * STIX 2.1 timestamp: RFC 3339, UTC, `Z` suffix, optional fraction of any precision.
 * Used by the validator; the builders always emit the millisecond form below.
 */
const STIX_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export function isStixTimestamp(value: unknown): value is string {
  return typeof value === 'string' && STIX_TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value));
}

/** ISO date-times without an offset are read as UTC: `Date` would read them in the host's zone, and output must not vary by host. */
const ZONELESS_ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
function asUtcWhenZoneless(text: string): string {
  return ZONELESS_ISO.test(text) ? `${text.replace(' ', 'T')}Z` : text;
}

/**
 * Normalises a time to `YYYY-MM-DDTHH:mm:ss.sssZ`, the form OpenCTI itself stores and reads back (it keeps dates
 * as JavaScript Dates and serialises them with `toISOString`). Emitting that one form means the same instant always
 * produces the same string, hence the same deterministic id (report ids hash `published`), whatever the source wrote.
 */
export function toStixTimestamp(input: TimestampInput, what = 'timestamp'): string {
  const date = input instanceof Date ? input : new Date(asUtcWhenZoneless(input.trim()));
  if (Number.isNaN(date.getTime())) {
    throw new StixValidationError([`${what}: "${String(input)}" is not a date`]);
  }
  return date.toISOString();
}
