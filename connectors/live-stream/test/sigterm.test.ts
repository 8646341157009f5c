import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { indicatorPayload, type FakeRemote } from './fake-remote';
import { delivered, envFor, freshFolders, readState, startRemote, waitFor } from './helpers';

/**
 * `octi-connector run live-stream` as an operator runs it, stopped by a real SIGTERM. Needs the compiled CLI
 * (`npm test` compiles first); without it the test says so and passes.
 */
const ROOT = resolve(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'octi-connector.js');
const BUILT = existsSync(join(ROOT, 'dist', 'connectors', 'live-stream', 'connector.js'));

let remote: FakeRemote;
beforeEach(async () => {
  remote = await startRemote();
});
afterEach(async () => {
  await remote.close();
});

(BUILT ? it : it.skip)('stops on SIGTERM with exit 0, its delivered events committed', async () => {
  const folders = freshFolders({ start_from: '1699999999999-0' });
  const env = { PATH: process.env.PATH ?? '', ...envFor(remote), CONNECTOR_SEND_TO_DIRECTORY_PATH: folders.outDir, CONNECTOR_STATE_PATH: folders.statePath };
  const child = spawn(process.execPath, [BIN, 'run', 'live-stream'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  try {
    await waitFor('the stream to be open', () => remote.openConnections === 1, 20_000);
    const e = remote.publish('create', indicatorPayload(1));
    await waitFor('the event delivered and its position committed', async () => {
      const state = await readState(folders.statePath);
      return (await delivered(folders.outDir)).length === 1 && Number(String(state?.start_from).split('-')[0]) >= Number(e.id.split('-')[0]);
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('SIGTERM received');
    await waitFor('the remote to see the connection closed', () => remote.openConnections === 0);
  } finally {
    child.kill('SIGKILL');
  }
});

if (!BUILT) {
  it('compiled CLI absent: the SIGTERM test was skipped (run npm test or npm run build)', () => {
    console.log(`skipped: ${join(ROOT, 'dist')} has no compiled live-stream connector`);
  });
}
