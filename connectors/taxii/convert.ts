import type { StixObject, stix as stixToolkit } from '../../core';
import type { TaxiiConfig } from './config';
import { isStix20, liftToStix21 } from './stix20';

type Toolkit = Pick<typeof stixToolkit, 'isObservableType' | 'makeOrganization' | 'tlpMarking'>;

/**
 * What the connector may change in what a server sends (all off by default): the configured author and markings on
 * objects that have none, and `confidence` copied to OpenCTI's score. Everything else passes through as sent.
 */
export interface Enrichment {
  author: StixObject | null;
  markings: StixObject[];
  confidenceToScore: boolean;
}

/** A fixed date for the author identity, so every page carries the same object. */
const AUTHOR_CREATED = '2020-01-01T00:00:00.000Z';

export function enrichmentOf(config: Pick<TaxiiConfig, 'default_author' | 'default_markings' | 'confidence_to_score'>, stix: Toolkit): Enrichment {
  return {
    author: config.default_author === undefined ? null : stix.makeOrganization(config.default_author, { created: AUTHOR_CREATED }),
    markings: (config.default_markings ?? []).map((name) => stix.tlpMarking(name)),
    confidenceToScore: config.confidence_to_score,
  };
}

/** Types that are not authored content: no author or marking is added to them. */
const META_TYPES: ReadonlySet<string> = new Set(['marking-definition', 'extension-definition', 'language-content']);

function isRecord(value: unknown): value is StixObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';
}

function hasMarkings(object: StixObject): boolean {
  return Array.isArray(object.object_marking_refs) && object.object_marking_refs.length > 0;
}

/**
 * One page, ready to deliver: STIX 2.0 objects lifted to 2.1, then the enrichments. Objects are copied only when
 * something changes; anything malformed is passed on untouched for the runtime's validator to report by id.
 * The author identity and the marking objects are added to the page when an object of the page refers to them.
 */
export function convertPage(objects: readonly unknown[], enrichment: Enrichment, stix: Toolkit): StixObject[] {
  const out: StixObject[] = [];
  let authorUsed = false;
  let markingsUsed = false;
  const markingIds = enrichment.markings.map((m) => m.id);
  for (const raw of objects) {
    if (!isRecord(raw)) {
      out.push(raw as StixObject);
      continue;
    }
    let object = isStix20(raw, stix.isObservableType) ? liftToStix21(raw) : raw;
    const observable = stix.isObservableType(object.type);
    const meta = META_TYPES.has(object.type);
    const patch: Record<string, unknown> = {};
    if (enrichment.author !== null && !observable && !meta && object.created_by_ref === undefined && object.id !== enrichment.author.id) {
      patch.created_by_ref = enrichment.author.id;
      authorUsed = true;
    }
    if (markingIds.length > 0 && !meta && !hasMarkings(object)) {
      patch.object_marking_refs = markingIds;
      markingsUsed = true;
    }
    if (
      enrichment.confidenceToScore &&
      (object.type === 'indicator' || observable) &&
      Number.isInteger(object.confidence) &&
      object.x_opencti_score === undefined
    ) {
      patch.x_opencti_score = object.confidence;
    }
    if (Object.keys(patch).length > 0) object = { ...object, ...patch };
    out.push(object);
  }
  const extras: StixObject[] = [];
  if (authorUsed && enrichment.author !== null) extras.push(enrichment.author);
  if (markingsUsed) extras.push(...enrichment.markings);
  return extras.length > 0 ? [...extras, ...out] : out;
}
