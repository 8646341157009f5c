import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * `octi-connector new <name>` scaffolds a connector that builds, is listed and passes its own generated test at once.
 * The scaffold goes into the real connectors/ folder (its imports are relative to the project) and is removed after.
 */
const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'octi-connector.js');
const NAME = `zz-scaffold-${process.pid}`;
const DIR = join(ROOT, 'connectors', NAME);
const TSCONFIG = join(ROOT, `tsconfig.${NAME}.json`);

function octi(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
}

afterAll(() => {
  for (const p of [DIR, join(ROOT, 'dist', 'connectors', NAME), TSCONFIG]) rmSync(p, { recursive: true, force: true });
});

// A child test run started by this file never scaffolds again (defence against recursion).
const describeTop = process.env.OCTI_SCAFFOLD_CHILD ? describe.skip : describe;

describeTop('octi-connector new', () => {
  it('scaffolds a connector that type-checks, is listed and passes its generated test', () => {
    const made = octi(['new', NAME]);
    expect(made.status).toBe(0);
    expect(made.stdout).toContain(`connectors/${NAME}`);
    for (const f of ['connector.ts', 'client.ts', 'convert.ts', 'README.md', 'config.yml.sample', `test/${NAME}.test.ts`, 'test/fixtures/records.json']) {
      expect(existsSync(join(DIR, f))).toBe(true);
    }

    // build only the new folder, into dist/ where `list` finds connectors
    writeFileSync(TSCONFIG, JSON.stringify({ extends: './tsconfig.json', include: [`connectors/${NAME}/**/*.ts`] }));
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', TSCONFIG], { cwd: ROOT, stdio: 'pipe' });

    const listed = octi(['list']);
    expect(listed.stdout).toMatch(new RegExp(`^${NAME}\\s+EXTERNAL_IMPORT\\s+Zz Scaffold \\d+ records as indicators`, 'm'));

    // `--testPathPatterns` keeps the child to the scaffold's own test (this file must never run itself again)
    const tested = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--selectProjects=unit', `--testPathPatterns=connectors/${NAME}/`], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, OCTI_SCAFFOLD_CHILD: '1' },
    });
    expect(tested.stderr).toMatch(/Tests:\s+2 passed, 2 total/);
    expect(tested.status).toBe(0);
  }, 120_000);

  it('refuses an existing folder and a name that is not kebab-case, with exit 2', () => {
    const existing = octi(['new', 'example']);
    expect(existing.status).toBe(2);
    expect(existing.stderr).toBe('octi-connector: connectors/example already exists: choose another name or remove it\n');
    const bad = octi(['new', 'My_Feed']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('"My_Feed" is not a valid connector name');
  });
});
