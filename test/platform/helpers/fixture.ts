import { randomUUID } from 'node:crypto';
import type { CommonSettings } from '../../../core/config/common';
import type { RunInfo } from '../../../core/delivery/sink';
import { connectPlatform, type LinkTuning, type PlatformLink } from '../../../core/platform/link';
import type { StixObject } from '../../../core/stix/types';
import { OpenCtiStandin, type StandinOptions } from '../../opencti-standin';
import { captureLog, type CapturedLog } from './capture-log';
import { testSettings } from './settings';

export const ALICE = { token: 'f2b0c6a4-token-of-alice-0001', user: { id: 'user--alice-0001', name: 'feed-alice' } };
export const BOB = { token: '9d1e7c55-token-of-bob-0002', user: { id: 'user--bob-0002', name: 'feed-bob' } };

export async function startStandin(opts: StandinOptions = {}): Promise<OpenCtiStandin> {
  return new OpenCtiStandin(opts).addUser(ALICE.token, ALICE.user).addUser(BOB.token, BOB.user).start();
}

export interface Linked {
  link: PlatformLink;
  settings: CommonSettings;
  connectorId: string;
  captured: CapturedLog;
  connectionName: string;
}

/** Fast timings for tests; production defaults otherwise. */
export const FAST: LinkTuning = {
  wait: { initialDelayMs: 50, maxDelayMs: 200, maxWaitMs: 20_000 },
  reconnectInitialMs: 100,
  reconnectMaxMs: 500,
  store: { saveRetryInitialMs: 50, saveRetryMaxMs: 200 },
};

export async function linkTo(
  standin: OpenCtiStandin,
  opts: { token?: string; connectorId?: string; name?: string; type?: 'EXTERNAL_IMPORT' | 'STREAM'; settings?: Partial<Parameters<typeof testSettings>[0]>; tuning?: LinkTuning; signal?: AbortSignal; captured?: CapturedLog } = {},
): Promise<Linked> {
  const token = opts.token ?? ALICE.token;
  const connectorId = opts.connectorId ?? randomUUID();
  const settings = testSettings({ url: standin.url, token, ...opts.settings });
  const captured = opts.captured ?? captureLog([token]);
  const connectionName = `octitest ${connectorId}`;
  const link = await connectPlatform(
    { settings, connector: { id: connectorId, name: opts.name ?? 'Test feed', type: opts.type ?? 'EXTERNAL_IMPORT', scope: ['indicator'] }, log: captured.log, signal: opts.signal ?? new AbortController().signal },
    { ...FAST, connectionName, ...opts.tuning },
  );
  return { link, settings, connectorId, captured, connectionName };
}

export function runInfo(linked: Linked, over: Partial<RunInfo> = {}): RunInfo {
  return {
    runId: randomUUID(),
    connector: { id: linked.connectorId, name: 'Test feed', type: 'EXTERNAL_IMPORT', scope: ['indicator'], auto: false, validate_before_import: false },
    startedAt: new Date('2024-05-01T10:20:30.456Z'),
    log: linked.captured.log,
    applicantId: linked.link.connectorUserId,
    update: true,
    ...over,
  };
}

/** A small graph: identity <- malware/indicator <- relationship <- report, plus a type OpenCTI does not import. */
export function sampleObjects(): StixObject[] {
  const created = '2024-01-01T00:00:00.000Z';
  const identity = { type: 'identity', spec_version: '2.1', id: 'identity--542072da-8b33-50bf-810b-d9cfd2a0bc69', created, modified: created, name: 'ACME Corp', identity_class: 'organization' };
  const malware = { type: 'malware', spec_version: '2.1', id: 'malware--a1b2c3d4-0000-5000-8000-000000000001', created, modified: created, name: 'Badware', is_family: true, created_by_ref: identity.id };
  const indicator = {
    type: 'indicator', spec_version: '2.1', id: 'indicator--3ae0b0a2-7289-5fda-8a85-02d057ba0968', created, modified: created, name: '198.51.100.7',
    pattern: "[ipv4-addr:value = '198.51.100.7']", pattern_type: 'stix', valid_from: created, created_by_ref: identity.id,
    kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'command-and-control' }],
  };
  const tactic = { type: 'x-mitre-tactic', spec_version: '2.1', id: 'x-mitre-tactic--0000aaaa-0000-4000-8000-000000000001', created, modified: created, name: 'C2' };
  const rel = {
    type: 'relationship', spec_version: '2.1', id: 'relationship--0b7bc4d6-0000-5000-8000-000000000002', created, modified: created,
    relationship_type: 'indicates', source_ref: indicator.id, target_ref: malware.id, created_by_ref: identity.id,
  };
  const report = {
    type: 'report', spec_version: '2.1', id: 'report--02e0058d-69c1-51ae-ac25-4cefd45f4c3f', created, modified: created, name: 'APT29 Phishing Campaign',
    published: '2024-01-15T00:00:00.000Z', report_types: ['threat-report'], created_by_ref: identity.id, object_refs: [indicator.id, malware.id, rel.id, tactic.id],
  };
  // dependents first, so the sink has to reorder
  return [report, rel, tactic, indicator, malware, identity] as StixObject[];
}

/** `n` independent indicators (deterministic ids), for volume tests. */
export function manyIndicators(n: number, padBytes = 0): StixObject[] {
  const created = '2024-01-01T00:00:00.000Z';
  return Array.from({ length: n }, (_, i) => ({
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-5000-8000-${String(i).padStart(12, '0')}`,
    created,
    modified: created,
    pattern: `[ipv4-addr:value = '10.0.${Math.floor(i / 256)}.${i % 256}']`,
    pattern_type: 'stix',
    valid_from: created,
    description: 'x'.repeat(padBytes),
  }));
}
