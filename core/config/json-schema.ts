import type { ConnectorDefinition } from '../contract/connector';
import { sectionOf } from '../contract/connector';
import { COMMON_SECTIONS } from './common';
import type { ConfigSpec, FieldMeta } from './fields';
import { envName } from './load';

type JsonSchema = Record<string, unknown>;

function fieldSchema(meta: FieldMeta, section: string, key: string): JsonSchema {
  const s: JsonSchema = { description: meta.description, 'x-yaml-key': `${section}.${key}` };
  switch (meta.kind) {
    case 'boolean':
      s.type = 'boolean';
      break;
    case 'integer':
      s.type = 'integer';
      break;
    case 'number':
      s.type = 'number';
      break;
    case 'url':
      s.type = 'string';
      s.format = 'uri';
      break;
    case 'date':
      s.type = 'string';
      s.format = 'date-time';
      break;
    case 'duration':
      s.type = 'string';
      s.format = 'duration';
      break;
    case 'enum':
    case 'tlp':
      s.type = 'string';
      s.enum = meta.enumValues;
      break;
    case 'list':
    case 'tlp-list':
      s.type = 'array';
      s.items = meta.enumValues ? { type: 'string', enum: meta.enumValues } : { type: 'string' };
      break;
    case 'json':
      s.type = 'object';
      s.additionalProperties = { type: 'string' };
      break;
    default:
      s.type = 'string';
  }
  if (meta.hasDefault) s.default = meta.defaultValue;
  if (meta.secret) s.writeOnly = true;
  if (meta.example) s.examples = [meta.example];
  if (meta.aliases.length > 0) s['x-deprecated-names'] = meta.aliases;
  return s;
}

/** The connector's whole configuration (common sections + its own) as a JSON Schema keyed by environment variable. */
export function configJsonSchema(def: ConnectorDefinition<ConfigSpec, never> | ConnectorDefinition): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const sections: [string, ConfigSpec][] = [...(Object.entries(COMMON_SECTIONS) as [string, ConfigSpec][]), [sectionOf(def.name), def.config]];
  for (const [section, spec] of sections) {
    for (const [key, field] of Object.entries(spec)) {
      const name = envName(section, key);
      properties[name] = fieldSchema(field.meta, section, key);
      if (field.meta.required) required.push(name);
    }
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `octi-connectors:${def.name}:config`,
    type: 'object',
    properties,
    required,
    additionalProperties: true,
  };
}

/** `octi-connector manifest <name>`: the catalog card plus the configuration schema. */
export function connectorManifest(def: ConnectorDefinition<ConfigSpec, never> | ConnectorDefinition, version: string): JsonSchema {
  return {
    name: def.name,
    slug: def.name,
    title: def.name,
    description: def.description,
    type: def.type,
    imports: def.imports,
    version,
    config_section: sectionOf(def.name),
    default_period: def.defaultPeriod ?? null,
    config_schema: configJsonSchema(def),
  };
}
