import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStateStore } from '../file-store';

describe('file state store', () => {
  it('returns null before the first commit, then the committed state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'octi-state-'));
    const store = new FileStateStore(join(dir, 'sub', 'feed.json'));
    expect(await store.load()).toBeNull();
    await store.save({ current_state_date: '2024-01-01T00:00:00.000Z', ids: ['a'] });
    expect(await store.load()).toEqual({ current_state_date: '2024-01-01T00:00:00.000Z', ids: ['a'] });
    expect(JSON.parse(readFileSync(join(dir, 'sub', 'feed.json'), 'utf8'))).toEqual({ current_state_date: '2024-01-01T00:00:00.000Z', ids: ['a'] });
    expect(readdirSync(join(dir, 'sub'))).toEqual(['feed.json']);
  });

  it('refuses a corrupt state file with its path instead of starting over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'octi-state-'));
    const path = join(dir, 'feed.json');
    writeFileSync(path, '{"current_state_date": ');
    await expect(new FileStateStore(path).load()).rejects.toThrow(`state file ${path}: not valid JSON; fix or delete it to start from the configured date`);
    writeFileSync(path, '[1,2]');
    await expect(new FileStateStore(path).load()).rejects.toThrow(`state file ${path}: not a JSON object`);
  });
});
