#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI lives in core/cli (compiled to dist/ by `npm install` / `npm run build`).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'core', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('octi-connector: not built yet; run `npm run build` in ' + path.join(__dirname, '..') + '\n');
  process.exit(1);
}
// `octi-connector list | head`: a reader that goes away is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
require(entry).main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
