import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConnector } from '../../contract/connector';
import { field } from '../../config/fields';
import { runConnectorOnce } from '../../testing/run-connector';

describe('scheduling', () => {
  it('runs again after the period, one run at a time, until stopped', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const controller = new AbortController();
    const def = defineConnector({
      name: 'ticker',
      type: 'EXTERNAL_IMPORT',
      description: 'one object per run',
      imports: [],
      config: {},
      async *collect(ctx) {
        active += 1;
        maxActive = Math.max(maxActive, active);
        runs += 1;
        const n = ((ctx.state?.runs as number | undefined) ?? 0) + 1;
        try {
          yield { checkpoint: { runs: n } };
        } finally {
          active -= 1;
          if (runs === 3) controller.abort();
        }
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'octi-sched-'));
    const r = await runConnectorOnce(def, {
      env: { CONNECTOR_RUN_AND_TERMINATE: 'false', CONNECTOR_DURATION_PERIOD: 'PT0.05S' },
      signal: controller.signal,
      outDir: join(dir, 'out'),
      statePath: join(dir, 'state.json'),
    });
    expect(r.exitCode).toBe(0);
    expect(runs).toBe(3);
    expect(maxActive).toBe(1);
    expect(r.state).toEqual({ runs: 3 });
    expect(r.logs.filter((l) => l.msg === 'waiting for the next run')).toHaveLength(2);
    expect(r.logs.filter((l) => l.msg === 'run started')).toHaveLength(3);
  });

  it('a period of 0 runs once', async () => {
    const def = defineConnector({ name: 'once', type: 'EXTERNAL_IMPORT', description: 'x', imports: [], config: {}, async *collect() {} });
    const r = await runConnectorOnce(def, { env: { CONNECTOR_RUN_AND_TERMINATE: 'false', CONNECTOR_DURATION_PERIOD: '0' } });
    expect(r.exitCode).toBe(0);
    expect(r.logs.filter((l) => l.msg === 'run started')).toHaveLength(1);
  });
});

describe('secrets in logs', () => {
  it('masks a secret value even when a connector logs its config or throws it in an error', async () => {
    const secret = 'sk-live-0123456789abcdef';
    const def = defineConnector({
      name: 'leaky',
      type: 'EXTERNAL_IMPORT',
      description: 'logs carelessly',
      imports: [],
      config: { api_key: field.string('key').secret().required() },
      async *collect(ctx) {
        ctx.log.info({ config: ctx.config }, `using key ${ctx.config.api_key}`);
        yield { checkpoint: { at: 1 } };
        throw new Error(`source refused key ${ctx.config.api_key}`);
      },
    });
    const r = await runConnectorOnce(def, { env: { LEAKY_API_KEY: secret } });
    expect(r.exitCode).toBe(1);
    expect(r.logText).toContain('using key [REDACTED]');
    expect(r.logText).toContain('source refused key [REDACTED]');
    expect(r.logText).not.toContain(secret);
  });
});

describe('metrics in directory mode', () => {
  it('serves the run counters on CONNECTOR_METRICS_PORT while the connector runs', async () => {
    const port = 20000 + (process.pid % 20000);
    let scraped = '';
    const controller = new AbortController();
    const def = defineConnector({
      name: 'scraped',
      type: 'EXTERNAL_IMPORT',
      description: 'reads its own metrics on the second run',
      imports: [],
      config: {},
      async *collect(ctx) {
        if (ctx.state) {
          scraped = (await ctx.http.get(`http://127.0.0.1:${port}/metrics`)).text();
          controller.abort();
          return;
        }
        yield { objects: [{ type: 'identity', spec_version: '2.1', id: 'identity--542072da-8b33-50bf-810b-d9cfd2a0bc69', name: 'ACME Corp', identity_class: 'organization', created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z' }], checkpoint: { seen: true } };
      },
    });
    const r = await runConnectorOnce(def, {
      env: { CONNECTOR_RUN_AND_TERMINATE: 'false', CONNECTOR_DURATION_PERIOD: 'PT0.01S', CONNECTOR_EXPOSE_METRICS: 'true', CONNECTOR_METRICS_PORT: String(port) },
      signal: controller.signal,
    });
    expect(r.exitCode).toBe(0);
    expect(scraped).toMatch(/^run_count_total 2$/m); // the run in progress counts
    expect(scraped).toMatch(/^bundle_send_total 1$/m);
  });
});
