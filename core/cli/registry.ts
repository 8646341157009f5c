import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConnectorDefinition } from '../contract/connector';
import type { ConfigSpec } from '../config/fields';
import { OctiError } from '../errors';

/**
 * Connectors are found by folder, never imported by name: `connectors/<name>/connector.(js|ts)` default-exports a
 * definition. From dist/core/cli this is dist/connectors; under the test runner, the sources.
 */
export function connectorsDir(): string {
  return resolve(__dirname, '..', '..', 'connectors');
}

function entryOf(dir: string, name: string): string | null {
  for (const ext of ['js', 'ts']) {
    const p = join(dir, name, `connector.${ext}`);
    if (existsSync(p) && !(ext === 'ts' && existsSync(join(dir, name, 'connector.d.ts')))) return p;
  }
  return null;
}

export function connectorNames(dir = connectorsDir()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && entryOf(dir, d.name) !== null)
    .map((d) => d.name)
    .sort();
}

export type AnyConnector = ConnectorDefinition<ConfigSpec>;

export function loadConnector(name: string, dir = connectorsDir()): AnyConnector {
  const entry = /^[a-z0-9-]+$/.test(name) ? entryOf(dir, name) : null;
  if (!entry) {
    const known = connectorNames(dir);
    throw new OctiError('OCTI_ERR_CONNECTOR_UNKNOWN', `unknown connector "${name}" (known: ${known.join(', ') || 'none; run npm run build'})`, { exitCode: 2 });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(entry) as { default?: AnyConnector };
  const def = mod.default;
  if (!def || typeof def.collect !== 'function' || def.name !== name) {
    throw new OctiError('OCTI_ERR_CONNECTOR_UNKNOWN', `${entry}: does not default-export a connector named "${name}" (use defineConnector)`);
  }
  return def;
}
