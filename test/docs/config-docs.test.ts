import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configTable, withConfigTable } from '../../core/config/docs';
import { connectorNames, loadConnector } from '../../core/cli/registry';

/** Each connector README's configuration table is generated from its declaration: a stale table fails here. */
const ROOT = resolve(__dirname, '..', '..');

describe('connector READMEs', () => {
  // test/cli/new.test.ts scaffolds a temporary `zz-scaffold-<pid>` connector while the suite runs: not a shipped one.
  const shipped = connectorNames(join(ROOT, 'connectors')).filter((n) => !n.startsWith('zz-scaffold-'));
  it.each(shipped)('%s: the configuration table matches the declaration (npm run docs)', (name) => {
    const readme = readFileSync(join(ROOT, 'connectors', name, 'README.md'), 'utf8');
    const def = loadConnector(name, join(ROOT, 'connectors'));
    const expected = withConfigTable(readme, configTable(def));
    expect(expected).not.toBeNull();
    expect(readme).toBe(expected);
  });
});
