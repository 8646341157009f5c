import type { StixObject } from '../../core';

/**
 * STIX 2.0 objects (what TAXII 2.0 servers serve) carry no `spec_version`, and a few types kept their open-vocabulary
 * type in `labels` where STIX 2.1 has a `*_types` property. OpenCTI reads STIX 2.1 only, so such an object is lifted
 * to 2.1 with the smallest change the 2.1 specification describes; every other property is left as sent.
 */
const LABELS_BECAME: Readonly<Record<string, string>> = {
  indicator: 'indicator_types',
  malware: 'malware_types',
  report: 'report_types',
  'threat-actor': 'threat_actor_types',
  tool: 'tool_types',
};

/**
 * True for an object written in STIX 2.0: by the 2.1 specification, an object without `spec_version` is 2.0, except
 * cyber-observable objects, which may omit it in 2.1 (and never stood alone in 2.0).
 */
export function isStix20(object: StixObject, isObservableType: (type: string) => boolean): boolean {
  return object.spec_version === undefined && typeof object.type === 'string' && !isObservableType(object.type);
}

/** The 2.1 form of a 2.0 object (a new object; the input is not modified). */
export function liftToStix21(object: StixObject): StixObject {
  const lifted: StixObject = { ...object, spec_version: '2.1' };
  const typesProperty = LABELS_BECAME[object.type];
  if (typesProperty !== undefined && Array.isArray(object.labels) && lifted[typesProperty] === undefined) {
    lifted[typesProperty] = object.labels;
    delete lifted.labels;
  }
  if (object.type === 'indicator' && lifted.pattern_type === undefined) lifted.pattern_type = 'stix';
  // a 2.0 malware object described a family or an instance without saying which; families are by far the usual case
  if (object.type === 'malware' && lifted.is_family === undefined) lifted.is_family = true;
  return lifted;
}
