import type { ConnectorDefinition } from '../contract/connector';
import { sectionOf } from '../contract/connector';
import type { ConfigSpec, FieldMeta } from './fields';
import { envName } from './load';

export const TABLE_START = '<!-- config-table:start (generated from the connector declaration; `npm run docs` rewrites it) -->';
export const TABLE_END = '<!-- config-table:end -->';

function defaultText(meta: FieldMeta): string {
  if (meta.required) return 'required';
  if (!meta.hasDefault) return 'none';
  const v = meta.defaultValue;
  if (Array.isArray(v)) return v.length ? `\`${v.join(',')}\`` : 'none';
  return `\`${String(v)}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The Markdown table of a connector's own section: variable, YAML key, meaning, default. */
export function configTable(def: Pick<ConnectorDefinition<ConfigSpec>, 'name' | 'config'>): string {
  const section = sectionOf(def.name);
  const rows = Object.entries(def.config).map(([key, field]) => {
    const m = field.meta;
    const meaning = `${m.description}${m.secret ? ' (secret)' : ''}${m.enumValues && m.kind === 'enum' ? ` (${m.enumValues.join(', ')})` : ''}`;
    return `| \`${envName(section, key)}\` | \`${section}.${key}\` | ${cell(meaning)} | ${defaultText(m)} |`;
  });
  return ['| variable | YAML key | meaning | default |', '|---|---|---|---|', ...rows].join('\n');
}

/** Replaces the generated block of a README; null when the README has no markers. */
export function withConfigTable(readme: string, table: string): string | null {
  const a = readme.indexOf(TABLE_START);
  const b = readme.indexOf(TABLE_END);
  if (a < 0 || b < a) return null;
  return `${readme.slice(0, a + TABLE_START.length)}\n${table}\n${readme.slice(b)}`;
}
