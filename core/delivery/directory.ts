import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { v4 as uuidv4 } from 'uuid';
import { DeliveryError } from '../errors';
import { writeFileAtomic } from '../state/atomic-write';
import type { StreamEvent } from '../stix/types';
import type { DeliveryBatch, DeliveryReport, RunInfo, RunOutcome, Sink } from './sink';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface DirectorySinkOptions {
  path: string;
  /** days a file is kept; 0 = forever */
  retentionDays: number;
  /** injectable clock for tests */
  now?: () => Date;
}

/** `name` as the reference SDK spells it in file names: lower case, spaces as `_`. */
export function filePrefix(connectorName: string): string {
  return connectorName.toLowerCase().replace(/ /g, '_');
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * The embedded default: each batch becomes a `DIRECTORY_BUNDLE` file (and each stream event a `DIRECTORY_EVENT`
 * file), named `<name>-YYYYmmdd-HHMMSS-<epoch seconds>.json` in UTC, written under a temporary name and renamed into
 * place. A batch is confirmed once its files are renamed.
 */
export class DirectorySink implements Sink {
  readonly kind = 'directory';
  private run: RunInfo | null = null;
  private lastStampUs = 0;
  private readonly now: () => Date;

  constructor(private readonly opts: DirectorySinkOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  async startRun(run: RunInfo): Promise<void> {
    this.run = run;
    await fs.mkdir(this.opts.path, { recursive: true }).catch((err: unknown) => {
      throw new DeliveryError(`directory ${this.opts.path}: cannot be created (${(err as NodeJS.ErrnoException).code ?? 'error'})`, err);
    });
    const removed = await this.applyRetention();
    if (removed > 0) run.log.info({ removed, retention_days: this.opts.retentionDays }, 'old bundle files removed');
  }

  async deliver(batch: DeliveryBatch): Promise<DeliveryReport> {
    const run = this.requireRun();
    const report: DeliveryReport = { messages: 0, objects: 0, events: 0, bytes: 0 };
    if (batch.objects.length > 0) {
      const body = JSON.stringify({
        bundle_type: 'DIRECTORY_BUNDLE',
        applicant_id: run.applicantId,
        connector: run.connector,
        entities_types: [],
        bundle: { type: 'bundle', id: `bundle--${uuidv4()}`, spec_version: '2.1', objects: batch.objects },
        update: run.update,
      });
      report.bytes += await this.write(body);
      report.messages += 1;
      report.objects += batch.objects.length;
    }
    for (const event of batch.events) {
      report.bytes += await this.write(JSON.stringify(this.eventFile(run, event)));
      report.messages += 1;
      report.events += 1;
    }
    return report;
  }

  async endRun(_outcome: RunOutcome): Promise<void> {
    this.run = null;
  }

  async close(): Promise<void> {
    this.run = null;
  }

  private eventFile(run: RunInfo, event: StreamEvent): Record<string, unknown> {
    return {
      bundle_type: 'DIRECTORY_EVENT',
      applicant_id: run.applicantId,
      connector: run.connector,
      event: { id: event.id, type: event.type, data: event.data, context: event.context ?? {} },
      event_id: event.event_id ?? event.id,
      synchronized: event.synchronized ?? false,
      previous_standard: event.previous_standard ?? null,
      update: true,
    };
  }

  private requireRun(): RunInfo {
    if (!this.run) throw new DeliveryError('directory sink: deliver() called outside a run');
    return this.run;
  }

  /** A strictly increasing microsecond stamp, so two files written in the same microsecond never collide. */
  private nextStamp(): { date: Date; us: number } {
    const date = this.now();
    const us = Math.max(date.getTime() * 1000, this.lastStampUs + 1);
    this.lastStampUs = us;
    return { date, us };
  }

  private fileName(): string {
    const { date, us } = this.nextStamp();
    const d = `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}`;
    const t = `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
    const epoch = `${Math.floor(us / 1e6)}.${pad(us % 1e6, 6)}`;
    return `${filePrefix(this.requireRun().connector.name)}-${d}-${t}-${epoch}.json`;
  }

  private async write(body: string): Promise<number> {
    const path = join(this.opts.path, this.fileName());
    try {
      await writeFileAtomic(path, body);
    } catch (err) {
      throw new DeliveryError(`directory ${this.opts.path}: cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, err);
    }
    return Buffer.byteLength(body);
  }

  /** Removes this connector's bundle files older than the retention; never touches other files. */
  async applyRetention(): Promise<number> {
    if (this.opts.retentionDays <= 0 || !this.run) return 0;
    const prefix = `${filePrefix(this.run.connector.name)}-`;
    const pattern = /^\d{8}-\d{6}-\d+(\.\d+)?\.json$/;
    const cutoff = this.now().getTime() - this.opts.retentionDays * DAY_MS;
    let removed = 0;
    for (const name of await fs.readdir(this.opts.path)) {
      if (!name.startsWith(prefix) || !pattern.test(name.slice(prefix.length))) continue;
      const path = join(this.opts.path, name);
      const stat = await fs.stat(path).catch(() => null);
      if (stat && stat.mtimeMs < cutoff) {
        await fs.rm(path, { force: true });
        removed += 1;
      }
    }
    return removed;
  }
}
