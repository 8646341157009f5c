import { connectorManifest } from '../config/json-schema';
import { loadConnector } from './registry';
import { packageVersion } from './version';

/** `manifest <connector>`: the catalog card and the configuration schema keyed by environment variable, as JSON. */
export function manifestCommand(name: string): number {
  const def = loadConnector(name);
  process.stdout.write(`${JSON.stringify(connectorManifest(def, packageVersion()), null, 2)}\n`);
  return 0;
}
