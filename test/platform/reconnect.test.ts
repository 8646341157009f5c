import type { OpenCtiStandin } from '../opencti-standin';
import { linkTo, manyIndicators, runInfo, startStandin, type Linked } from './helpers/fixture';
import { closeConnectionsNamed, connectionPids } from './helpers/rabbitmqctl';
import { TcpProxy, connectionFrame } from './helpers/tcp-proxy';
import { waitFor } from './helpers/wait';

/**
 * The connector reaches the broker through a TCP relay, so the test decides when the broker's confirms reach it:
 * holding them keeps a batch "in flight" for as long as the test needs, then the connection is killed.
 */
describe('broker connection killed mid-batch', () => {
  let standin: OpenCtiStandin;
  let proxy: TcpProxy;
  let linked: Linked;

  beforeAll(async () => {
    standin = await startStandin();
  });
  beforeEach(async () => {
    proxy = new TcpProxy(5672);
    const port = await proxy.start();
    linked = await linkTo(standin, { settings: { mq: { host: '127.0.0.1', port } }, tuning: { pingIntervalMs: 60_000 } });
  });
  afterEach(async () => {
    await linked.link.close();
    await proxy.stop();
  });
  afterAll(async () => {
    await standin.stop();
  });

  it('killed by the broker (rabbitmqctl close_connection) with its confirms in flight: nothing lost, state committed only after every confirm', async () => {
    const { link, connectorId, connectionName, captured } = linked;
    await link.store.save({ page: 1 });
    const sink = link.queueSink;
    await sink.startRun(runInfo(linked));
    const objects = manyIndicators(300);
    const wanted = new Set(objects.map((o) => o.id));
    const worker = standin.worker(connectorId);

    proxy.holdDownstream();
    let delivered = false;
    // what the runtime does: commit the batch's checkpoint only once deliver() resolved
    const batch = sink.deliver({ objects, events: [] }).then(async (report) => {
      delivered = true;
      await link.store.save({ page: 2 });
      return report;
    });
    await waitFor('the broker to hold the whole batch', () => new Set(worker.received.map((m) => m.object.id)).size === wanted.size);
    expect(delivered).toBe(false);
    expect(standin.connector(connectorId).state).toBe('{"page":1}');

    // The broker drops the connection; its confirms and its close never reach the connector (as when a broker dies).
    expect(await closeConnectionsNamed(connectionName, 'test: broker kills the connection')).toBe(1);
    proxy.cutAll();

    const report = await batch;
    expect(report.messages).toBe(300);
    expect(standin.connector(connectorId).state).toBe('{"page":2}');
    // at-least-once: the unconfirmed were published again; every object arrived, duplicates merge by id
    await waitFor('the re-published messages', () => worker.received.length >= 600);
    expect(new Set(worker.received.map((m) => m.object.id))).toEqual(wanted);
    expect(worker.problems).toEqual([]);
    expect(captured.lines.some((l) => l.msg === 'broker connection lost mid-batch: re-publishing the unconfirmed messages once reconnected')).toBe(true);
    expect(await connectionPids(connectionName)).toHaveLength(1);
    await sink.endRun({ ok: true, message: 'done' });
  });

  it('cut on the network while part of the batch never reached the broker: the rest is re-published', async () => {
    const { link, connectorId } = linked;
    const sink = link.queueSink;
    await sink.startRun(runInfo(linked));
    const objects = manyIndicators(400, 2000);
    const wanted = new Set(objects.map((o) => o.id));
    const worker = standin.worker(connectorId);

    proxy.holdDownstream();
    // about a quarter of the batch reaches the broker; the rest vanishes on the way
    proxy.limitUpstream(100 * 2600);
    let delivered = false;
    const batch = sink.deliver({ objects, events: [] }).then((r) => {
      delivered = true;
      return r;
    });
    await waitFor('some of the batch at the broker', () => worker.received.length >= 50);
    proxy.cutAll();
    const before = new Set(worker.received.map((m) => m.object.id)).size;
    expect(delivered).toBe(false);

    await batch;
    await waitFor('every object at the worker', () => new Set(worker.received.map((m) => m.object.id)).size === wanted.size);
    expect(before).toBeLessThan(wanted.size);
    expect(worker.problems).toEqual([]);
    await sink.endRun({ ok: true, message: 'done' });
  });

  it('a connection killed between batches: the next batch goes out on the new connection', async () => {
    const { link, connectorId, connectionName } = linked;
    const sink = link.queueSink;
    await sink.startRun(runInfo(linked));
    await sink.deliver({ objects: manyIndicators(5), events: [] });
    expect(await closeConnectionsNamed(connectionName)).toBe(1);
    await sink.deliver({ objects: manyIndicators(10).slice(5), events: [] });
    await waitFor('all ten at the worker', () => new Set(standin.worker(connectorId).received.map((m) => m.object.id)).size === 10);
    await sink.endRun({ ok: true, message: 'done' });
  });

  it('publishes nothing while the broker blocks the connection, and resumes when it unblocks', async () => {
    const { link, connectorId, captured } = linked;
    const sink = link.queueSink;
    await sink.startRun(runInfo(linked));
    proxy.injectDownstream(connectionFrame(60, 'low on memory'));
    await waitFor('the blocked notice', () => captured.lines.some((l) => /blocked the connection/.test(String(l.msg))));
    const sentBefore = proxy.upstreamBytes;
    let delivered = false;
    const batch = sink.deliver({ objects: manyIndicators(20), events: [] }).then(() => (delivered = true));
    await waitFor('the work to expect the batch', () => standin.worksOf(connectorId)[0]?.expectations === 20);
    await link.store.save({ blocked: 'a platform round trip, longer than publishing 20 messages would take' });
    expect(proxy.upstreamBytes).toBe(sentBefore);
    expect(delivered).toBe(false);
    proxy.injectDownstream(connectionFrame(61));
    await batch;
    await waitFor('all twenty at the worker', () => standin.worker(connectorId).received.length === 20);
    await sink.endRun({ ok: true, message: 'done' });
  });
});
