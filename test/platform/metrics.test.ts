import http from 'node:http';
import type { OpenCtiStandin } from '../opencti-standin';
import { linkTo, manyIndicators, runInfo, startStandin, type Linked } from './helpers/fixture';
import { TcpProxy } from './helpers/tcp-proxy';
import { waitFor } from './helpers/wait';

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics endpoint (CONNECTOR_EXPOSE_METRICS=true)', () => {
  let standin: OpenCtiStandin;
  let linked: Linked;
  let port: number;

  beforeAll(async () => {
    standin = await startStandin();
  });
  afterEach(async () => {
    await linked.link.close();
  });
  afterAll(async () => {
    await standin.stop();
  });

  async function linkWithMetrics(healthGraceMs = 60_000, brokerPort?: number): Promise<void> {
    linked = await linkTo(standin, {
      settings: { connector: { expose_metrics: true }, ...(brokerPort === undefined ? {} : { mq: { host: '127.0.0.1', port: brokerPort } }) },
      tuning: { pingIntervalMs: 100, metrics: { port: 0, host: '127.0.0.1', healthGraceMs } },
    });
    // port 0: the bound port is the one the startup line reports
    port = Number(linked.captured.lines.find((l) => l.msg === 'metrics exposed on /metrics and /healthz')?.port);
  }

  it("serves the reference SDK's counters, delivery latency and queue depth", async () => {
    await linkWithMetrics();
    const { link } = linked;
    const sink = link.queueSink;
    const run = runInfo(linked);
    link.observer.runStarted?.({ runId: run.runId, at: run.startedAt });
    await sink.startRun(run);
    const t0 = performance.now();
    const report = await sink.deliver({ objects: manyIndicators(7), events: [] });
    link.observer.batchDelivered?.(report, performance.now() - t0);
    await sink.endRun({ ok: true, message: 'done' });
    link.observer.runEnded?.({ runId: run.runId, ok: true, at: new Date(), nextRunAt: null });
    await link.queueBytes();
    await waitFor('two pings counted', async () => (sample((await get(port, '/metrics')).body, 'ping_api_count_total') ?? 0) >= 2);

    const { status, body } = await get(port, '/metrics');
    expect(status).toBe(200);
    expect(sample(body, 'bundle_send_total')).toBe(1);
    expect(sample(body, 'record_send_total')).toBe(7);
    expect(sample(body, 'run_count_total')).toBe(1);
    expect(sample(body, 'error_count_total')).toBe(0);
    expect(sample(body, 'ping_api_error_total')).toBe(0);
    expect(sample(body, 'client_error_count_total')).toBe(0);
    expect(sample(body, 'state{state="idle"}')).toBe(1);
    expect(sample(body, 'state{state="running"}')).toBe(0);
    expect(sample(body, 'delivery_latency_seconds_count')).toBe(1);
    expect(sample(body, 'queue_messages_size_bytes')).toBe(0);
    expect(body).toContain('# TYPE queue_messages_number gauge');
    expect(sample(body, 'component_up{component="broker"}')).toBe(1);
  });

  it('/healthz turns 503 once the platform has been unreachable longer than the grace period', async () => {
    await linkWithMetrics(300);
    expect((await get(port, '/healthz')).status).toBe(200);
    standin.goDown();
    try {
      await waitFor('an unhealthy answer', async () => (await get(port, '/healthz')).status === 503);
      const health = JSON.parse((await get(port, '/healthz')).body) as { status: string; components: Record<string, { up: boolean }> };
      expect(health).toMatchObject({ status: 'unhealthy', components: { platform: { up: false }, broker: { up: true } } });
      expect(sample((await get(port, '/metrics')).body, 'ping_api_error_total')).toBeGreaterThan(0);
    } finally {
      standin.bringUp();
    }
    await waitFor('healthy again', async () => (await get(port, '/healthz')).status === 200);
  });

  it('/healthz turns 503 once the broker has been unreachable longer than the grace period', async () => {
    // the connector reaches the broker through a relay, which then goes away: reconnections are refused
    const relay = new TcpProxy(5672);
    await linkWithMetrics(300, await relay.start());
    try {
      expect((await get(port, '/healthz')).status).toBe(200);
      await relay.stop();
      await waitFor('an unhealthy answer', async () => (await get(port, '/healthz')).status === 503);
      const health = JSON.parse((await get(port, '/healthz')).body) as { status: string; components: Record<string, { up: boolean }> };
      expect(health).toMatchObject({ status: 'unhealthy', components: { broker: { up: false }, platform: { up: true } } });
      expect(sample((await get(port, '/metrics')).body, 'component_up{component="broker"}')).toBe(0);
    } finally {
      await relay.stop();
    }
  });
});
