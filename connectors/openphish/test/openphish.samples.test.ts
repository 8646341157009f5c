import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startSourceServer } from '../../../core/testing/source-server';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import openphish from '../connector';
import { samplesPresent } from '../../../core/testing/samples';

const repoRoot = resolve(__dirname, '..', '..', '..');
const SAMPLE = join(resolve(repoRoot, '..', 'shared', 'samples'), 'feeds', 'openphish', 'feed.txt');
if (samplesPresent('openphish connector on the real feed (samples)', SAMPLE)) {
  describe('openphish connector on the real feed (samples)', () => {
    it('imports every URL of the real feed once, and nothing on a second run', async () => {
      const text = readFileSync(SAMPLE, 'utf8');
      const distinct = new Set(text.split('\n').map((l) => l.trim()).filter((l) => l !== ''));
      const server = await startSourceServer();
      try {
        server.route('GET', '/feed.txt', { body: text });
        const env = { OPENPHISH_URL: server.url('/feed.txt') };
        const first = await runConnectorOnce(openphish, { env });
        expect(first.exitCode).toBe(0);
        expect(first.logs.filter((l) => l.level === 'warn')).toEqual([]);
        const values = new Set(first.objects.filter((o) => o.type === 'url').map((o) => o.value));
        expect(values).toEqual(distinct);
        expect(first.objects.filter((o) => o.type === 'indicator')).toHaveLength(distinct.size);
        const again = await runConnectorOnce(openphish, { env, outDir: first.outDir, statePath: first.statePath });
        expect(again.files).toHaveLength(first.files.length);
      } finally {
        await server.close();
      }
    });
  });
}
