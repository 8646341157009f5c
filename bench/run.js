// `npm run bench`: builds, then runs every dist/bench/*.bench.js in turn; exits non-zero if any fails.
const { execFileSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
const dir = join(root, 'dist', 'bench');
let failed = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.js')).sort()) {
  try {
    execFileSync(process.execPath, [join(dir, file)], { cwd: root, stdio: 'inherit' });
  } catch {
    failed += 1;
  }
}
process.exit(failed === 0 ? 0 : 1);
