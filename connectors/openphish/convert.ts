import { stix, type StixObject, type TlpName } from '../../core';

export interface ConvertOptions {
  author: StixObject;
  tlp: TlpName;
  /** when this connector first saw the URL in the feed (the feed itself carries no dates) */
  seenAt: string;
}

/** One phishing URL -> url observable, an indicator labelled `phishing`, and the indicator "based-on" it. Pure. */
export function phishingUrlToStix(url: string, opts: ConvertOptions): StixObject[] {
  const markings = [stix.tlpMarkingId(opts.tlp)];
  const common = { created_by_ref: opts.author.id, object_marking_refs: markings, created: opts.seenAt };
  const observable = stix.makeObservable('url', url, { created_by_ref: opts.author.id, object_marking_refs: markings, labels: ['phishing'] });
  const indicator = stix.makeIndicator({
    ...common,
    observable: { type: 'url', value: url },
    labels: ['phishing'],
    indicator_types: ['malicious-activity'],
    description: 'Phishing URL listed in the OpenPhish feed',
  });
  return [observable, indicator, stix.makeRelationship({ ...common, relationship_type: 'based-on', source_ref: indicator.id, target_ref: observable.id })];
}
