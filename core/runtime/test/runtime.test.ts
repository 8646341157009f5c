import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConnector } from '../../contract/connector';
import { field } from '../../config/fields';
import { DirectorySink } from '../../delivery/directory';
import type { DeliveryBatch, DeliveryReport, RunInfo, RunOutcome, Sink } from '../../delivery/sink';
import { DeliveryError } from '../../errors';
import { createLogger } from '../../log/logger';
import { FileStateStore } from '../../state/file-store';
import { runConnectorOnce } from '../../testing/run-connector';
import { runOnce } from '../run-once';
import { Writable } from 'node:stream';

/** A connector whose source is a counter: batch i holds object i and checkpoints {next: i + 1}. */
function counterConnector(total: number, opts: { pauseAfter?: number; gate?: Promise<void> } = {}) {
  return defineConnector<{ start: ReturnType<typeof field.integer> }, { next: number }>({
    name: 'counter',
    type: 'EXTERNAL_IMPORT',
    description: 'counts',
    imports: ['indicator'],
    config: { start: field.integer('first value').default(0) as unknown as ReturnType<typeof field.integer> },
    async *collect(ctx) {
      for (let i = ctx.state?.next ?? 0; i < total; i++) {
        if (opts.pauseAfter !== undefined && i === opts.pauseAfter && opts.gate) await opts.gate;
        if (ctx.signal.aborted) return;
        const hex = i.toString(16).padStart(12, '0');
        yield {
          objects: [
            {
              type: 'indicator',
              spec_version: '2.1',
              id: `indicator--00000000-0000-4000-8000-${hex}`,
              created: '2024-01-01T00:00:00.000Z',
              modified: '2024-01-01T00:00:00.000Z',
              pattern: `[ipv4-addr:value = '198.51.100.${i % 250}']`,
              pattern_type: 'stix',
              valid_from: '2024-01-01T00:00:00.000Z',
            },
          ],
          checkpoint: { next: i + 1 },
        };
      }
    },
  });
}

