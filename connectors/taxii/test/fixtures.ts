/**
 * Objects for the local TAXII server, generated so that collections of any size exist without fixture files.
 * Written for these tests (no sample text copied): STIX 2.1 indicators, and STIX 2.0 objects as TAXII 2.0 servers
 * serve them (no `spec_version`, the type vocabulary in `labels`).
 */
import type { TaxiiConfig } from '../config';
export type JsonObject = Record<string, unknown>;

/** A v4-shaped UUID that encodes a series and a number, so ids are stable and distinct across collections. */
export function uuidOf(series: number, n: number): string {
  return `${series.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function ipOf(n: number): string {
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

const CREATED = '2024-02-01T10:00:00.000Z';

/** `count` valid STIX 2.1 indicators numbered from `from`. */
export function indicators21(count: number, opts: { series?: number; from?: number; extra?: JsonObject } = {}): JsonObject[] {
  const series = opts.series ?? 1;
  const from = opts.from ?? 0;
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return {
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--${uuidOf(series, n)}`,
      created: CREATED,
      modified: CREATED,
      name: `C2 ${ipOf(n)}`,
      pattern: `[ipv4-addr:value = '${ipOf(n)}']`,
      pattern_type: 'stix',
      valid_from: CREATED,
      ...opts.extra,
    };
  });
}

/** STIX 2.0 objects: indicators and a malware family they indicate, as a 2.0 collection holds them. */
export function objects20(count: number, opts: { series?: number } = {}): JsonObject[] {
  const series = opts.series ?? 20;
  const malware = {
    type: 'malware',
    id: `malware--${uuidOf(series, 0)}`,
    created: '2017-01-27T13:49:53.997Z',
    modified: '2017-01-27T13:49:53.997Z',
    name: 'Poison Ivy',
    labels: ['remote-access-trojan'],
  };
  const out: JsonObject[] = [malware];
  for (let n = 1; n < count; n++) {
    out.push({
      type: 'indicator',
      id: `indicator--${uuidOf(series, n)}`,
      created: '2017-01-27T13:49:53.997Z',
      modified: '2017-01-27T13:49:53.997Z',
      labels: ['malicious-activity'],
      pattern: `[ipv4-addr:value = '${ipOf(n)}']`,
      valid_from: '2017-01-27T13:49:53.997Z',
    });
  }
  return out;
}

/** The ids of a run's delivered objects of the given types, with how many times each came. */
export function countIds(objects: readonly JsonObject[], types: readonly string[] = ['indicator', 'malware']): Map<string, number> {
  const counts = new Map<string, number>();
  for (const object of objects) {
    if (!types.includes(String(object.type))) continue;
    const id = String(object.id);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** A complete taxii section with every optional key unset: tests override what they exercise. */
export function taxiiConfig(serverUrl: string, collection: string, extra: Partial<TaxiiConfig> = {}): TaxiiConfig {
  return {
    server_url: serverUrl,
    collection,
    version: '2.1',
    auth_type: 'none',
    ssl_verify: true,
    confidence_to_score: false,
    username: undefined,
    password: undefined,
    token: undefined,
    cert_path: undefined,
    key_path: undefined,
    ca_path: undefined,
    import_from_date: undefined,
    page_size: undefined,
    default_author: undefined,
    default_markings: undefined,
    ...extra,
  };
}
