import { DeliveryError } from '../../core/errors';
import type { StreamEvent } from '../../core/stix/types';
import { orderViolations, type OpenCtiStandin } from '../opencti-standin';
import { ALICE, linkTo, manyIndicators, runInfo, sampleObjects, startStandin, type Linked } from './helpers/fixture';
import { channelPids, connectionPids } from './helpers/rabbitmqctl';
import { waitFor } from './helpers/wait';

describe('queue sink on the real broker', () => {
  let standin: OpenCtiStandin;
  let linked: Linked;

  beforeAll(async () => {
    standin = await startStandin();
  });
  beforeEach(async () => {
    linked = await linkTo(standin);
  });
  afterEach(async () => {
    await linked.link.close();
  });
  afterAll(async () => {
    await standin.stop();
  });

  it('sends one object per message, dependencies first, in the worker format, decoding to valid bundles', async () => {
    const sink = linked.link.queueSink;
    await sink.startRun(runInfo(linked, { update: true }));
    const report = await sink.deliver({ objects: sampleObjects(), events: [] });
    await sink.endRun({ ok: true, message: 'done' });

    const worker = standin.worker(linked.connectorId);
    await waitFor('every message at the worker', () => worker.received.length === report.messages);
    expect(worker.problems).toEqual([]);
    expect(report).toMatchObject({ messages: 5, objects: 5, events: 0 });
    const got = worker.received;
    expect(got.map((m) => m.object.type)).not.toContain('x-mitre-tactic');
    expect(orderViolations(got)).toEqual([]);
    expect(got[0].object.type).toBe('identity');
    expect(got.at(-1)?.object.type).toBe('report');
    // the reference to the dropped unknown type is gone with it
    expect((got.at(-1)?.object.object_refs as string[]).some((r) => r.startsWith('x-mitre-tactic--'))).toBe(false);
    for (const m of got) {
      expect(m.body).toMatchObject({ type: 'bundle', bundle_type: 'QUEUE_BUNDLE', applicant_id: ALICE.user.id, update: true, entities_types: [], no_split: true });
      expect(m.persistent).toBe(true);
    }
    expect(got.map((m) => m.sequence)).toEqual([1, 2, 3, 4, 5]);
    const workIds = new Set(got.map((m) => m.workId));
    expect(workIds.size).toBe(1);
  });

  it('adds the expectations once per batch, before publishing, equal to the messages sent', async () => {
    const sink = linked.link.queueSink;
    await sink.startRun(runInfo(linked));
    const a = await sink.deliver({ objects: manyIndicators(40), events: [] });
    const b = await sink.deliver({ objects: sampleObjects(), events: [] });
    await sink.endRun({ ok: true, message: '45 objects in 2 batches' });

    const [work] = standin.worksOf(linked.connectorId);
    expect(standin.worksOf(linked.connectorId)).toHaveLength(1);
    expect(work.name).toBe('Test feed run @ 2024-05-01 10:20:30');
    expect(work.expectations).toBe(a.messages + b.messages);
    await waitFor('the worker to process every expected message', () => work.processed === work.expectations);
    expect(work.expectationsAtFirstMessage).toBe(a.messages);
    const calls = standin.requests.filter((r) => r.variables.id === work.id || r.variables.connectorId === linked.connectorId).map((r) => r.operationName);
    expect(calls).toEqual(['WorkAdd', 'WorkAddExpectations', 'WorkAddExpectations', 'WorkToProcessed']);
    expect(standin.requests.filter((r) => r.operationName === 'WorkAddExpectations' && r.variables.id === work.id).map((r) => r.variables.expectations)).toEqual([a.messages, b.messages]);
    expect(work).toMatchObject({ processedMessage: '45 objects in 2 batches', inError: false });
  });

  it('publishes every batch of every run on one long-lived connection and one confirm channel', async () => {
    const sink = linked.link.queueSink;
    let first: { connections: string[]; channels: string[] } | null = null;
    for (let run = 0; run < 2; run++) {
      await sink.startRun(runInfo(linked));
      for (let batch = 0; batch < 3; batch++) {
        await sink.deliver({ objects: manyIndicators(4), events: [] });
        first ??= { connections: await connectionPids(linked.connectionName), channels: await channelPids(linked.connectionName) };
      }
      await sink.endRun({ ok: true, message: 'done' });
    }
    await waitFor('the six batches at the worker', () => standin.worker(linked.connectorId).received.length === 24);
    expect(first?.connections).toHaveLength(1);
    expect(first?.channels).toHaveLength(1);
    expect({ connections: await connectionPids(linked.connectionName), channels: await channelPids(linked.connectionName) }).toEqual(first);
  });

  it('opens no work for a run with nothing to send', async () => {
    const sink = linked.link.queueSink;
    await sink.startRun(runInfo(linked));
    await sink.deliver({ objects: [], events: [] });
    await sink.endRun({ ok: true, message: 'nothing new' });
    expect(standin.worksOf(linked.connectorId)).toEqual([]);
  });

  it('closes the work in error with the reason when the run fails', async () => {
    const sink = linked.link.queueSink;
    await sink.startRun(runInfo(linked));
    await sink.deliver({ objects: manyIndicators(2), events: [] });
    await sink.endRun({ ok: false, message: 'failed after 2 objects: source answered 500' });
    expect(standin.worksOf(linked.connectorId)[0]).toMatchObject({ inError: true, processedMessage: 'failed after 2 objects: source answered 500' });
  });

  it('a stream connector keeps one work across restarts of its run, closed when the process stops', async () => {
    const sink = linked.link.queueSink;
    const stream = (startedAt: Date) => runInfo(linked, { startedAt, connector: { ...runInfo(linked).connector, type: 'STREAM' } });
    await sink.startRun(stream(new Date('2024-05-01T10:00:00.000Z')));
    await sink.deliver({ objects: manyIndicators(2), events: [] });
    await sink.endRun({ ok: false, message: 'stream dropped' });
    await sink.startRun(stream(new Date('2024-05-01T10:05:00.000Z')));
    await sink.deliver({ objects: manyIndicators(3).slice(2), events: [] });
    const works = standin.worksOf(linked.connectorId);
    expect(works).toHaveLength(1);
    expect(works[0]).toMatchObject({ name: 'Test feed run @ 2024-05-01 10:00:00', expectations: 3, inError: null });
    await linked.link.close();
    expect(works[0]).toMatchObject({ inError: true, processedMessage: 'stream dropped' });
    linked = await linkTo(standin);
  });

  it('sends stream events as `event` messages the worker applies', async () => {
    const sink = linked.link.queueSink;
    await sink.startRun(runInfo(linked));
    const [malware] = sampleObjects().filter((o) => o.type === 'malware');
    const events: StreamEvent[] = [
      { id: '1718010586174-0', type: 'update', data: malware, context: { patch: [] }, synchronized: true, previous_standard: 'malware--old' },
      { id: '1718010586175-0', type: 'delete', data: malware },
      // the payload's own event id travels as event_id, as the platform's synchroniser sends it; content.id stays the SSE id
      { id: '1718010586176-0', type: 'create', data: malware, event_id: '1718010580000-3' },
    ];
    const report = await sink.deliver({ objects: [], events });
    await sink.endRun({ ok: true, message: 'done' });
    const worker = standin.worker(linked.connectorId);
    await waitFor('the three events at the worker', () => worker.received.length === 3);
    expect(worker.problems).toEqual([]);
    expect(report).toMatchObject({ messages: 3, objects: 0, events: 3 });
    expect(worker.received.map((m) => m.event)).toEqual([
      { id: '1718010586174-0', type: 'update', context: { patch: [] }, synchronized: true, previous_standard: 'malware--old', event_id: '1718010586174-0' },
      { id: '1718010586175-0', type: 'delete', context: {}, synchronized: false, previous_standard: null, event_id: '1718010586175-0' },
      { id: '1718010586176-0', type: 'create', context: {}, synchronized: false, previous_standard: null, event_id: '1718010580000-3' },
    ]);
    expect(worker.received[0].body).toMatchObject({ type: 'event', update: true, event_id: '1718010586174-0', applicant_id: ALICE.user.id });
  });

  it('fails a batch with an object too large for one message, clearly, before sending anything', async () => {
    await linked.link.close();
    linked = await linkTo(standin, { tuning: { maxMessageBytes: 64 * 1024 } });
    const sink = linked.link.queueSink;
    await sink.startRun(runInfo(linked));
    const batch = [...manyIndicators(3), ...manyIndicators(1, 80 * 1024).map((o) => ({ ...o, id: 'indicator--ffffffff-0000-5000-8000-000000000000' }))];
    const failure = sink.deliver({ objects: batch, events: [] });
    await expect(failure).rejects.toThrow(DeliveryError);
    await expect(failure).rejects.toThrow(/too large for one broker message.*indicator--ffffffff-0000-5000-8000-000000000000.*nothing of this batch was sent/);
    expect(standin.worksOf(linked.connectorId)).toEqual([]);
    expect(await standin.messagesWaiting(linked.connectorId)).toBe(0);
    expect(standin.worker(linked.connectorId).received).toEqual([]);
  });

  it('treats a message the broker returns as unroutable as a failed delivery', async () => {
    const names = standin.queueNames(linked.connectorId);
    await standin.worker(linked.connectorId).stop();
    await deleteQueue(names.push);
    const sink = linked.link.queueSink;
    await sink.startRun(runInfo(linked));
    await expect(sink.deliver({ objects: manyIndicators(3), events: [] })).rejects.toThrow(/returned 3 message\(s\) as unroutable/);
  });

  it("fails with the broker's reason when the broker closes the channel (here: the exchange is gone)", async () => {
    const names = standin.queueNames(linked.connectorId);
    await deleteExchange(names.workerExchange);
    const sink = linked.link.queueSink;
    await sink.startRun(runInfo(linked));
    await expect(sink.deliver({ objects: manyIndicators(2), events: [] })).rejects.toThrow(/RabbitMQ refused the publication: .*NOT_FOUND/);
  });
});

async function deleteExchange(name: string): Promise<void> {
  const amqp = await import('amqplib');
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await conn.createChannel();
  await ch.deleteExchange(name);
  await conn.close();
}

async function deleteQueue(name: string): Promise<void> {
  const amqp = await import('amqplib');
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const ch = await conn.createChannel();
  await ch.deleteQueue(name);
  await conn.close();
}
