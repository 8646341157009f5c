/**
 * Deterministic ids of STIX cyber observables (SCOs), with the contributing properties OpenCTI's platform uses.
 * For most types these are the STIX 2.1 spec's own (e.g. `value`); values are hashed as given (no lower-casing).
 * Where OpenCTI differs from the spec it wins, because it is the platform that deduplicates:
 * - file, artifact, x509-certificate: ONE hash when any is known (MD5 > SHA-1 > SHA-256 > SHA-512 > SHA3-256 >
 *   SHA3-512 > SSDEEP, algorithm names upper-cased), else `name` (file) / `url` (artifact) / `serial_number`, `subject`;
 *   the spec would also mix the name in with the hash.
 */
import { deterministicId, type JsonObject, type JsonValue } from './ids';

/** The order in which OpenCTI picks the single hash that identifies a file. */
export const HASH_PREFERENCE = ['MD5', 'SHA-1', 'SHA-256', 'SHA-512', 'SHA3-256', 'SHA3-512', 'SSDEEP'] as const;
export type HashAlgorithm = (typeof HASH_PREFERENCE)[number];
export type Hashes = Partial<Record<string, string>>;

/**
 * Per type, the ways an id can be built: the first way with at least one non-empty property is used, and within it
 * every non-empty property contributes.
 */
const CONTRIBUTIONS: Record<string, readonly (readonly string[])[]> = {
  'autonomous-system': [['number']],
  directory: [['path']],
  'domain-name': [['value']],
  'email-addr': [['value']],
  'email-message': [['from_ref', 'subject', 'body']],
  artifact: [['hashes'], ['url']],
  file: [['hashes'], ['name']],
  'x509-certificate': [['hashes'], ['serial_number'], ['subject']],
  'ipv4-addr': [['value']],
  'ipv6-addr': [['value']],
  'mac-addr': [['value']],
  mutex: [['name']],
  'network-traffic': [['start', 'end', 'src_ref', 'dst_ref', 'src_port', 'dst_port', 'protocols']],
  software: [['name', 'cpe', 'swid', 'vendor', 'version']],
  url: [['value']],
  'user-account': [['account_type', 'user_id', 'account_login']],
  // OpenCTI's own observable types
  hostname: [['value']],
  'cryptographic-key': [['value']],
  'cryptocurrency-wallet': [['value']],
  'user-agent': [['value']],
  text: [['value']],
  'phone-number': [['value']],
  credential: [['value']],
  'tracking-number': [['value']],
  'bank-account': [['iban']],
  'payment-card': [['card_number']],
  'media-content': [['url']],
  persona: [['persona_name', 'persona_type']],
};

/** The SCO types whose id this module can compute. */
export const DETERMINISTIC_OBSERVABLE_TYPES: readonly string[] = Object.keys(CONTRIBUTIONS);

/** `{ 'sha-256': x, md5: y }` -> `{ MD5: y }`: the one hash OpenCTI identifies a file by, or undefined. */
export function preferredHash(hashes: Hashes): { [algorithm: string]: string } | undefined {
  const upper = new Map<string, string>();
  for (const [algorithm, value] of Object.entries(hashes)) {
    if (typeof value === 'string' && value !== '') upper.set(algorithm.toUpperCase(), value);
  }
  for (const algorithm of HASH_PREFERENCE) {
    const value = upper.get(algorithm);
    if (value !== undefined) return { [algorithm]: value };
  }
  return undefined;
}

function isEmpty(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** Deterministic id of any SCO type in DETERMINISTIC_OBSERVABLE_TYPES from its properties (refs as STIX ids). */
export function observableId(type: string, properties: JsonObject): string {
  const ways = CONTRIBUTIONS[type];
  if (ways === undefined) throw new Error(`no deterministic id is defined for observable type "${type}"`);
  for (const way of ways) {
    const data: JsonObject = {};
    for (const key of way) {
      let value: JsonValue | undefined = properties[key];
      if (key === 'hashes' && value !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        value = preferredHash(asHashes(value));
      }
      if (value !== undefined && !isEmpty(value)) data[key] = value;
    }
    if (Object.keys(data).length > 0) return deterministicId(type, data);
  }
  return deterministicId(type, {}); // throws: nothing contributes
}

/** Only the string entries of a hashes dictionary, whatever it was typed as. */
function asHashes(value: Readonly<Record<string, unknown>>): { [algorithm: string]: string } {
  const hashes: { [algorithm: string]: string } = {};
  for (const [algorithm, hash] of Object.entries(value)) if (typeof hash === 'string') hashes[algorithm] = hash;
  return hashes;
}

export const urlId = (value: string): string => observableId('url', { value });
export const ipv4AddrId = (value: string): string => observableId('ipv4-addr', { value });
export const ipv6AddrId = (value: string): string => observableId('ipv6-addr', { value });
export const domainNameId = (value: string): string => observableId('domain-name', { value });
export const emailAddrId = (value: string): string => observableId('email-addr', { value });
export const macAddrId = (value: string): string => observableId('mac-addr', { value });
export const hostnameId = (value: string): string => observableId('hostname', { value });
export const userAgentId = (value: string): string => observableId('user-agent', { value });
export const cryptocurrencyWalletId = (value: string): string => observableId('cryptocurrency-wallet', { value });
export const mutexId = (name: string): string => observableId('mutex', { name });
export const directoryId = (path: string): string => observableId('directory', { path });
export const autonomousSystemId = (asNumber: number): string => observableId('autonomous-system', { number: asNumber });

/** A file is identified by its preferred hash when it has one, else by its name. */
export function fileId(file: { hashes?: Hashes; name?: string }): string {
  const properties: JsonObject = {};
  if (file.hashes !== undefined) properties.hashes = asHashes(file.hashes);
  if (file.name !== undefined) properties.name = file.name;
  return observableId('file', properties);
}

export function softwareId(software: { name: string; cpe?: string; swid?: string; vendor?: string; version?: string }): string {
  const properties: JsonObject = {};
  for (const [key, value] of Object.entries(software)) if (typeof value === 'string') properties[key] = value;
  return observableId('software', properties);
}
