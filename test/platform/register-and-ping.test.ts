import * as amqp from 'amqplib';
import { BROKER_URL, type OpenCtiStandin } from '../opencti-standin';
import { ALICE, linkTo, manyIndicators, runInfo, startStandin, type Linked } from './helpers/fixture';
import { listQueues } from './helpers/rabbitmqctl';
import { waitFor } from './helpers/wait';

describe('registration and ping against the OpenCTI stand-in', () => {
  let standin: OpenCtiStandin;
  const links: Linked[] = [];
  const connect = async (...args: Parameters<typeof linkTo>) => {
    const l = await linkTo(...args);
    links.push(l);
    return l;
  };

  beforeAll(async () => {
    standin = await startStandin();
  });
  afterEach(async () => {
    for (const l of links.splice(0)) await l.link.close();
  });
  afterAll(async () => {
    await standin.stop();
  });

  it('registers with a schema-valid document and gets the token user as applicant', async () => {
    const { link, connectorId } = await connect(standin, { settings: { opencti: { custom_headers: { 'X-Tenant': 'blue' } } } });
    const c = standin.connector(connectorId);
    expect(c.name).toBe('Test feed');
    expect(c.type).toBe('EXTERNAL_IMPORT');
    expect(c.scope).toEqual(['indicator']);
    expect(link.connectorUserId).toBe(ALICE.user.id);
    const mine = standin.requests.filter((r) => r.variables.id === connectorId || (r.variables.input as { id?: string } | undefined)?.id === connectorId);
    expect(mine.map((r) => r.operationName)).toEqual(expect.arrayContaining(['RegisterConnector', 'PingConnector']));
    expect(standin.requests.flatMap((r) => r.invalid)).toEqual([]);
    expect(standin.requests.every((r) => r.authorization === `Bearer ${ALICE.token}`)).toBe(true);
    expect(mine.every((r) => r.headers['x-tenant'] === 'blue')).toBe(true);
  });

  it('is given queues the platform created with its custom arguments', async () => {
    const { connectorId } = await connect(standin);
    const names = standin.queueNames(connectorId);
    const queues = await listQueues();
    for (const q of [names.push, names.listen]) {
      const args = queues.get(q);
      expect(args).toMatchObject({ name: 'Test feed', 'x-queue-type': 'classic' });
      // the broker lists the nested `config` table in its own typed form
      expect(JSON.stringify(args?.config)).toEqual(expect.stringContaining(connectorId));
      expect(JSON.stringify(args?.config)).toEqual(expect.stringContaining('EXTERNAL_IMPORT'));
    }
  });

  it('pings at once with connectorInfo, then on its interval', async () => {
    const { connectorId } = await connect(standin, { tuning: { pingIntervalMs: 100 } });
    await waitFor('three pings', () => standin.connector(connectorId).pings.length >= 3);
    const info = standin.connector(connectorId).pings[0].connectorInfo;
    expect(info).toEqual({ run_and_terminate: false, buffering: false, queue_threshold: 500, queue_messages_size: 0, next_run_datetime: null, last_run_datetime: null });
  });

  it('reports last and next run and buffering in connectorInfo', async () => {
    const { link, connectorId } = await connect(standin, { tuning: { pingIntervalMs: 60_000 } });
    const at = new Date('2024-05-01T10:00:00.000Z');
    const next = new Date('2024-05-01T11:00:00.000Z');
    link.observer.runEnded?.({ runId: 'r1', ok: true, at, nextRunAt: next });
    link.observer.runSkipped?.({ reason: 'queue full', nextRunAt: next });
    await link.store.save({ cursor: 1 });
    const last = standin.connector(connectorId).pings.at(-1)?.connectorInfo;
    expect(last).toMatchObject({ buffering: true, last_run_datetime: at.toISOString(), next_run_datetime: next.toISOString() });
  });

  it('keeps the state on the platform: saved by an immediate ping, read back at the next registration', async () => {
    const first = await connect(standin, { tuning: { pingIntervalMs: 60_000 } });
    expect(await first.link.store.load()).toBeNull();
    await first.link.store.save({ current_state_date: '2024-02-03T00:00:00.000Z' });
    expect(standin.connector(first.connectorId).state).toBe('{"current_state_date":"2024-02-03T00:00:00.000Z"}');
    await first.link.close();
    const again = await connect(standin, { connectorId: first.connectorId });
    expect(await again.link.store.load()).toEqual({ current_state_date: '2024-02-03T00:00:00.000Z' });
    expect(standin.connector(first.connectorId).registrations).toBe(2);
  });

  it('close() stops pinging and never unregisters the connector', async () => {
    const { link, connectorId } = await connect(standin, { tuning: { pingIntervalMs: 50 } });
    await link.close();
    const pings = standin.connector(connectorId).pings.length;
    const deleted = standin.requests.some((r) => r.operationName === 'DeleteConnector');
    await new Promise((r) => setTimeout(r, 200)); // a stopped timer must not fire: a short window is the point
    expect(standin.connector(connectorId).pings.length).toBe(pings);
    expect(deleted).toBe(false);
  });

  it("queueBytes() reads the platform's count of bytes waiting in the connector's queue", async () => {
    const linked = await connect(standin);
    standin.worker(linked.connectorId).hold = true;
    const sink = linked.link.queueSink;
    await sink.startRun(runInfo(linked));
    const report = await sink.deliver({ objects: manyIndicators(20), events: [] });
    await waitFor('the backlog to hold the batch', () => standin.worker(linked.connectorId).backlog().messages === 20);
    expect(await linked.link.queueBytes()).toBe(report.bytes);
    standin.worker(linked.connectorId).release();
    await sink.endRun({ ok: true, message: 'done' });
  });
});

