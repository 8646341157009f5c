/**
 * The real URLhaus csv_online head in ../shared/samples/feeds/urlhaus (beside the repository, never copied into it),
 * served by a local HTTP server and imported: every entry becomes an indicator, "None" gives no tag labels, the
 * cursor lands on the newest dateadded, and an unchanged dump sends nothing on the next run. Skips without the folder.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stix, type StixObject } from '../../../core';
import { runConnectorOnce } from '../../../core/testing/run-connector';
import { startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import urlhaus from '../connector';
import { samplesPresent } from '../../../core/testing/samples';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const SAMPLE = join(resolve(REPO_ROOT, '..', 'shared', 'samples'), 'feeds', 'urlhaus', 'csv_online-head.csv');

if (samplesPresent('URLhaus sample', SAMPLE)) {
  let server: SourceServer;
  beforeAll(async () => {
    server = await startSourceServer();
    server.route('GET', '/csv_online/', { file: SAMPLE });
  });
  afterAll(async () => {
    await server.close();
  });

  it('imports every entry of the real dump head, and nothing again on the next run', async () => {
    const dataLines = readFileSync(SAMPLE, 'utf8').split(/\r?\n/).filter((l) => l.startsWith('"'));
    const first = await runConnectorOnce(urlhaus, { env: { URLHAUS_URL: server.url('/csv_online/') } });
    expect(first.exitCode).toBe(0);
    expect(first.logs.filter((l) => l.level === 'warn')).toEqual([]);
    const indicators = first.objects.filter((o) => o.type === 'indicator');
    expect(indicators).toHaveLength(dataLines.length);
    for (const o of first.objects) expect(stix.validateObject(o)).toEqual([]);

    const byUrl = (value: string): StixObject | undefined => indicators.find((o) => o.name === value);
    expect(byUrl('http://176.65.139.212/eclipse.sh4')).toMatchObject({
      valid_from: '2026-08-18T16:05:19.000Z',
      labels: ['176-65-139-212', 'elf', 'mirai', 'ua-wget', 'malware_download'],
      external_references: [{ source_name: 'URLhaus', url: 'https://urlhaus.abuse.ch/url/3905435/', external_id: '3905435' }],
    });
    expect(byUrl('http://120.84.215.27:44835/i')?.labels).toEqual(['malware_download']);
    expect(first.state).toEqual({ date: '2026-08-18T16:17:08.000Z', ids_at_date: ['3905439'] });

    const again = await runConnectorOnce(urlhaus, { env: { URLHAUS_URL: server.url('/csv_online/') }, outDir: first.outDir, statePath: first.statePath });
    expect(again.files).toHaveLength(first.files.length);
  });
}
