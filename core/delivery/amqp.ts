import { DeliveryError } from '../errors';
import { RunWork, workName, type WorkClient } from '../platform/works';
import { splitBundle } from '../stix/split';
import { bundleMessage, encodedBundle, encodedEvent, eventMessage, type MessageContext, type OutgoingMessage } from './amqp-message';
import type { ConfirmPublisher } from './publisher';
import type { DeliveryBatch, DeliveryReport, RunInfo, RunOutcome, Sink } from './sink';

/**
 * The queue sink: each batch becomes one message per STIX object, dependencies first (unknown types dropped with
 * their references), then one message per stream event; the run's work gets the batch's expectations once, before
 * anything is published; `deliver` resolves only when the broker confirmed every message.
 */

/** RabbitMQ 4 refuses messages over 16 MiB by default (3.x allowed 128 MiB): the safe limit for both. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** room for the envelope around `content` (work id, applicant, flags), unknown when sizes are checked */
const ENVELOPE_ALLOWANCE = 1024;

export interface AmqpSinkOptions {
  publisher: ConfirmPublisher;
  works: WorkClient;
  /** the registered connector user, used when the run does not name an applicant */
  connectorUserId: string;
  maxMessageBytes?: number;
}

export class AmqpSink implements Sink {
  readonly kind = 'rabbitmq';
  private run: RunInfo | null = null;
  private work: RunWork | null = null;
  private sequence = 0;
  private lastOutcome: RunOutcome | null = null;
  private closed = false;

  constructor(private readonly opts: AmqpSinkOptions) {}

  async startRun(run: RunInfo): Promise<void> {
    // A stream connector keeps one work per process: a restart after a failure goes on in the same work.
    const keepWork = run.connector.type === 'STREAM' && this.work !== null;
    this.run = run;
    if (!keepWork) {
      this.work = new RunWork(this.opts.works, run.connector.id, workName(run.connector.name, run.startedAt), run.log);
      this.sequence = 0;
    }
  }

  async deliver(batch: DeliveryBatch): Promise<DeliveryReport> {
    const run = this.run;
    const work = this.work;
    if (!run || !work) throw new DeliveryError('deliver() called outside a run (startRun first)');
    const log = run.log;
    const objects = batch.objects.length > 0 ? splitBundle(batch.objects) : [];
    if (objects.length < batch.objects.length) {
      log.debug({ dropped: batch.objects.length - objects.length }, 'objects OpenCTI cannot import were dropped from the batch');
    }
    const count = objects.length + batch.events.length;
    if (count === 0) return { messages: 0, objects: 0, events: 0, bytes: 0 };

    const ctx: MessageContext = { applicantId: run.applicantId ?? this.opts.connectorUserId, workId: null, update: run.update };
    // Encode once: the size check (before the work records expectations) and the messages share the contents.
    const contents = [...objects.map(encodedBundle), ...batch.events.map(encodedEvent)];
    this.checkSizes(objects, batch, contents);
    const workId = await this.expect(work, count);
    const messages = this.build(objects, batch, { ...ctx, workId }, this.sequence, contents);
    this.sequence += messages.length;
    await this.opts.publisher.publishAll(messages);
    const bytes = messages.reduce((sum, m) => sum + m.body.length, 0);
    return { messages: messages.length, objects: objects.length, events: batch.events.length, bytes };
  }

  async endRun(outcome: RunOutcome): Promise<void> {
    this.lastOutcome = outcome;
    const stream = this.run?.connector.type === 'STREAM';
    // A failed stream run is restarted by the runtime within the same work; it is closed when the process stops.
    if (stream && !outcome.ok) {
      this.run?.log.warn({ work_id: this.work?.id }, 'stream run failed; its work stays open for the restart');
      return;
    }
    await this.work?.close(outcome.message, !outcome.ok);
    this.work = null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const outcome = this.lastOutcome;
    await this.work?.close(outcome ? outcome.message : 'stopped', outcome ? !outcome.ok : false);
    this.work = null;
    await this.opts.publisher.close();
  }

  private build(objects: DeliveryBatch['objects'], batch: DeliveryBatch, ctx: MessageContext, first: number, contents: string[]): OutgoingMessage[] {
    const messages = objects.map((o, i) => bundleMessage(o, ctx, first + i + 1, contents[i]));
    const n = objects.length;
    batch.events.forEach((e, i) => messages.push(eventMessage(e, ctx, first + n + i + 1, contents[n + i])));
    return messages;
  }

  /** A single object cannot be split further: an oversized one fails the batch before anything is sent. */
  private checkSizes(objects: DeliveryBatch['objects'], batch: DeliveryBatch, contents: string[]): void {
    const limit = this.opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    const over = contents.flatMap((c, i) => (c.length + ENVELOPE_ALLOWANCE > limit ? [i] : []));
    if (over.length === 0) return;
    const mb = (n: number) => (n / 1048576).toFixed(1);
    const i = over[0]!;
    const event = batch.events[i - objects.length];
    const carries = i < objects.length ? objects[i]!.id : `${event!.type} event ${event!.id} (${event!.data.id})`;
    throw new DeliveryError(
      `${over.length} object(s) too large for one broker message (limit ${mb(limit)} MiB); first: ${carries} needs ${mb(contents[i]!.length + ENVELOPE_ALLOWANCE)} MiB. ` +
        'One object cannot be split further: reduce it at the source (large descriptions, embedded files); nothing of this batch was sent',
    );
  }

  private async expect(work: RunWork, count: number): Promise<string> {
    try {
      return await work.expect(count);
    } catch (err) {
      throw new DeliveryError(`the platform did not record the batch's ${count} expected messages: ${err instanceof Error ? err.message : String(err)}`, err);
    }
  }
}
