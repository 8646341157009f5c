import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';

/**
 * A worker-like consumer: reads a connector's push queue as OpenCTI's worker does, decodes every message and checks
 * it against the worker's format (opencti-worker push_handler.py) instead of importing it. Every problem is kept,
 * so a test can assert there were none.
 */

export interface ReceivedMessage {
  connectorId: string;
  type: 'bundle' | 'event';
  applicantId: string;
  workId: string | null;
  sequence: number;
  /** the STIX object: the bundle's only object, or the event's data */
  object: Record<string, unknown> & { id: string; type: string };
  event?: { id: string; type: string; context: unknown; synchronized: boolean; previous_standard: string | null; event_id: string };
  body: Record<string, unknown>;
  bytes: number;
  persistent: boolean;
}

export interface WorkerHooks {
  /** the applicant the connector's token stands for */
  expectedApplicant(connectorId: string): string | undefined;
  /** whether a work with this id exists (the worker drops messages of dead works) */
  workExists(workId: string): boolean;
  processed(workId: string): void;
}

const BUNDLE_KEYS = ['type', 'applicant_id', 'work_id', 'content', 'update', 'entities_types', 'no_split', 'bundle_type', 'action_sequence'];
const EVENT_KEYS = ['type', 'applicant_id', 'work_id', 'content', 'update', 'synchronized', 'previous_standard', 'event_id'];

export class WorkerConsumer {
  readonly received: ReceivedMessage[] = [];
  readonly problems: string[] = [];
  /** when true, messages stay unacknowledged in the queue's count (a backlog the platform reports) */
  hold = false;
  private readonly held: ConsumeMessage[] = [];
  private channel: Channel | null = null;

  constructor(private readonly hooks: WorkerHooks) {}

  async start(conn: ChannelModel, queue: string, connectorId: string): Promise<void> {
    this.channel = await conn.createChannel();
    await this.channel.consume(queue, (msg) => msg && this.onMessage(connectorId, msg), { noAck: false });
  }

  /** Bytes and count of what is waiting unacknowledged (what RabbitMQ would report as message_bytes). */
  backlog(): { bytes: number; messages: number } {
    return { bytes: this.held.reduce((n, m) => n + m.content.length, 0), messages: this.held.length };
  }

  release(): void {
    this.hold = false;
    for (const m of this.held.splice(0)) this.channel?.ack(m);
  }

  async stop(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
    this.channel = null;
  }

  private onMessage(connectorId: string, msg: ConsumeMessage): void {
    const problem = (what: string) => this.problems.push(`${connectorId} #${this.received.length}: ${what}`);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(msg.content.toString('utf8')) as Record<string, unknown>;
    } catch {
      problem('body is not JSON');
      return this.settle(msg);
    }
    const type = body.type === 'event' ? 'event' : 'bundle';
    for (const key of type === 'event' ? EVENT_KEYS : BUNDLE_KEYS) if (!(key in body)) problem(`missing key ${key}`);
    if (msg.properties.deliveryMode !== 2) problem('message is not persistent');
    if (body.applicant_id !== this.hooks.expectedApplicant(connectorId)) problem(`applicant_id ${String(body.applicant_id)} is not the connector's user`);
    const workId = typeof body.work_id === 'string' ? body.work_id : null;
    if (workId !== null && !this.hooks.workExists(workId)) problem(`work ${workId} does not exist`);
    if (!Array.isArray(body.entities_types)) problem('entities_types is not a list');
    let content: Record<string, unknown>;
    try {
      content = JSON.parse(Buffer.from(String(body.content), 'base64').toString('utf8')) as Record<string, unknown>;
    } catch {
      problem('content is not base64 JSON');
      return this.settle(msg);
    }
    const object = type === 'bundle' ? this.checkBundle(body, content, problem) : this.checkEvent(body, content, problem);
    if (object) {
      this.received.push({
        connectorId,
        type,
        applicantId: String(body.applicant_id),
        workId,
        sequence: Number(body.action_sequence ?? -1),
        object,
        event: type === 'event' ? { id: String(content.id), type: String(content.type), context: content.context, synchronized: body.synchronized === true, previous_standard: (body.previous_standard as string | null) ?? null, event_id: String(body.event_id) } : undefined,
        body,
        bytes: msg.content.length,
        persistent: msg.properties.deliveryMode === 2,
      });
    }
    if (workId !== null) this.hooks.processed(workId);
    this.settle(msg);
  }

  private checkBundle(body: Record<string, unknown>, content: Record<string, unknown>, problem: (w: string) => void): ReceivedMessage['object'] | null {
    if (body.bundle_type !== 'QUEUE_BUNDLE') problem('bundle_type is not QUEUE_BUNDLE');
    if (body.no_split !== true) problem('no_split is not true');
    if (typeof body.update !== 'boolean') problem('update is not a boolean');
    if (typeof body.action_sequence !== 'number') problem('action_sequence is not a number');
    if (content.type !== 'bundle' || typeof content.id !== 'string' || !content.id.startsWith('bundle--')) problem('content is not a STIX bundle');
    const objects = content.objects;
    if (!Array.isArray(objects) || objects.length !== 1) {
      problem('a bundle message must carry exactly one object');
      return null;
    }
    return this.checkObject(objects[0], problem);
  }

  private checkEvent(body: Record<string, unknown>, content: Record<string, unknown>, problem: (w: string) => void): ReceivedMessage['object'] | null {
    if (body.update !== true) problem('an event message must have update: true');
    if (!['create', 'update', 'delete', 'merge'].includes(String(content.type))) problem(`unknown event type ${String(content.type)}`);
    // The platform's synchroniser sends the payload's own event id here, which may differ from the SSE id in `content.id`.
    if (typeof body.event_id !== 'string' || !/^\d+-\d+$/.test(body.event_id)) problem(`event_id ${String(body.event_id)} is not a stream event id`);
    return this.checkObject(content.data, problem);
  }

  private checkObject(value: unknown, problem: (w: string) => void): ReceivedMessage['object'] | null {
    const o = value as Record<string, unknown> | null;
    if (!o || typeof o.id !== 'string' || typeof o.type !== 'string' || !o.id.startsWith(`${o.type}--`)) {
      problem('object without a valid STIX type and id');
      return null;
    }
    return o as ReceivedMessage['object'];
  }

  private settle(msg: ConsumeMessage): void {
    if (this.hold) this.held.push(msg);
    else this.channel?.ack(msg);
  }
}

/** Every `*_ref` / `*_refs` value anywhere in an object. */
export function refsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsOf(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.endsWith('_ref') && typeof v === 'string') out.push(v);
      else if (k.endsWith('_refs') && Array.isArray(v)) v.forEach((r) => typeof r === 'string' && out.push(r));
      else refsOf(v, out);
    }
  }
  return out;
}

/** Objects that arrived before something they reference (in the same list): none when the order is right. */
export function orderViolations(messages: ReceivedMessage[]): string[] {
  const firstSeen = new Map<string, number>();
  messages.forEach((m, i) => firstSeen.has(m.object.id) || firstSeen.set(m.object.id, i));
  const violations: string[] = [];
  messages.forEach((m, i) => {
    for (const ref of refsOf(m.object)) {
      const at = firstSeen.get(ref);
      if (at !== undefined && at > i) violations.push(`${m.object.id} arrived before ${ref}`);
    }
  });
  return violations;
}
