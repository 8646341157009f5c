import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { defineConnector } from '../../core/contract/connector';
import { runConnectorProcess } from '../../core/runtime/process';
import { ALICE, linkTo, manyIndicators, runInfo, startStandin } from './helpers/fixture';
import { waitFor } from './helpers/wait';

/**
 * CONNECTOR_QUEUE_THRESHOLD: while the platform reports more queued bytes for the connector than the threshold, a
 * scheduled run is skipped (and said so); once the workers catch up, runs resume.
 */
describe('queue threshold', () => {
  it('skips scheduled runs while the platform holds more than the threshold, then resumes', async () => {
    const standin = await startStandin();
    const connectorId = randomUUID();
    let runs = 0;
    const def = defineConnector({
      name: 'busy-feed',
      type: 'EXTERNAL_IMPORT',
      description: 'one indicator per run',
      imports: ['indicator'],
      config: {},
      async *collect() {
        runs += 1;
        const id = `indicator--${randomUUID()}`;
        const now = new Date().toISOString();
        yield { objects: [{ type: 'indicator', spec_version: '2.1', id, created: now, modified: now, pattern: "[domain-name:value = 'busy.example']", pattern_type: 'stix', valid_from: now, description: 'x'.repeat(2000) }], checkpoint: { runs } };
      },
    });
    const lines: { msg: string }[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _e, done) {
        for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as { msg: string });
        done();
      },
    });
    const stop = new AbortController();
    const running = runConnectorProcess(def, {
      env: {
        OPENCTI_URL: standin.url,
        OPENCTI_TOKEN: ALICE.token,
        CONNECTOR_ID: connectorId,
        CONNECTOR_DURATION_PERIOD: 'PT0.1S',
        // 0.001 MB = 1,000 bytes: one held message of this connector is over it
        CONNECTOR_QUEUE_THRESHOLD: '0.001',
      },
      signal: stop.signal,
      logDestination: destination as never,
    });
    try {
      await waitFor('the worker to consume a first run', () => standin.state.connectors.has(connectorId) && runs >= 1);
      standin.worker(connectorId).hold = true;
      const heldAt = runs;
      await waitFor('a run skipped over the threshold', () => lines.some((l) => l.msg.startsWith('run skipped: the platform holds') && l.msg.includes('over CONNECTOR_QUEUE_THRESHOLD (0.001 MB)')));
      const skippedAt = runs;
      expect(skippedAt).toBeLessThanOrEqual(heldAt + 2);
      await waitFor('three more skips', () => lines.filter((l) => l.msg.startsWith('run skipped')).length >= 3);
      expect(runs).toBe(skippedAt);
      standin.worker(connectorId).release();
      await waitFor('runs to resume', () => runs > skippedAt);
    } finally {
      stop.abort();
      expect(await running).toBe(0);
      await standin.stop();
    }
  }, 40_000);

  it('checks the first run too: a connector started over the threshold skips it (run-and-terminate: exit 0, nothing collected)', async () => {
    const standin = await startStandin();
    const connectorId = randomUUID();
    try {
      // a backlog left from before this start: the platform's workers have not consumed the last batch
      const before = await linkTo(standin, { connectorId });
      standin.worker(connectorId).hold = true;
      await before.link.queueSink.startRun(runInfo(before));
      await before.link.queueSink.deliver({ objects: manyIndicators(3, 2000), events: [] });
      await before.link.queueSink.endRun({ ok: true, message: 'done' });
      await before.link.close();
      await waitFor('the backlog on the platform', () => standin.worker(connectorId).backlog().bytes > 1000);

      let runs = 0;
      const def = defineConnector({
        name: 'late-feed',
        type: 'EXTERNAL_IMPORT',
        description: 'counts its runs',
        imports: ['indicator'],
        config: {},
        async *collect() {
          runs += 1;
          yield {};
        },
      });
      const lines: { msg: string }[] = [];
      const destination = new Writable({
        write(chunk: Buffer, _e, done) {
          for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as { msg: string });
          done();
        },
      });
      const code = await runConnectorProcess(def, {
        env: { OPENCTI_URL: standin.url, OPENCTI_TOKEN: ALICE.token, CONNECTOR_ID: connectorId, CONNECTOR_RUN_AND_TERMINATE: 'true', CONNECTOR_QUEUE_THRESHOLD: '0.001' },
        signal: new AbortController().signal,
        logDestination: destination as never,
      });
      expect(code).toBe(0);
      expect(runs).toBe(0);
      expect(lines.some((l) => l.msg.startsWith('run skipped: the platform holds') && l.msg.includes('over CONNECTOR_QUEUE_THRESHOLD (0.001 MB)'))).toBe(true);
    } finally {
      standin.worker(connectorId).release();
      await standin.stop();
    }
  }, 40_000);
});