/** A directory sink that fails the delivery of batch number `failAt` (1-based). */
class FailingSink implements Sink {
  readonly kind = 'failing';
  delivered = 0;
  constructor(
    private readonly inner: Sink,
    private readonly failAt: number,
  ) {}
  startRun(run: RunInfo): Promise<void> {
    return this.inner.startRun(run);
  }
  async deliver(batch: DeliveryBatch): Promise<DeliveryReport> {
    if (this.delivered + 1 === this.failAt) throw new DeliveryError('broker returned the message');
    this.delivered += 1;
    return this.inner.deliver(batch);
  }
  endRun(o: RunOutcome): Promise<void> {
    return this.inner.endRun(o);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

function quietLog() {
  return createLogger({ level: 'error', destination: new Writable({ write: (_c, _e, cb) => cb() }) as never });
}

describe('checkpoint after delivery', () => {
  it('a batch whose delivery fails leaves the state at the previous batch, and the next run delivers the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'octi-rt-'));
    const store = new FileStateStore(join(dir, 'state.json'));
    const def = counterConnector(10);
    const deps = (sink: Sink) => ({
      def: def as never,
      config: { start: 0 },
      settings: {} as never,
      identity: { id: 'x', name: 'counter', type: 'EXTERNAL_IMPORT', scope: [], auto: false, validate_before_import: false },
      applicantId: null,
      update: false,
      sink,
      store,
      http: {} as never,
      log: quietLog(),
      signal: new AbortController().signal,
    });
    const failing = new FailingSink(new DirectorySink({ path: join(dir, 'out'), retentionDays: 0 }), 4);
    const first = await runOnce(deps(failing));
    expect(first.ok).toBe(false);
    expect((first.error as Error).message).toBe('broker returned the message');
    expect(first.batches).toBe(3);
    expect(await store.load()).toEqual({ next: 3 });
    expect(readdirSync(join(dir, 'out'))).toHaveLength(3);

    const second = await runOnce(deps(new DirectorySink({ path: join(dir, 'out'), retentionDays: 0 })));
    expect(second.ok).toBe(true);
    expect(second.batches).toBe(7);
    expect(await store.load()).toEqual({ next: 10 });
    expect(readdirSync(join(dir, 'out'))).toHaveLength(10);
  });

  it('an unchanged source delivers nothing on the next run', async () => {
    const first = await runConnectorOnce(counterConnector(3));
    expect(first.exitCode).toBe(0);
    expect(first.objects).toHaveLength(3);
    const again = await runConnectorOnce(counterConnector(3), { outDir: first.outDir, statePath: first.statePath });
    expect(again.exitCode).toBe(0);
    expect(again.files).toHaveLength(3);
    expect(again.state).toEqual({ next: 3 });
    expect(again.logs.find((l) => l.msg === 'run finished')).toMatchObject({ batches: 0, objects: 0 });
  });

  it('a collect() that throws ends the run failed with exit 1, keeping what was confirmed', async () => {
    const broken = defineConnector({
      name: 'broken',
      type: 'EXTERNAL_IMPORT',
      description: 'fails mid-way',
      imports: [],
      config: {},
      async *collect() {
        yield { checkpoint: { page: 1 } };
        throw new Error('source answered garbage');
      },
    });
    const r = await runConnectorOnce(broken);
    expect(r.exitCode).toBe(1);
    expect(r.state).toEqual({ page: 1 });
    expect(r.logs.find((l) => l.level === 'error')?.msg).toBe('run failed: source answered garbage; state left at the last confirmed batch');
  });
});

describe('graceful stop', () => {
  it('stops collecting on abort, keeps what was delivered committed, exits 0', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const controller = new AbortController();
    const def = counterConnector(100, { pauseAfter: 5, gate });
    const dir = mkdtempSync(join(tmpdir(), 'octi-stop-'));
    const statePath = join(dir, 'state.json');
    const running = runConnectorOnce(def, { signal: controller.signal, outDir: join(dir, 'out'), statePath });
    // wait on the condition: five batches committed, the connector now blocked on its source
    await waitFor(() => readState(statePath)?.next === 5);
    controller.abort();
    release();
    const r = await running;
    expect(r.exitCode).toBe(0);
    expect(r.state).toEqual({ next: 5 });
    expect(r.files).toHaveLength(5);
    expect(r.logs.some((l) => l.msg === 'run interrupted by shutdown; delivered data committed')).toBe(true);
  });

  it('invalid objects are reported by id and skipped while the rest of the batch goes through', async () => {
    const def = defineConnector({
      name: 'mixed',
      type: 'EXTERNAL_IMPORT',
      description: 'one bad object',
      imports: [],
      config: {},
      async *collect() {
        yield {
          objects: [
            { type: 'indicator', id: 'indicator--not-a-uuid', spec_version: '2.1' },
            { type: 'identity', spec_version: '2.1', id: 'identity--542072da-8b33-50bf-810b-d9cfd2a0bc69', name: 'ACME Corp', identity_class: 'organization', created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z' },
          ],
          checkpoint: { done: true },
        };
      },
    });
    const r = await runConnectorOnce(def);
    expect(r.exitCode).toBe(0);
    expect(r.objects.map((o) => o.id)).toEqual(['identity--542072da-8b33-50bf-810b-d9cfd2a0bc69']);
    expect(r.logs.find((l) => l.msg === 'invalid STIX object skipped')).toMatchObject({ id: 'indicator--not-a-uuid', level: 'warn' });
  });
});

// The state file is the observable: poll it (a condition), never sleep a fixed time.
function readState(path: string): { next: number } | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { next: number };
  } catch {
    return null;
  }
}

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('unreadable state', () => {
  it('a corrupt state file ends the process with exit 1 and one line naming it, delivering nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'octi-corrupt-'));
    const statePath = join(dir, 'state.json');
    require('node:fs').writeFileSync(statePath, '{"next": ');
    const r = await runConnectorOnce(counterConnector(3), { outDir: join(dir, 'out'), statePath, env: { CONNECTOR_RUN_AND_TERMINATE: 'false', CONNECTOR_DURATION_PERIOD: 'PT1H' } });
    expect(r.exitCode).toBe(1);
    expect(r.files).toEqual([]);
    const errors = r.logs.filter((l) => l.level === 'error');
    expect(errors.map((l) => l.msg)).toEqual([`stopped: state file ${statePath}: not valid JSON; fix or delete it to start from the configured date`]);
  });
});
