/**
 * The STIX object types an OpenCTI platform imports (6.x / 7.x, as its Python SDK's splitter lists them).
 * Anything else (e.g. `x-mitre-tactic`, `x-mitre-matrix`, `x-mitre-collection`, `x-mitre-analytic`,
 * `extension-definition`, `language-content`) is dropped before sending; see split.ts.
 *
 * Note: `x-mitre-data-source` and `x-mitre-data-component` ARE imported (as Data-Source / Data-Component).
 */

/** Meta objects that travel as their own objects. */
export const OPENCTI_META_TYPES = ['marking-definition', 'label', 'vocabulary', 'kill-chain-phase', 'external-reference'] as const;

/** Domain objects, including OpenCTI's own types and the `x-opencti-*` / `x-mitre-*` spellings it also reads. */
export const OPENCTI_DOMAIN_TYPES = [
  'attack-pattern',
  'campaign',
  'case-incident',
  'x-opencti-case-incident',
  'case-rfi',
  'x-opencti-case-rfi',
  'case-rft',
  'x-opencti-case-rft',
  'channel',
  'course-of-action',
  'data-component',
  'x-mitre-data-component',
  'data-source',
  'x-mitre-data-source',
  'event',
  'feedback',
  'x-opencti-feedback',
  'grouping',
  'identity',
  'incident',
  'indicator',
  'infrastructure',
  'intrusion-set',
  'language',
  'location',
  'malware',
  'malware-analysis',
  'narrative',
  'note',
  'observed-data',
  'opinion',
  'report',
  'task',
  'x-opencti-task',
  'threat-actor',
  'tool',
  'vulnerability',
  'security-coverage',
] as const;

/** Cyber observables: the STIX 2.1 ones and OpenCTI's additions. */
export const OPENCTI_OBSERVABLE_TYPES = [
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'email-mime-part-type',
  'artifact',
  'file',
  'x509-certificate',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'windows-registry-value-type',
  'hostname',
  'cryptographic-key',
  'cryptocurrency-wallet',
  'text',
  'user-agent',
  'bank-account',
  'phone-number',
  'credential',
  'tracking-number',
  'payment-card',
  'media-content',
  'simple-observable',
  'persona',
  'ssh-key',
] as const;

export const OPENCTI_RELATIONSHIP_TYPES = ['relationship', 'sighting'] as const;

/**
 * Platform-internal objects (users, groups, settings, works...). The platform's own exports and the live stream can
 * carry them, and its splitter lets them through, so they are not dropped; connectors normally never build them.
 */
export const OPENCTI_INTERNAL_TYPES = [
  'user',
  'group',
  'capability',
  'role',
  'settings',
  'notification',
  'work',
  'trash',
  'draftworkspace',
  'playbook',
  'deleteoperation',
  'workspace',
  'publicdashboard',
  'pir',
] as const;

const ACCEPTED: ReadonlySet<string> = new Set<string>([
  ...OPENCTI_META_TYPES,
  ...OPENCTI_DOMAIN_TYPES,
  ...OPENCTI_OBSERVABLE_TYPES,
  ...OPENCTI_RELATIONSHIP_TYPES,
  ...OPENCTI_INTERNAL_TYPES,
]);

/** Every type OpenCTI imports, sorted. */
export const OPENCTI_ACCEPTED_TYPES: readonly string[] = [...ACCEPTED].sort();

export function isOpenCtiType(type: string): boolean {
  return ACCEPTED.has(type);
}

const OBSERVABLES: ReadonlySet<string> = new Set<string>(OPENCTI_OBSERVABLE_TYPES);
export function isObservableType(type: string): boolean {
  return OBSERVABLES.has(type);
}
