/**
 * Real stream event payloads from ../shared/samples/live-stream (OpenCTI's own fixtures: STIX objects with the
 * platform's property extension, as carried in the `data` of stream events; beside the repository, never copied into
 * it), replayed through the local stand-in of the remote stream. Without that folder the suite says so and passes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FakeRemote, LogEvent } from './fake-remote';
import { eventFiles, freshFolders, run, startRemote } from './helpers';
import { samplesPresent } from '../../../core/testing/samples';

const SAMPLES = resolve(__dirname, '..', '..', '..', '..', 'shared', 'samples', 'live-stream');

type Stix = { id: string; type: string; [key: string]: unknown };

if (samplesPresent('live-stream samples', SAMPLES)) {
  const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.json')).sort();

  let remote: FakeRemote;
  beforeEach(async () => {
    remote = await startRemote();
  });
  afterEach(async () => {
    await remote.close();
  });

  describe('live-stream samples', () => {
    it.each(files)('%s: every object goes through create and update events unchanged, in order', async (file) => {
      const objects = JSON.parse(readFileSync(join(SAMPLES, file), 'utf8')) as Stix[];
      expect(objects.length).toBeGreaterThan(0);
      const events: LogEvent[] = [];
      objects.forEach((data, i) => {
        events.push({ id: `1700000000${String(i).padStart(3, '0')}-0`, type: 'create', payload: { version: '4', type: 'create', message: 'creates', origin: {}, data } });
        const context = { patch: [{ op: 'replace', path: '/confidence', value: 80 }], reverse_patch: [{ op: 'replace', path: '/confidence', value: data.confidence ?? 0 }] };
        events.push({ id: `1700000000${String(i).padStart(3, '0')}-1`, type: 'update', payload: { version: '4', type: 'update', message: 'updates', origin: {}, data, context } });
      });
      remote.seed(...events);
      const r = await run(remote, { ...freshFolders({ start_from: '1699999999999-0' }), env: { LIVE_STREAM_PERFECT_SYNC: 'true' } });
      expect(r.exitCode).toBe(0);
      const delivered = eventFiles(r.files);
      expect(delivered.map((e) => [e.id, e.type])).toEqual(events.map((e) => [e.id, e.type]));
      for (const [i, e] of delivered.entries()) {
        expect((e.file.event as { data: Stix }).data).toEqual(objects[Math.floor(i / 2)]);
        expect(e.file).toMatchObject({ synchronized: true, previous_standard: null });
      }
    });
  });
}
