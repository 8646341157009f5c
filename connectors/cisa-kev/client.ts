import { SourceDataError, type HttpClient } from '../../core';

/** One entry of the catalog, as CISA publishes it (JSON field names kept). */
export interface KevEntry {
  cveID: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  /** YYYY-MM-DD */
  dateAdded: string;
  shortDescription: string;
  requiredAction: string;
  /** YYYY-MM-DD */
  dueDate: string;
  /** "Known" or "Unknown" */
  knownRansomwareCampaignUse: string;
  notes: string;
  cwes: string[];
}

export interface KevCatalog {
  catalogVersion: string;
  dateReleased: string;
  count: number | undefined;
  entries: KevEntry[];
  /** one line per malformed entry that was left out, naming its position and CVE id */
  skipped: string[];
}

const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const REQUIRED_TEXT = ['vendorProject', 'product', 'vulnerabilityName', 'shortDescription', 'requiredAction'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** Why an entry cannot be imported, or null when it is sound. */
function entryProblem(raw: Record<string, unknown>): string | null {
  if (!CVE_ID.test(text(raw.cveID))) return `cveID ${JSON.stringify(raw.cveID ?? null)} is not a CVE id`;
  const added = text(raw.dateAdded);
  if (!DAY.test(added) || Number.isNaN(Date.parse(added))) return `dateAdded ${JSON.stringify(raw.dateAdded ?? null)} is not a YYYY-MM-DD date`;
  const due = text(raw.dueDate);
  if (due !== '' && (!DAY.test(due) || Number.isNaN(Date.parse(due)))) return `dueDate ${JSON.stringify(raw.dueDate)} is not a YYYY-MM-DD date`;
  const missing = REQUIRED_TEXT.filter((key) => typeof raw[key] !== 'string');
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  return null;
}

function toEntry(raw: Record<string, unknown>): KevEntry {
  return {
    cveID: text(raw.cveID),
    vendorProject: text(raw.vendorProject),
    product: text(raw.product),
    vulnerabilityName: text(raw.vulnerabilityName),
    dateAdded: text(raw.dateAdded),
    shortDescription: text(raw.shortDescription),
    requiredAction: text(raw.requiredAction),
    dueDate: text(raw.dueDate),
    knownRansomwareCampaignUse: text(raw.knownRansomwareCampaignUse),
    notes: text(raw.notes),
    cwes: Array.isArray(raw.cwes) ? raw.cwes.filter((c): c is string => typeof c === 'string' && c.trim() !== '').map((c) => c.trim()) : [],
  };
}

/**
 * Reads the catalog document. A document without a `vulnerabilities` list is an error naming the URL; a single
 * malformed entry is left out and named in `skipped`, unless no entry at all is sound (then the file is not a catalog).
 */
export function parseKevCatalog(document: unknown, url: string): KevCatalog {
  if (!isRecord(document) || !Array.isArray(document.vulnerabilities)) {
    throw new SourceDataError(`${url}: not a KEV catalog (no "vulnerabilities" list)`);
  }
  const entries: KevEntry[] = [];
  const skipped: string[] = [];
  document.vulnerabilities.forEach((raw: unknown, index) => {
    const where = `${url} vulnerabilities[${index}]`;
    if (!isRecord(raw)) return skipped.push(`${where}: not an object`);
    const problem = entryProblem(raw);
    if (problem) return skipped.push(`${where} (${text(raw.cveID) || 'no cveID'}): ${problem}`);
    entries.push(toEntry(raw));
  });
  if (entries.length === 0 && skipped.length > 0) throw new SourceDataError(`${skipped[0]} (and no sound entry in the file)`);
  return {
    catalogVersion: text(document.catalogVersion),
    dateReleased: text(document.dateReleased),
    count: typeof document.count === 'number' ? document.count : undefined,
    entries,
    skipped,
  };
}

export async function fetchKevCatalog(http: HttpClient, url: string, signal: AbortSignal): Promise<KevCatalog> {
  const res = await http.get(url, { signal, headers: { accept: 'application/json' } });
  return parseKevCatalog(res.json(), url);
}
