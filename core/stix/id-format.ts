/** The shape of STIX identifiers: `<type>--<uuid>`, the type being lower-case letters, digits and hyphens. */
const STIX_ID = /^([a-z0-9][a-z0-9-]*[a-z0-9])--([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

/** True when `value` is a STIX id, and (when `type` is given) one of that type. */
export function isStixId(value: unknown, type?: string): value is string {
  if (typeof value !== 'string') return false;
  const match = STIX_ID.exec(value);
  return match !== null && (type === undefined || match[1] === type);
}

/** The type part of a STIX id (`malware--…` -> `malware`), or undefined when it is not one. */
export function typeOfId(value: string): string | undefined {
  const match = STIX_ID.exec(value);
  return match === null ? undefined : match[1];
}

/** The text before `--` (`x-mitre-tactic--…` -> `x-mitre-tactic`), however malformed the rest; undefined without `--`. */
export function idPrefix(value: string): string | undefined {
  const at = value.indexOf('--');
  return at > 0 ? value.slice(0, at) : undefined;
}
