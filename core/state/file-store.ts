import { promises as fs } from 'node:fs';
import { StateError } from '../errors';
import { writeFileAtomic } from './atomic-write';
import type { State, StateStore } from './store';

/** Directory-mode state: one JSON file holding the connector's state object, replaced atomically on each commit. */
export class FileStateStore implements StateStore {
  readonly kind = 'file';
  constructor(readonly path: string) {}

  async load(): Promise<State | null> {
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StateError(`state file ${this.path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, err);
    }
    if (text.trim() === '') return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      // Never reset silently: a cursor thrown away means a full re-import or lost data.
      throw new StateError(`state file ${this.path}: not valid JSON; fix or delete it to start from the configured date`, err);
    }
    if (value === null) return null;
    if (typeof value !== 'object' || Array.isArray(value)) throw new StateError(`state file ${this.path}: not a JSON object`);
    return value as State;
  }

  async save(state: State): Promise<void> {
    try {
      await writeFileAtomic(this.path, `${JSON.stringify(state, null, 2)}\n`);
    } catch (err) {
      throw new StateError(`state file ${this.path}: cannot be written (${(err as NodeJS.ErrnoException).code ?? 'error'})`, err);
    }
  }
}
