import type { Logger } from '../log/logger';
import { validateObject } from '../stix/validate';
import type { StixObject } from '../stix/types';

/**
 * Objects OpenCTI would reject are reported by id, one warning each, and left out; the rest of the batch goes
 * through. A connector bug or one bad record in a source must not block a whole import.
 */
export function screenObjects(objects: StixObject[], log: Logger): { objects: StixObject[]; skipped: number } {
  let kept: StixObject[] | null = null;
  for (let i = 0; i < objects.length; i++) {
    const obj = objects[i]!;
    const issues = validateObject(obj);
    if (issues.length === 0) {
      kept?.push(obj);
      continue;
    }
    if (kept === null) kept = objects.slice(0, i);
    log.warn({ id: typeof obj?.id === 'string' ? obj.id : null, issues, skipped: true }, 'invalid STIX object skipped');
  }
  return kept === null ? { objects, skipped: 0 } : { objects: kept, skipped: objects.length - kept.length };
}