describe('quorum queues (rabbitmq.queue_type: quorum)', () => {
  it('publishes without ever re-declaring queues a client could not re-declare', async () => {
    const standin = await startStandin({ queueType: 'quorum' });
    try {
      const linked = await linkTo(standin);
      const names = standin.queueNames(linked.connectorId);
      const conn = await amqp.connect(BROKER_URL);
      const ch = await conn.createChannel();
      ch.on('error', () => undefined);
      await expect(ch.assertQueue(names.push, { durable: true })).rejects.toThrow(/PRECONDITION.FAILED/);
      await conn.close();
      await linked.link.queueSink.startRun(runInfo(linked));
      await linked.link.queueSink.deliver({ objects: manyIndicators(3), events: [] });
      await waitFor('the worker to get the batch', () => standin.worker(linked.connectorId).received.length === 3);
      await linked.link.queueSink.endRun({ ok: true, message: 'done' });
      await linked.link.close();
    } finally {
      await standin.stop();
    }
  });
});

describe('OpenCTI 6.0 (no connectorInfo)', () => {
  it('pings in the 6.0 form when about reports 6.0', async () => {
    const standin = await startStandin({ opencti60: true });
    try {
      const { link, connectorId } = await linkTo(standin, { tuning: { pingIntervalMs: 60_000 } });
      await link.store.save({ n: 1 });
      expect(standin.connector(connectorId).state).toBe('{"n":1}');
      expect(standin.requests.flatMap((r) => r.invalid)).toEqual([]);
      expect(standin.requests.filter((r) => r.operationName === 'PingConnectorLegacy').length).toBeGreaterThanOrEqual(2);
      await link.close();
    } finally {
      await standin.stop();
    }
  });

  it('falls back to the 6.0 form when the platform refuses connectorInfo', async () => {
    const standin = await startStandin({ opencti60: true, version: '6.0-custom-build' });
    try {
      const { link, connectorId, captured } = await linkTo(standin, { tuning: { pingIntervalMs: 60_000 } });
      await link.store.save({ n: 2 });
      expect(standin.connector(connectorId).state).toBe('{"n":2}');
      const refused = standin.requests.filter((r) => r.invalid.length > 0);
      expect(refused.map((r) => r.operationName)).toEqual(['PingConnector']);
      expect(captured.lines.some((l) => /does not know connectorInfo/.test(String(l.msg)))).toBe(true);
      await link.close();
    } finally {
      await standin.stop();
    }
  });
});
