import { SourceAuthError, SourceDataError, SourceUnavailableError, type HttpClient } from '../../core';

/** The parts of an NVD CVE API 2.0 record the connector reads (names as NVD sends them). */
export interface NvdCvssData {
  version?: string;
  vectorString?: string;
  baseScore?: number;
  baseSeverity?: string;
  attackVector?: string;
}
export interface NvdCvssMetric {
  source?: string;
  type?: string;
  cvssData?: NvdCvssData;
  /** v2 keeps its severity beside cvssData */
  baseSeverity?: string;
}
export interface NvdCve {
  id: string;
  /** NVD timestamps carry no time zone: they are UTC */
  published?: string;
  lastModified?: string;
  vulnStatus?: string;
  cisaExploitAdd?: string;
  cisaActionDue?: string;
  cisaRequiredAction?: string;
  cisaVulnerabilityName?: string;
  descriptions?: { lang?: string; value?: string }[];
  metrics?: { cvssMetricV40?: NvdCvssMetric[]; cvssMetricV31?: NvdCvssMetric[]; cvssMetricV30?: NvdCvssMetric[]; cvssMetricV2?: NvdCvssMetric[] };
  weaknesses?: { description?: { lang?: string; value?: string }[] }[];
  references?: { url?: string; source?: string; tags?: string[] }[];
}

export interface NvdPage {
  startIndex: number;
  resultsPerPage: number;
  totalResults: number;
  timestamp: string;
  /** records in page order; `null` where an entry has no usable CVE id (named in `skipped`) */
  records: (NvdCve | null)[];
  skipped: string[];
}

export interface PageQuery {
  startIndex: number;
  resultsPerPage: number;
  /** NVD's zone-less UTC form; both or neither (the API refuses one alone) */
  lastModStartDate?: string;
  lastModEndDate?: string;
}

export interface FetchOptions {
  signal: AbortSignal;
  /** how long to wait after NVD's throttling 403 when it gives no Retry-After */
  throttleWaitMs: number;
  /** throttled answers tolerated in a row before the run fails */
  throttleAttempts: number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** told before each wait, for the log */
  onThrottled?(where: string, waitMs: number, attempt: number): void;
}

const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One API answer: the paging numbers must be there; a record without a CVE id is left out and named. */
export function parseNvdPage(document: unknown, where: string): NvdPage {
  if (!isRecord(document) || !Array.isArray(document.vulnerabilities)) throw new SourceDataError(`${where}: not an NVD CVE API 2.0 answer (no "vulnerabilities" list)`);
  const { startIndex, resultsPerPage, totalResults } = document;
  if (typeof startIndex !== 'number' || typeof totalResults !== 'number') throw new SourceDataError(`${where}: no startIndex/totalResults in the answer`);
  const skipped: string[] = [];
  const records = document.vulnerabilities.map((item: unknown, i): NvdCve | null => {
    const cve = isRecord(item) ? item.cve : undefined;
    if (isRecord(cve) && typeof cve.id === 'string' && CVE_ID.test(cve.id.trim())) return { ...(cve as unknown as NvdCve), id: cve.id.trim() };
    skipped.push(`${where} vulnerabilities[${i}] (record ${startIndex + i}): no CVE id`);
    return null;
  });
  return { startIndex, resultsPerPage: typeof resultsPerPage === 'number' ? resultsPerPage : records.length, totalResults, timestamp: String(document.timestamp ?? ''), records, skipped };
}

/** `2024-01-31T10:00:00.000Z` -> `2024-01-31T10:00:00.000`, the form NVD documents and answers in (UTC). */
export function toNvdDate(iso: string): string {
  return new Date(iso).toISOString().replace(/Z$/, '');
}

function describe(url: string, query: PageQuery): string {
  const range = query.lastModStartDate ? ` lastMod ${query.lastModStartDate}..${query.lastModEndDate}` : '';
  return `${url} startIndex=${query.startIndex}${range}`;
}

function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * Fetches one page. NVD signals throttling with a 403 (its firewall, not a refusal of the key): it is waited out and
 * retried. NVD refuses a bad key with a 404 whose `message` header says "Invalid apiKey": that one ends the run as a
 * refused credential. 429/5xx (NVD answers 503 under load) are retried by the HTTP client, honouring Retry-After.
 */
export async function fetchNvdPage(http: HttpClient, url: string, query: PageQuery, opts: FetchOptions): Promise<NvdPage> {
  const where = describe(url, query);
  for (let attempt = 1; ; attempt++) {
    const res = await http.get(url, {
      signal: opts.signal,
      params: { ...query },
      headers: { accept: 'application/json' },
      acceptStatus: (s) => (s >= 200 && s < 300) || s === 403 || s === 404,
    });
    const message = res.headers['message'] ?? '';
    if (res.status === 404) {
      if (/api\s*key/i.test(message)) throw new SourceAuthError(`${where}: NVD refused the API key (NVD_CVE_API_KEY): ${message}`, 404);
      throw new SourceDataError(`${where}: 404 ${message || 'not found (is NVD_CVE_URL the CVE API 2.0 endpoint?)'}`);
    }
    if (res.status === 403) {
      if (attempt >= opts.throttleAttempts) throw new SourceUnavailableError(`${where}: still throttled by NVD (403) after ${attempt} attempts`, { status: 403 });
      const waitMs = retryAfterMs(res.headers['retry-after']) ?? opts.throttleWaitMs;
      opts.onThrottled?.(where, waitMs, attempt);
      await opts.sleep(waitMs, opts.signal);
      if (opts.signal.aborted) throw opts.signal.reason ?? new Error('aborted');
      continue;
    }
    return parseNvdPage(res.json(), where);
  }
}
