import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectorySink } from '../directory';
import { silentLogger } from '../../log/logger';
import type { RunInfo } from '../sink';

const identity = { id: '0b7c2e4a-7d21-5b43-9a1e-6d1c3f0e8a55', name: 'My Feed', type: 'EXTERNAL_IMPORT', scope: ['indicator'], auto: false, validate_before_import: false };
const run = (): RunInfo => ({ runId: 'r1', connector: identity, startedAt: new Date(), log: silentLogger(), applicantId: null, update: true });
const indicator = { type: 'indicator', spec_version: '2.1', id: 'indicator--3ae0b0a2-7289-5fda-8a85-02d057ba0968', pattern: "[ipv4-addr:value = '198.51.100.7']", pattern_type: 'stix', valid_from: '2024-01-01T00:00:00.000Z', created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z' };

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'octi-dir-'));
}

describe('directory sink', () => {
  it('writes one DIRECTORY_BUNDLE file per batch, named in UTC with the reference layout', async () => {
    const path = dir();
    const sink = new DirectorySink({ path, retentionDays: 7, now: () => new Date('2024-05-06T07:08:09.123Z') });
    await sink.startRun(run());
    const report = await sink.deliver({ objects: [indicator], events: [] });
    await sink.deliver({ objects: [indicator], events: [] });
    const files = readdirSync(path).sort();
    expect(files).toEqual(['my_feed-20240506-070809-1714979289.123000.json', 'my_feed-20240506-070809-1714979289.123001.json']);
    const doc = JSON.parse(readFileSync(join(path, files[0]!), 'utf8'));
    expect(doc).toMatchObject({ bundle_type: 'DIRECTORY_BUNDLE', applicant_id: null, connector: identity, entities_types: [], update: true });
    expect(doc.bundle.type).toBe('bundle');
    expect(doc.bundle.id).toMatch(/^bundle--[0-9a-f-]{36}$/);
    expect(doc.bundle.objects).toEqual([indicator]);
    expect(report).toMatchObject({ messages: 1, objects: 1, events: 0 });
    expect(report.bytes).toBe(readFileSync(join(path, files[0]!)).length);
  });

  it('writes each stream event as a DIRECTORY_EVENT file', async () => {
    const path = dir();
    const sink = new DirectorySink({ path, retentionDays: 0 });
    await sink.startRun(run());
    await sink.deliver({ objects: [], events: [{ id: '1700000000000-0', type: 'delete', data: indicator, synchronized: true, previous_standard: null }] });
    const [file] = readdirSync(path);
    const doc = JSON.parse(readFileSync(join(path, file!), 'utf8'));
    expect(doc).toMatchObject({ bundle_type: 'DIRECTORY_EVENT', event: { id: '1700000000000-0', type: 'delete', data: indicator, context: {} }, synchronized: true, previous_standard: null, event_id: '1700000000000-0' });
  });

  it("writes the payload's own event id as event_id when the event has one", async () => {
    const path = dir();
    const sink = new DirectorySink({ path, retentionDays: 0 });
    await sink.startRun(run());
    await sink.deliver({ objects: [], events: [{ id: '1700000000001-0', type: 'create', data: indicator, event_id: '1699999999000-2' }] });
    const [file] = readdirSync(path);
    const doc = JSON.parse(readFileSync(join(path, file!), 'utf8'));
    expect(doc).toMatchObject({ event: { id: '1700000000001-0' }, event_id: '1699999999000-2' });
  });

  it('leaves no temporary file behind and never exposes a partial file', async () => {
    const path = dir();
    const sink = new DirectorySink({ path, retentionDays: 7 });
    await sink.startRun(run());
    await Promise.all(Array.from({ length: 20 }, () => sink.deliver({ objects: [indicator], events: [] })));
    const files = readdirSync(path);
    expect(files).toHaveLength(20);
    expect(files.filter((f) => f.startsWith('.') || f.endsWith('.tmp'))).toEqual([]);
    for (const f of files) expect(() => JSON.parse(readFileSync(join(path, f), 'utf8'))).not.toThrow();
  });

  it('removes only its own bundle files older than the retention', async () => {
    const path = dir();
    const old = (name: string) => {
      writeFileSync(join(path, name), '{}');
      const t = new Date(Date.now() - 8 * 86_400_000);
      utimesSync(join(path, name), t, t);
    };
    old('my_feed-20200101-000000-1577836800.000000.json');
    old('other_feed-20200101-000000-1577836800.000000.json');
    old('notes.txt');
    writeFileSync(join(path, 'my_feed-20990101-000000-4070908800.000000.json'), '{}');
    const sink = new DirectorySink({ path, retentionDays: 7 });
    await sink.startRun(run());
    expect(readdirSync(path).sort()).toEqual(['my_feed-20990101-000000-4070908800.000000.json', 'notes.txt', 'other_feed-20200101-000000-1577836800.000000.json']);
  });

  it('keeps everything with retention 0', async () => {
    const path = dir();
    writeFileSync(join(path, 'my_feed-20200101-000000-1577836800.000000.json'), '{}');
    utimesSync(join(path, 'my_feed-20200101-000000-1577836800.000000.json'), new Date(0), new Date(0));
    const sink = new DirectorySink({ path, retentionDays: 0 });
    await sink.startRun(run());
    expect(readdirSync(path)).toHaveLength(1);
  });

  it('fails delivery with the path when the folder cannot be written', async () => {
    const path = join(dir(), 'file-not-dir');
    writeFileSync(path, 'x');
    const sink = new DirectorySink({ path, retentionDays: 0 });
    await expect(sink.startRun(run())).rejects.toThrow(`directory ${path}: cannot be created (EEXIST)`);
  });
});
