import { v5 as uuidv5 } from 'uuid';
import { ConfigError } from '../errors';
import type { ConnectorDefinition } from '../contract/connector';
import { sectionOf } from '../contract/connector';
import { COMMON_SECTIONS, type CommonSettings } from './common';
import type { InferConfig, ConfigSpec } from './fields';
import { describeKey, loadSection, readYamlConfig, resolveConfigPath, type RawSource } from './load';

/** Namespace for the default connector id in directory mode: UUIDv5(name) is stable across restarts. */
const CONNECTOR_ID_NAMESPACE = '7d3c1d0e-3f4c-5b8a-9a57-6f0a2c4d8e11';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ResolvedConfig<C> {
  settings: CommonSettings;
  config: C;
  /** the connector's id: configured, or UUIDv5 of its name in directory mode */
  connectorId: string;
  connectorName: string;
  /** true when bundles and state stay local (no OPENCTI_URL) */
  directoryMode: boolean;
  /** values to mask in every log line */
  secrets: string[];
  warnings: string[];
  configPath: string | null;
}

export interface ResolveOptions {
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/**
 * Loads YAML + environment for one connector and validates everything at once: every problem is reported,
 * one line each, in a single ConfigError (exit 2).
 */
export function resolveConfig<Spec extends ConfigSpec>(
  def: ConnectorDefinition<Spec, never> | ConnectorDefinition<Spec>,
  opts: ResolveOptions = {},
): ResolvedConfig<InferConfig<Spec>> {
  const env = opts.env ?? process.env;
  const yamlPath = resolveConfigPath(opts.configPath, env, opts.cwd);
  const yaml = yamlPath ? readYamlConfig(yamlPath, opts.configPath !== undefined) : {};
  const src: RawSource = { yaml, yamlPath, env };

  const problems: string[] = [];
  const warnings: string[] = [];
  const secrets: string[] = [];
  const sections: Record<string, Record<string, unknown>> = {};
  const load = (section: string, spec: ConfigSpec) => {
    const r = loadSection(src, section, spec);
    problems.push(...r.problems);
    warnings.push(...r.warnings);
    secrets.push(...r.secrets);
    sections[section] = r.values;
  };
  for (const [section, spec] of Object.entries(COMMON_SECTIONS)) load(section, spec as ConfigSpec);
  const ownSection = sectionOf(def.name);
  load(ownSection, def.config);

  const settings = { opencti: sections.opencti, connector: sections.connector, mq: sections.mq } as unknown as CommonSettings;
  problems.push(...crossCheck(settings, def, problems.join('\n')));
  if (problems.length > 0) throw new ConfigError(problems);

  const directoryMode = !settings.opencti.url;
  const connectorId = settings.connector.id ?? uuidv5(def.name, CONNECTOR_ID_NAMESPACE);
  return {
    settings: deepFreeze(settings),
    config: deepFreeze(sections[ownSection]) as InferConfig<Spec>,
    connectorId,
    connectorName: settings.connector.name ?? def.name,
    directoryMode,
    secrets,
    warnings,
    configPath: yamlPath,
  };
}

/** Rules that span fields: the token in platform mode, the id format, the schedule. */
function crossCheck(s: CommonSettings, def: { name: string; type: string; defaultPeriod?: string }, earlier: string): string[] {
  const problems: string[] = [];
  const token = s.opencti.token;
  if (token !== undefined && token.toLowerCase() === 'changeme') {
    problems.push(`${describeKey('opencti', 'token')}: still the sample value ChangeMe; set the token of the connector's own OpenCTI user`);
  } else if (s.opencti.url && token === undefined) {
    problems.push(`${describeKey('opencti', 'token')}: required when OPENCTI_URL is set (empty or unset)`);
  }
  if (s.connector.id !== undefined && !UUID.test(s.connector.id)) {
    problems.push(`${describeKey('connector', 'id')}: "${s.connector.id}" is not a UUID`);
  } else if (s.opencti.url && s.connector.id === undefined) {
    problems.push(`${describeKey('connector', 'id')}: required when OPENCTI_URL is set (a UUIDv4, unique per connector)`);
  }
  if (s.connector.type !== undefined && s.connector.type !== def.type) {
    problems.push(`${describeKey('connector', 'type')}: ${def.name} is a ${def.type} connector, not ${s.connector.type}`);
  }
  if (
    def.type === 'EXTERNAL_IMPORT' &&
    s.connector.duration_period === undefined &&
    !s.connector.run_and_terminate &&
    def.defaultPeriod === undefined &&
    !earlier.includes('CONNECTOR_DURATION_PERIOD')
  ) {
    problems.push(`${describeKey('connector', 'duration_period')}: required (an ISO-8601 duration such as PT1H), or set CONNECTOR_RUN_AND_TERMINATE=true`);
  }
  return problems;
}
