import type { ConfigSpec, InferConfig } from '../config/fields';
import type { CommonSettings } from '../config/common';
import type { HttpClient, HttpClientOptions } from '../http/types';
import type { Logger } from '../log/logger';
import type { State } from '../state/store';
import type { StixObject, StreamEvent } from '../stix/types';
import type * as stixToolkit from '../stix';

export type ConnectorType = 'EXTERNAL_IMPORT' | 'STREAM';

/**
 * What `collect()` yields. The runtime delivers `objects` (as one bundle) and `events`, waits until the sink has
 * confirmed them, and only then commits `checkpoint` (the whole next state). A batch may carry only a checkpoint.
 */
export interface Batch<S extends State = State> {
  objects?: StixObject[];
  events?: StreamEvent[];
  checkpoint?: S;
}

export interface CollectContext<C, S extends State = State> {
  /** this connector's own section, validated and frozen */
  readonly config: C;
  /** the common `opencti` / `connector` sections */
  readonly settings: CommonSettings;
  /** the last committed state, or null on a first run or after an operator's reset */
  readonly state: S | null;
  readonly log: Logger;
  /** HTTP client with retries, timeouts, proxies; `http.with({...})` for TLS or auth of a given source */
  readonly http: HttpClient;
  /** the STIX toolkit (deterministic ids, markings, builders) */
  readonly stix: typeof stixToolkit;
  /** aborted on SIGTERM/SIGINT: stop collecting soon, yield nothing more */
  readonly signal: AbortSignal;
  /** when this run started (a date cursor never passes it) */
  readonly runStartedAt: Date;
  now(): Date;
}

export interface CheckContext<C> {
  readonly config: C;
  readonly settings: CommonSettings;
  readonly log: Logger;
  readonly http: HttpClient;
  readonly signal: AbortSignal;
}

/** One line of `octi-connector check`: what was reached and what it said. */
export interface CheckLine {
  target: string;
  ok: boolean;
  detail: string;
}

export interface ConnectorDefinition<Spec extends ConfigSpec = ConfigSpec, S extends State = State> {
  /** kebab-case, equal to the folder name; the config section is the name with `-` -> `_` */
  name: string;
  type: ConnectorType;
  /** one line: what it imports and from where */
  description: string;
  /** STIX types it creates, for `list` */
  imports: string[];
  config: Spec;
  /** the `update` flag of its bundle messages (default false) */
  update?: boolean;
  /** default CONNECTOR_DURATION_PERIOD when none is configured (ISO-8601) */
  defaultPeriod?: string;
  /** default HTTP client options (derived from its config, e.g. `ssl_verify`) */
  http?(config: InferConfig<Spec>): HttpClientOptions;
  collect(ctx: CollectContext<InferConfig<Spec>, S>): AsyncIterable<Batch<S>>;
  /** reach every configured endpoint without importing; throw an OctiError for a failure that ends the check */
  check?(ctx: CheckContext<InferConfig<Spec>>): Promise<CheckLine[]>;
}

/** Declares a connector; the identity function that gives `collect()` its typed config and state. */
export function defineConnector<Spec extends ConfigSpec, S extends State = State>(def: ConnectorDefinition<Spec, S>): ConnectorDefinition<Spec, S> {
  if (!/^[a-z][a-z0-9-]*[a-z0-9]$/.test(def.name)) throw new Error(`connector name "${def.name}" must be kebab-case (a-z, 0-9, -)`);
  return def;
}

export function sectionOf(name: string): string {
  return name.replace(/-/g, '_');
}
