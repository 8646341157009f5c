import { parseIsoDuration } from './duration';
import { normalizeTlp, TLP_NAMES, type TlpName } from '../stix/markings';

/**
 * A configuration field, declared once: its type, doc, default, secrecy. Loading, validation, the JSON Schema
 * of `manifest`, the docs tables and log redaction are all derived from these declarations.
 */
export type FieldKind = 'string' | 'url' | 'boolean' | 'integer' | 'number' | 'duration' | 'date' | 'list' | 'enum' | 'tlp' | 'tlp-list' | 'json';

export interface FieldMeta {
  kind: FieldKind;
  description: string;
  required: boolean;
  secret: boolean;
  hasDefault: boolean;
  defaultValue?: unknown;
  example?: string;
  enumValues?: readonly string[];
  /** older environment names still read, with a warning */
  aliases: string[];
}

export class Field<T> {
  /** phantom, for type inference only */
  declare readonly _type: T;
  constructor(
    readonly meta: FieldMeta,
    readonly parse: (raw: unknown) => unknown,
  ) {}

  private with<U>(patch: Partial<FieldMeta>): Field<U> {
    return new Field<U>({ ...this.meta, ...patch }, this.parse);
  }
  /** Missing = configuration error. */
  required(): Field<Exclude<T, undefined>> {
    return this.with({ required: true });
  }
  default(value: Exclude<T, undefined>): Field<Exclude<T, undefined>> {
    return this.with({ hasDefault: true, defaultValue: value });
  }
  secret(): Field<T> {
    return this.with({ secret: true });
  }
  example(text: string): Field<T> {
    return this.with({ example: text });
  }
  /** Old environment variable names (full names, e.g. `RSS_URL`) accepted for this field with a deprecation warning. */
  alias(...envNames: string[]): Field<T> {
    return this.with({ aliases: [...this.meta.aliases, ...envNames] });
  }
}

export type ConfigSpec = Record<string, Field<unknown>>;
export type InferConfig<S extends ConfigSpec> = { readonly [K in keyof S]: S[K]['_type'] };

function make<T>(kind: FieldKind, description: string, parse: (raw: unknown) => unknown, extra: Partial<FieldMeta> = {}): Field<T | undefined> {
  return new Field<T | undefined>({ kind, description, required: false, secret: false, hasDefault: false, aliases: [], ...extra }, parse);
}

function asText(raw: unknown): string {
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (raw instanceof Date) return raw.toISOString();
  throw new Error(`expected a text value, got ${Array.isArray(raw) ? 'a list' : typeof raw}`);
}

const TRUE = new Set(['true', 'yes', '1', 'on']);
const FALSE = new Set(['false', 'no', '0', 'off']);

export function parseBoolean(raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  const text = asText(raw).toLowerCase();
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  throw new Error(`"${text}" is not a boolean (use true/false, yes/no, 1/0)`);
}

export function parseUrl(raw: unknown): string {
  const text = asText(raw);
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error(`"${text}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`"${text}" is not an http(s) URL`);
  return text;
}

/** ISO-8601 date or date-time to a canonical UTC ISO string; a date alone means midnight UTC. */
export function parseIsoDate(raw: unknown): string {
  if (raw instanceof Date) return raw.toISOString();
  const text = asText(raw);
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(text)) {
    throw new Error(`"${text}" is not an ISO-8601 date (e.g. 2024-01-31 or 2024-01-31T00:00:00Z)`);
  }
  const withZone = /T|\s/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? `${text}Z` : text;
  const d = new Date(withZone.replace(' ', 'T'));
  if (Number.isNaN(d.getTime())) throw new Error(`"${text}" is not a valid date`);
  return d.toISOString();
}

export function parseList(raw: unknown): string[] {
  const items = Array.isArray(raw) ? raw.map(asText) : asText(raw).split(',');
  return items.map((s) => s.trim()).filter((s) => s.length > 0);
}

function parseInteger(raw: unknown): number {
  const text = asText(raw);
  if (!/^-?\d+$/.test(text)) throw new Error(`"${text}" is not an integer`);
  return Number(text);
}

function parseNumber(raw: unknown): number {
  const text = asText(raw);
  const n = Number(text);
  if (text === '' || !Number.isFinite(n)) throw new Error(`"${text}" is not a number`);
  return n;
}

/** Field constructors. Every field is optional until `.required()` or `.default(v)`. */
export const field = {
  string: (description: string) => make<string>('string', description, asText),
  url: (description: string) => make<string>('url', description, parseUrl),
  /** several URLs: a comma-separated string or a YAML list */
  urlList: (description: string) =>
    make<string[]>('list', description, (raw) => {
      const list = parseList(raw);
      list.forEach(parseUrl);
      return list;
    }),
  boolean: (description: string) => make<boolean>('boolean', description, parseBoolean),
  integer: (description: string, bounds: { min?: number; max?: number } = {}) =>
    make<number>('integer', description, (raw) => {
      const n = parseInteger(raw);
      if (bounds.min !== undefined && n < bounds.min) throw new Error(`${n} is below the minimum ${bounds.min}`);
      if (bounds.max !== undefined && n > bounds.max) throw new Error(`${n} is above the maximum ${bounds.max}`);
      return n;
    }),
  number: (description: string) => make<number>('number', description, parseNumber),
  /** ISO-8601 duration, parsed to milliseconds; `0` = none */
  duration: (description: string) => make<number>('duration', description, (raw) => parseIsoDuration(asText(raw))),
  /** ISO-8601 date, normalised to a UTC ISO string */
  date: (description: string) => make<string>('date', description, parseIsoDate),
  list: (description: string) => make<string[]>('list', description, parseList),
  enum: <V extends string>(description: string, values: readonly V[]) =>
    make<V>(
      'enum',
      description,
      (raw) => {
        const text = asText(raw);
        const hit = values.find((v) => v.toLowerCase() === text.toLowerCase());
        if (hit === undefined) throw new Error(`"${text}" is not one of ${values.join(', ')}`);
        return hit;
      },
      { enumValues: values },
    ),
  /** one TLP marking name (`TLP:WHITE` is read as `TLP:CLEAR`) */
  tlp: (description = 'TLP marking applied to what the connector creates') =>
    make<TlpName>('tlp', description, (raw) => normalizeTlp(asText(raw)), { enumValues: TLP_NAMES }),
  tlpList: (description = 'TLP markings applied to what the connector creates (comma list)') =>
    make<TlpName[]>('tlp-list', description, (raw) => parseList(raw).map(normalizeTlp), { enumValues: TLP_NAMES }),
  /** a JSON object, or `k:v;k2:v2` pairs (the ecosystem's custom headers spelling) */
  headers: (description: string) =>
    make<Record<string, string>>('json', description, (raw) => {
      if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
        return Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, asText(v)]));
      }
      const text = asText(raw);
      if (text.startsWith('{')) return JSON.parse(text) as Record<string, string>;
      const out: Record<string, string> = {};
      for (const pair of text.split(';')) {
        if (pair.trim() === '') continue;
        const i = pair.indexOf(':');
        if (i <= 0) throw new Error(`"${pair.trim()}" is not a header:value pair`);
        out[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
      }
      return out;
    }),
};
