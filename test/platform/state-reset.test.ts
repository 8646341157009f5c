import { randomUUID } from 'node:crypto';
import { field } from '../../core/config/fields';
import { defineConnector } from '../../core/contract/connector';
import { StateError } from '../../core/errors';
import { runConnectorProcess } from '../../core/runtime/process';
import { PlatformStateStore, parseState } from '../../core/state/platform-store';
import type { StixObject } from '../../core/stix/types';
import type { OpenCtiStandin } from '../opencti-standin';
import { captureLog } from './helpers/capture-log';
import { ALICE, linkTo, startStandin } from './helpers/fixture';
import { waitFor } from './helpers/wait';

describe('operator reset and stale echoes (store logic)', () => {
  const quiet = () => captureLog().log;

  it('an empty answer after the platform held a state is a reset, reported once', async () => {
    const store = new PlatformStateStore('{"cursor":"b"}', quiet());
    store.answered('{"cursor":"b"}', '');
    expect(store.takeReset()).toBe(true);
    expect(store.takeReset()).toBe(false);
    expect(await store.load()).toBeNull();
    expect(store.outgoing()).toBe('');
  });

  it('a stale echo of an older state neither rewinds nor wipes the local state', async () => {
    const store = new PlatformStateStore('{"cursor":"a"}', quiet());
    await store.save({ cursor: 'b' }); // no pinger attached: kept locally
    store.answered('{"cursor":"b"}', '{"cursor":"a"}');
    expect(store.takeReset()).toBe(false);
    expect(await store.load()).toEqual({ cursor: 'b' });
  });

  it("an empty echo while the platform held nothing is not a reset (the reference SDK's wipe)", async () => {
    const store = new PlatformStateStore('', quiet());
    store.answered('', '');
    await store.save({ cursor: 'c' });
    store.answered('{"cursor":"c"}', ''); // stale read of the '' held before this ping
    expect(store.takeReset()).toBe(false);
    expect(await store.load()).toEqual({ cursor: 'c' });
  });

  it('a checkpoint saved while a reset waits to be taken is not pushed over it', async () => {
    const store = new PlatformStateStore('{"cursor":"b"}', quiet());
    let pushes = 0;
    store.attach(async () => {
      pushes += 1;
    });
    store.answered('{"cursor":"b"}', null);
    await store.save({ cursor: 'late progress' });
    expect(pushes).toBe(0);
    expect(store.takeReset()).toBe(true);
    await store.save({ cursor: 'fresh' });
    expect(pushes).toBe(1);
    expect(store.outgoing()).toBe('{"cursor":"fresh"}');
  });

  it('an unreadable saved state is an error naming what to do, never a silent reset', () => {
    expect(() => parseState('{not json')).toThrow(StateError);
    expect(() => parseState('[1,2]')).toThrow(/not a JSON object; reset it/);
    expect(parseState('null')).toBeNull();
    expect(parseState('')).toBeNull();
  });
});

describe('operator reset on the platform', () => {
  let standin: OpenCtiStandin;
  beforeAll(async () => {
    standin = await startStandin();
  });
  afterAll(async () => {
    await standin.stop();
  });

  it('is seen by the next ping: the store drops its state and the runtime is told once', async () => {
    const { link, connectorId, captured } = await linkTo(standin, { tuning: { pingIntervalMs: 60_000 } });
    await link.store.save({ cursor: '2024-03-01' });
    standin.resetState(connectorId);
    await link.store.save({ cursor: '2024-03-02' }); // the ping carrying it is the one the platform answers ''
    expect(link.store.takeReset?.()).toBe(true);
    expect(link.store.takeReset?.()).toBe(false);
    expect(await link.store.load()).toBeNull();
    expect(standin.connector(connectorId).state).toBe('');
    expect(captured.lines.some((l) => /reset on the platform by an operator/.test(String(l.msg)))).toBe(true);
    await link.store.save({ cursor: '2024-01-01' });
    expect(standin.connector(connectorId).state).toBe('{"cursor":"2024-01-01"}');
    await link.close();
  });

  it('made while the connector was stopped: it starts empty, and the reset flag is consumed without a second reset', async () => {
    const first = await linkTo(standin, { tuning: { pingIntervalMs: 60_000 } });
    await first.link.store.save({ cursor: 'x' });
    await first.link.close();
    standin.resetState(first.connectorId);
    const again = await linkTo(standin, { connectorId: first.connectorId, tuning: { pingIntervalMs: 60_000 } });
    expect(await again.link.store.load()).toBeNull();
    expect(standin.connector(first.connectorId).resetFlag).toBe(false);
    await again.link.store.save({ cursor: 'y' });
    expect(again.link.store.takeReset?.()).toBe(false);
    expect(standin.connector(first.connectorId).state).toBe('{"cursor":"y"}');
    await again.link.close();
  });
});

describe('state reset end to end, through the runtime', () => {
  it('restarts from the configured date after an operator reset', async () => {
    const standin = await startStandin();
    const starts: string[] = [];
    const indicator = (date: string): StixObject => ({
      type: 'indicator', spec_version: '2.1', id: `indicator--${randomUUID()}`, created: date, modified: date,
      pattern: "[domain-name:value = 'reset.example']", pattern_type: 'stix', valid_from: date,
    });
    const def = defineConnector({
      name: 'reset-probe',
      type: 'EXTERNAL_IMPORT',
      description: 'yields two days after its cursor',
      imports: ['indicator'],
      config: { import_from_date: field.date('first date').required() },
      async *collect(ctx) {
        const from = typeof ctx.state?.cursor === 'string' ? ctx.state.cursor : ctx.config.import_from_date;
        starts.push(from);
        for (const day of [1, 2]) {
          const date = new Date(Date.parse(from) + day * 86_400_000).toISOString();
          yield { objects: [indicator(date)], checkpoint: { cursor: date } };
        }
      },
    });
    const connectorId = randomUUID();
    const captured = captureLog([ALICE.token]);
    const stop = new AbortController();
    const env = {
      OPENCTI_URL: standin.url,
      OPENCTI_TOKEN: ALICE.token,
      CONNECTOR_ID: connectorId,
      CONNECTOR_NAME: 'Reset probe',
      CONNECTOR_DURATION_PERIOD: 'PT1S',
      CONNECTOR_LOG_LEVEL: 'debug',
      RESET_PROBE_IMPORT_FROM_DATE: '2024-01-01',
    };
    const running = runConnectorProcess(def, { env, signal: stop.signal, logDestination: destinationOf(captured) });
    try {
      const configured = '2024-01-01T00:00:00.000Z';
      const third = '{"cursor":"2024-01-03T00:00:00.000Z"}';
      await waitFor('the first run to commit', () => standin.state.connectors.get(connectorId)?.state === third);
      await waitFor('a second run from the saved cursor', () => starts.length >= 2);
      expect(starts.slice(0, 2)).toEqual([configured, '2024-01-03T00:00:00.000Z']);
      standin.resetState(connectorId);
      await waitFor('a run from the configured date again', () => starts.lastIndexOf(configured) > 0, 20_000);
      await waitFor('its progress saved', () => standin.connector(connectorId).state === third);
    } finally {
      stop.abort();
      expect(await running).toBe(0);
      await standin.stop();
    }
  }, 40_000);
});

function destinationOf(captured: ReturnType<typeof captureLog>) {
  return {
    write(line: string) {
      captured.lines.push(JSON.parse(line) as (typeof captured.lines)[number]);
    },
  };
}
