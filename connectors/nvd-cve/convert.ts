import { stix, type StixObject, type TlpName } from '../../core';
import type { NvdCve, NvdCvssMetric } from './client';

export interface ConvertOptions {
  author: StixObject;
  tlp: TlpName;
}

/** NVD timestamps have no zone and are UTC: `2021-03-03T00:15:12.103` -> `2021-03-03T00:15:12.103Z`. */
export function nvdTimestamp(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** NVD's own analysis first (`nvd@nist.gov`, Primary), else the first metric given (the CNA's). */
function preferred(metrics: NvdCvssMetric[] | undefined): NvdCvssMetric | undefined {
  if (!metrics || metrics.length === 0) return undefined;
  return metrics.find((m) => m.type === 'Primary' && m.source === 'nvd@nist.gov') ?? metrics.find((m) => m.type === 'Primary') ?? metrics[0];
}

function definedOnly(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== ''));
}

/** CVSS under the property names OpenCTI's vulnerability schema uses (v3.x unprefixed, then `_v2_`, `_v4_`). */
export function cvssProperties(cve: NvdCve): Record<string, unknown> {
  const v3 = preferred(cve.metrics?.cvssMetricV31) ?? preferred(cve.metrics?.cvssMetricV30);
  const v2 = preferred(cve.metrics?.cvssMetricV2);
  const v4 = preferred(cve.metrics?.cvssMetricV40);
  return definedOnly({
    x_opencti_cvss_base_score: v3?.cvssData?.baseScore,
    x_opencti_cvss_base_severity: v3?.cvssData?.baseSeverity,
    x_opencti_cvss_vector_string: v3?.cvssData?.vectorString,
    x_opencti_cvss_attack_vector: v3?.cvssData?.attackVector,
    x_opencti_cvss_v2_base_score: v2?.cvssData?.baseScore,
    x_opencti_cvss_v2_vector_string: v2?.cvssData?.vectorString,
    x_opencti_cvss_v4_base_score: v4?.cvssData?.baseScore,
    x_opencti_cvss_v4_base_severity: v4?.cvssData?.baseSeverity,
    x_opencti_cvss_v4_vector_string: v4?.cvssData?.vectorString,
  });
}

function englishDescription(cve: NvdCve): string | undefined {
  const english = cve.descriptions?.find((d) => d.lang === 'en' && d.value?.trim()) ?? cve.descriptions?.find((d) => d.value?.trim());
  return english?.value?.trim();
}

/** CWE ids NVD attaches (`NVD-CWE-noinfo`/`NVD-CWE-Other` say nothing and are left out). */
export function cweIds(cve: NvdCve): string[] {
  const ids = (cve.weaknesses ?? []).flatMap((w) => (w.description ?? []).map((d) => d.value?.trim() ?? '')).filter((v) => /^CWE-\d+$/.test(v));
  return [...new Set(ids)];
}

function references(cve: NvdCve) {
  const refs = [stix.makeExternalReference({ source_name: 'cve', external_id: cve.id, url: `https://nvd.nist.gov/vuln/detail/${cve.id}` })];
  const seen = new Set<string>();
  for (const ref of cve.references ?? []) {
    const url = ref.url?.trim();
    if (!url || seen.has(url) || !/^https?:\/\//i.test(url)) continue;
    seen.add(url);
    const tags = (ref.tags ?? []).join(', ');
    refs.push(stix.makeExternalReference({ source_name: ref.source?.trim() || 'nvd', url, description: tags || undefined }));
  }
  return refs;
}

/**
 * One CVE -> a vulnerability named by its id: English description, CVSS scores, NVD page and the advisories NVD lists,
 * the CISA KEV flag when NVD carries it. `created`/`modified` are NVD's published/lastModified dates. Pure.
 */
export function cveToVulnerability(cve: NvdCve, opts: ConvertOptions): StixObject {
  const published = nvdTimestamp(cve.published);
  const modified = nvdTimestamp(cve.lastModified);
  if (!published) throw new Error(`${cve.id}: published "${cve.published ?? ''}" is not a date`);
  return stix.makeVulnerability({
    name: cve.id,
    created: published,
    modified: modified && modified >= published ? modified : published,
    description: englishDescription(cve),
    created_by_ref: opts.author.id,
    object_marking_refs: [stix.tlpMarkingId(opts.tlp)],
    labels: cweIds(cve).length > 0 ? cweIds(cve) : undefined,
    revoked: cve.vulnStatus === 'Rejected' ? true : undefined,
    external_references: references(cve),
    custom: definedOnly({
      ...cvssProperties(cve),
      x_opencti_cisa_kev: cve.cisaExploitAdd ? true : undefined,
      x_nvd_vuln_status: cve.vulnStatus,
    }),
  });
}
