import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configTable, withConfigTable } from '../../core/config/docs';
import { connectorNames, loadConnector } from '../../core/cli/registry';

/** Each connector README's configuration table is generated from its declaration: a stale table fails here. */
const ROOT = resolve(__dirname, '..', '..');

describe('connector READMEs', () => {
  it.each(connectorNames(join(ROOT, 'connectors')))('%s: the configuration table matches the declaration (npm run docs)', (name) => {
    const readme = readFileSync(join(ROOT, 'connectors', name, 'README.md'), 'utf8');
    const def = loadConnector(name, join(ROOT, 'connectors'));
    const expected = withConfigTable(readme, configTable(def));
    expect(expected).not.toBeNull();
    expect(readme).toBe(expected);
  });
});
