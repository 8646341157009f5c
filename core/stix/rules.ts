/**
 * What STIX 2.1 requires of each object type OpenCTI imports, as data the validator walks.
 * `required`: every property listed must be present. `oneOf`: at least one of the groups must be complete.
 * Where OpenCTI is laxer than STIX and connectors rely on it, the rule is a warning (`relaxed`), not an error.
 */
export interface TypeRule {
  required?: readonly string[];
  oneOf?: ReadonlyArray<readonly string[]>;
  /** STIX-required properties OpenCTI does without: reported as warnings, with the reason */
  relaxed?: Readonly<Record<string, string>>;
}

const NAMED: TypeRule = { required: ['name'] };
const VALUED: TypeRule = { required: ['value'] };

export const TYPE_RULES: Readonly<Record<string, TypeRule>> = {
  // domain objects
  'attack-pattern': NAMED,
  campaign: NAMED,
  'course-of-action': NAMED,
  grouping: { required: ['context', 'object_refs'] },
  identity: NAMED,
  incident: NAMED,
  indicator: { required: ['pattern', 'pattern_type', 'valid_from'] },
  infrastructure: NAMED,
  'intrusion-set': NAMED,
  location: { oneOf: [['region'], ['country'], ['latitude', 'longitude']] },
  malware: { required: ['is_family'] },
  'malware-analysis': { required: ['product'], oneOf: [['result'], ['analysis_sco_refs']] },
  note: { required: ['content', 'object_refs'] },
  'observed-data': { required: ['first_observed', 'last_observed', 'number_observed'], oneOf: [['object_refs'], ['objects']] },
  opinion: { required: ['opinion', 'object_refs'] },
  report: {
    required: ['name', 'published'],
    relaxed: { object_refs: 'OpenCTI imports a report without contents, but STIX requires object_refs' },
  },
  'threat-actor': NAMED,
  tool: NAMED,
  vulnerability: NAMED,
  // OpenCTI's own domain types
  channel: NAMED,
  event: NAMED,
  language: NAMED,
  narrative: NAMED,
  'case-incident': NAMED,
  'case-rfi': NAMED,
  'case-rft': NAMED,
  task: NAMED,
  feedback: NAMED,
  'data-component': NAMED,
  'data-source': NAMED,
  'x-mitre-data-component': NAMED,
  'x-mitre-data-source': NAMED,
  // relationships
  relationship: { required: ['relationship_type', 'source_ref', 'target_ref'] },
  sighting: {
    required: ['sighting_of_ref'],
    relaxed: { where_sighted_refs: 'OpenCTI cannot import a sighting without where_sighted_refs (the splitter drops it)' },
  },
  'marking-definition': {},
  // observables
  artifact: { oneOf: [['payload_bin'], ['url']] },
  'autonomous-system': { required: ['number'] },
  directory: { required: ['path'] },
  'domain-name': VALUED,
  'email-addr': VALUED,
  'email-message': { required: ['is_multipart'] },
  file: { oneOf: [['hashes'], ['name']] },
  'ipv4-addr': VALUED,
  'ipv6-addr': VALUED,
  'mac-addr': VALUED,
  mutex: NAMED,
  'network-traffic': { required: ['protocols'], oneOf: [['src_ref'], ['dst_ref']] },
  software: NAMED,
  url: VALUED,
  hostname: VALUED,
  'cryptographic-key': VALUED,
  'cryptocurrency-wallet': VALUED,
  text: VALUED,
  'user-agent': VALUED,
  'phone-number': VALUED,
  credential: VALUED,
  'tracking-number': VALUED,
  'bank-account': { required: ['iban'] },
  'payment-card': { required: ['card_number'] },
  'media-content': { required: ['url'] },
  persona: { required: ['persona_name', 'persona_type'] },
};

/** Properties holding STIX timestamps, checked wherever they appear at the top level. */
export const TIMESTAMP_PROPERTIES = [
  'created',
  'modified',
  'published',
  'valid_from',
  'valid_until',
  'first_seen',
  'last_seen',
  'start_time',
  'stop_time',
  'first_observed',
  'last_observed',
] as const;

/** `[later, earlier]`: the first must not be before the second (STIX says so for each pair). */
export const TIME_ORDER: ReadonlyArray<readonly [string, string, 'after' | 'not-before']> = [
  ['modified', 'created', 'not-before'],
  ['valid_until', 'valid_from', 'after'],
  ['stop_time', 'start_time', 'after'],
  ['last_seen', 'first_seen', 'not-before'],
  ['last_observed', 'first_observed', 'not-before'],
];

/** What a given ref property must point to, when STIX fixes it. */
export const REF_TARGET_TYPES: Readonly<Record<string, readonly string[]>> = {
  created_by_ref: ['identity'],
  object_marking_refs: ['marking-definition'],
  x_opencti_created_by_ref: ['identity'],
  where_sighted_refs: ['identity', 'location'],
};
