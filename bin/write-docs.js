#!/usr/bin/env node
'use strict';
// `npm run docs`: rewrites the generated configuration table of every connector README from its declaration.
const fs = require('node:fs');
const path = require('node:path');
const root = path.join(__dirname, '..');
const { connectorNames, loadConnector } = require(path.join(root, 'dist', 'core', 'cli', 'registry.js'));
const { configTable, withConfigTable } = require(path.join(root, 'dist', 'core', 'config', 'docs.js'));
for (const name of connectorNames()) {
  const file = path.join(root, 'connectors', name, 'README.md');
  if (!fs.existsSync(file)) {
    console.error(`${name}: no README.md yet: skipped`);
    continue;
  }
  const readme = fs.readFileSync(file, 'utf8');
  const next = withConfigTable(readme, configTable(loadConnector(name)));
  if (next === null) console.error(`${name}: README.md has no config-table markers`);
  else if (next !== readme) {
    fs.writeFileSync(file, next);
    console.log(`${name}: table rewritten`);
  }
}
