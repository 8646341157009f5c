import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The real-world samples beside a checkout (`../shared/samples`, present in CI, absent in a user's clone). Suites over
 * them run when the files exist and otherwise say plainly that they skipped.
 */
export const SAMPLES_ROOT = resolve(__dirname, '..', '..', '..', 'shared', 'samples');

export function samplePath(...parts: string[]): string {
  return resolve(SAMPLES_ROOT, ...parts);
}

/**
 * True when every path exists. Otherwise registers one test under `title` that reports the skip, and returns false:
 * `if (samplesPresent('RSS samples', SAMPLES)) { describe(...) }`.
 */
export function samplesPresent(title: string, ...paths: string[]): boolean {
  const missing = paths.find((p) => !existsSync(p));
  if (missing === undefined) return true;
  describe(title, () => {
    it('samples folder absent: skipped', () => {
      console.log(`samples folder absent: skipped (${missing})`);
    });
  });
  return false;
}
