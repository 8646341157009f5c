/**
 * The real Feodo Tracker blocklist in ../shared/samples/feeds/feodotracker (beside the repository, never copied into
 * it), served by a local HTTP server and imported: its 28 entries, the END line honoured, valid STIX, the cursor on
 * the newest first_seen_utc, and nothing sent again on the next run. Skips without the folder.
 */
import { join, resolve } from 'node:path';
import { stix } from '../../../core';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import feodo from '../connector';
import { samplesPresent } from '../../../core/testing/samples';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const SAMPLE = join(resolve(REPO_ROOT, '..', 'shared', 'samples'), 'feeds', 'feodotracker', 'ipblocklist.csv');

if (samplesPresent('Feodo Tracker sample', SAMPLE)) {
  let server: SourceServer;
  beforeAll(async () => {
    server = await startSourceServer();
    server.route('GET', '/ipblocklist.csv', { file: SAMPLE });
  });
  afterAll(async () => {
    await server.close();
  });

  it('imports the 28 C2 entries of the real list, and nothing again on the next run', async () => {
    const env = { FEODO_TRACKER_URL: server.url('/ipblocklist.csv') };
    const first = await runConnectorOnce(feodo, { env });
    expect(first.exitCode).toBe(0);
    expect(first.logs.filter((l) => l.level === 'warn')).toEqual([]);
    for (const o of first.objects) expect(stix.validateObject(o)).toEqual([]);
    expect(first.objects.filter((o) => o.type === 'indicator')).toHaveLength(28);
    expect(first.objects.filter((o) => o.type === 'malware').map((o) => o.name)).toEqual(['Pikabot']);
    expect(first.objects.find((o) => o.type === 'indicator' && o.name === '192.9.135.73:1194')).toMatchObject({
      pattern: "[ipv4-addr:value = '192.9.135.73']",
      valid_from: '2023-05-23T17:51:44.000Z',
      description: 'Feodo Tracker: Pikabot C2 server on port 1194, status online, last online 2024-04-01.',
    });
    expect(first.state).toEqual({ date: '2024-04-04T07:03:03.000Z', ids_at_date: ['172.233.221.61:5938'] });

    const again = await runConnectorOnce(feodo, { env, outDir: first.outDir, statePath: first.statePath });
    expect(again.files).toHaveLength(first.files.length);
  });
}
