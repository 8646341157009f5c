import { parse, validate } from 'graphql';
import { ALL_DOCUMENTS, PING_CONNECTOR } from '../../core/platform/documents';
import { CURRENT_SCHEMA, OPENCTI_60_SCHEMA } from '../opencti-standin';

function errorsOf(schema: typeof CURRENT_SCHEMA, document: string): string[] {
  return validate(schema, parse(document)).map((e) => e.message);
}

describe('GraphQL documents against the platform schema', () => {
  it.each(Object.entries(ALL_DOCUMENTS))('%s is accepted by the current schema', (_name, document) => {
    expect(errorsOf(CURRENT_SCHEMA, document)).toEqual([]);
  });

  it.each(Object.entries(ALL_DOCUMENTS).filter(([name]) => name !== 'PING_CONNECTOR'))('%s is accepted by the 6.0 schema', (_name, document) => {
    expect(errorsOf(OPENCTI_60_SCHEMA, document)).toEqual([]);
  });

  it('a 6.0 platform refuses the ping with connectorInfo, naming it (what the fallback keys on)', () => {
    const errors = errorsOf(OPENCTI_60_SCHEMA, PING_CONNECTOR);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join(' ')).toMatch(/connectorInfo|ConnectorInfoInput/);
  });

  it('asks for no field that only some versions have (jwks, s3, dead_letter_routing)', () => {
    for (const document of Object.values(ALL_DOCUMENTS)) expect(document).not.toMatch(/\bjwks\b|\bs3\b|dead_letter_routing/);
  });
});
