import { stix, type StixObject, type TlpName } from '../../core';
import type { KevEntry } from './client';

export const CATALOG_PAGE = 'https://www.cisa.gov/known-exploited-vulnerabilities-catalog';

export interface ConvertOptions {
  author: StixObject;
  tlp: TlpName;
}

/** `2024-03-01` -> `2024-03-01T00:00:00.000Z`: the catalog's days are read as UTC midnights. */
export function dayToIso(day: string): string {
  return `${day}T00:00:00.000Z`;
}

function definedOnly(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

/** What a CTI engineer reads first in OpenCTI: the name, CISA's summary, and what must be done by when. */
function descriptionOf(entry: KevEntry): string {
  const lines = [`${entry.vulnerabilityName} (${entry.vendorProject} ${entry.product}).`, '', entry.shortDescription];
  const action = entry.dueDate ? `${entry.requiredAction} Due date: ${entry.dueDate}.` : entry.requiredAction;
  lines.push('', `CISA required action: ${action}`);
  lines.push('', `Known ransomware campaign use: ${entry.knownRansomwareCampaignUse || 'Unknown'}.`);
  if (entry.notes) lines.push('', `Notes: ${entry.notes}`);
  return lines.join('\n');
}

/**
 * One catalog entry -> a vulnerability named by its CVE id. Labels carry what is filtered on (in the catalog, used by
 * ransomware); `x_cisa_kev_*` properties keep each catalog field as data for STIX consumers; `x_opencti_cisa_kev`
 * is the flag OpenCTI shows. Pure: dates come from the entry.
 */
export function entryToVulnerability(entry: KevEntry, opts: ConvertOptions): StixObject {
  const ransomware = entry.knownRansomwareCampaignUse.toLowerCase() === 'known';
  return stix.makeVulnerability({
    name: entry.cveID,
    created: dayToIso(entry.dateAdded),
    description: descriptionOf(entry),
    created_by_ref: opts.author.id,
    object_marking_refs: [stix.tlpMarkingId(opts.tlp)],
    labels: ransomware ? ['cisa-kev', 'known-ransomware-campaign-use'] : ['cisa-kev'],
    external_references: [
      stix.makeExternalReference({ source_name: 'cve', external_id: entry.cveID, url: `https://nvd.nist.gov/vuln/detail/${entry.cveID}` }),
      stix.makeExternalReference({ source_name: 'cisa-kev', external_id: entry.cveID, url: `${CATALOG_PAGE}?search_api_fulltext=${entry.cveID}` }),
    ],
    custom: definedOnly({
      x_opencti_cisa_kev: true,
      x_cisa_kev_vendor_project: entry.vendorProject,
      x_cisa_kev_product: entry.product,
      x_cisa_kev_vulnerability_name: entry.vulnerabilityName,
      x_cisa_kev_date_added: entry.dateAdded,
      x_cisa_kev_due_date: entry.dueDate || undefined,
      x_cisa_kev_required_action: entry.requiredAction,
      x_cisa_kev_known_ransomware_campaign_use: entry.knownRansomwareCampaignUse || undefined,
      x_cisa_kev_cwes: entry.cwes.length > 0 ? entry.cwes : undefined,
    }),
  });
}
