import type { TaxiiVersion } from './config';

/**
 * What differs between the two TAXII versions on the wire. TAXII 2.1 answers everything as `application/taxii+json`
 * and wraps objects in an envelope; TAXII 2.0 answers discovery and collections as `application/vnd.oasis.taxii+json`
 * and the objects endpoint as a STIX bundle (`application/vnd.oasis.stix+json`).
 */
export interface VersionProfile {
  version: TaxiiVersion;
  /** Accept of discovery, API root and collections */
  taxiiAccept: string;
  /** Accept of the objects endpoint */
  objectsAccept: string;
  /** where discovery lives on the server, by convention of each version */
  discoveryPath: string;
}

export const PROFILES: Readonly<Record<TaxiiVersion, VersionProfile>> = {
  '2.1': {
    version: '2.1',
    taxiiAccept: 'application/taxii+json;version=2.1',
    objectsAccept: 'application/taxii+json;version=2.1',
    discoveryPath: '/taxii2/',
  },
  '2.0': {
    version: '2.0',
    taxiiAccept: 'application/vnd.oasis.taxii+json; version=2.0',
    objectsAccept: 'application/vnd.oasis.stix+json; version=2.0',
    discoveryPath: '/taxii/',
  },
};

/** The media types a JSON answer may carry; anything else (an HTML login page, a proxy's error) is not TAXII. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === '') return true;
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  return essence === 'application/json' || essence.endsWith('+json');
}
