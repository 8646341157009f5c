import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';
import { ConfigError } from '../errors';
import type { ConfigSpec, Field } from './fields';

/** Where a configuration value came from, for error messages and the redacted config log line. */
export interface RawSource {
  /** parsed YAML document (sections of keys), or empty */
  yaml: Record<string, unknown>;
  yamlPath: string | null;
  env: NodeJS.ProcessEnv;
}

export function envName(section: string, key: string): string {
  return `${section}_${key}`.toUpperCase();
}

export function describeKey(section: string, key: string): string {
  return `${envName(section, key)} (${section}.${key})`;
}

/** `--config FILE`, else `$CONNECTOR_CONFIG_FILE`, else `./config.yml` when present, else none. */
export function resolveConfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd = process.cwd()): string | null {
  if (explicit) return resolve(cwd, explicit);
  if (env.CONNECTOR_CONFIG_FILE) return resolve(cwd, env.CONNECTOR_CONFIG_FILE);
  const local = resolve(cwd, 'config.yml');
  return existsSync(local) ? local : null;
}

/** Reads and parses the YAML file; a missing file or a syntax error is a ConfigError naming the file and line. */
export function readYamlConfig(path: string, explicit: boolean): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`config file ${path}: cannot be read (${code ?? 'error'})${explicit ? '' : ' (named by CONNECTOR_CONFIG_FILE)'}`);
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line;
    throw new ConfigError(`config file ${path}${line ? ` line ${line}` : ''}: invalid YAML (${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')})`);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`config file ${path}: the top level must be a mapping of sections`);
  return value as Record<string, unknown>;
}

export interface SectionResult {
  values: Record<string, unknown>;
  problems: string[];
  warnings: string[];
  /** values of secret fields, for log redaction */
  secrets: string[];
}

/** Raw value of one field: the environment wins over YAML; an empty environment variable means "unset". */
function rawValue(src: RawSource, section: string, key: string, field: Field<unknown>, warnings: string[]): unknown {
  const names = [envName(section, key), ...field.meta.aliases];
  for (const [i, name] of names.entries()) {
    const v = src.env[name];
    if (v === undefined) continue;
    if (i > 0) warnings.push(`${name} is deprecated: use ${names[0]}`);
    return v.trim() === '' ? undefined : v;
  }
  const sectionValue = src.yaml[section];
  if (sectionValue && typeof sectionValue === 'object' && !Array.isArray(sectionValue)) {
    const v = (sectionValue as Record<string, unknown>)[key];
    if (v === null || v === undefined) return undefined;
    if (typeof v === 'string' && v.trim() === '') return undefined;
    return v;
  }
  return undefined;
}

/** Validates one section against its spec: one problem line per faulty field, naming env variable and YAML key. */
export function loadSection(src: RawSource, section: string, spec: ConfigSpec): SectionResult {
  const out: SectionResult = { values: {}, problems: [], warnings: [], secrets: [] };
  for (const [key, field] of Object.entries(spec)) {
    const raw = rawValue(src, section, key, field, out.warnings);
    if (raw === undefined) {
      if (field.meta.hasDefault) out.values[key] = field.meta.defaultValue;
      else if (field.meta.required) out.problems.push(`${describeKey(section, key)}: required, not set`);
      else out.values[key] = undefined;
      continue;
    }
    try {
      const value = field.parse(raw);
      out.values[key] = value;
      if (field.meta.secret) collectSecrets(value, out.secrets);
    } catch (err) {
      // A secret's value never goes into a message, even a validation one.
      const why = field.meta.secret ? 'invalid value' : (err as Error).message;
      out.problems.push(`${describeKey(section, key)}: ${why}`);
    }
  }
  const yamlSection = src.yaml[section];
  if (yamlSection && typeof yamlSection === 'object' && !Array.isArray(yamlSection)) {
    for (const key of Object.keys(yamlSection)) {
      if (!(key in spec)) out.warnings.push(`${section}.${key} in ${src.yamlPath ?? 'the config file'} is not a known setting: ignored`);
    }
  }
  return out;
}

function collectSecrets(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectSecrets(v, into);
}
