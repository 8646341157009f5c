import * as amqp from 'amqplib';
import type { Channel, ChannelModel } from 'amqplib';

/**
 * What the platform does on RabbitMQ at registration (opencti-graphql src/database/rabbitmq.js,
 * registerConnectorQueues): two durable direct exchanges, then `listen_<id>` and `push_<id>` queues, durable, with
 * custom arguments (`name`, `config: {id, type, scope}`, `x-queue-type`), bound with `listen_routing_<id>` and
 * `push_routing_<id>`. Every name carries the platform's optional queue prefix; the stand-in uses a random one per
 * test file so tests never touch each other's exchanges and can delete everything they made.
 */

export const BROKER_URL = 'amqp://guest:guest@127.0.0.1:5672';

export interface QueueNames {
  workerExchange: string;
  connectorExchange: string;
  push: string;
  pushRouting: string;
  listen: string;
  listenRouting: string;
}

export function queueNames(prefix: string, connectorId: string): QueueNames {
  return {
    workerExchange: `${prefix}amqp.worker.exchange`,
    connectorExchange: `${prefix}amqp.connector.exchange`,
    push: `${prefix}push_${connectorId}`,
    pushRouting: `${prefix}push_routing_${connectorId}`,
    listen: `${prefix}listen_${connectorId}`,
    listenRouting: `${prefix}listen_routing_${connectorId}`,
  };
}

export class StandinBroker {
  private conn: ChannelModel | null = null;
  private admin: Channel | null = null;
  private readonly prefixes = new Set<string>();
  private readonly queues = new Set<string>();

  async start(): Promise<ChannelModel> {
    this.conn = await amqp.connect(BROKER_URL, { clientProperties: { connection_name: 'opencti-standin admin' } });
    this.conn.on('error', () => undefined);
    this.admin = await this.conn.createChannel();
    return this.conn;
  }

  get connection(): ChannelModel {
    if (!this.conn) throw new Error('stand-in broker not started');
    return this.conn;
  }

  async registerQueues(prefix: string, c: { id: string; name: string; type: string; scope: string[] }, queueType = 'classic'): Promise<QueueNames> {
    const ch = this.channel();
    const names = queueNames(prefix, c.id);
    this.prefixes.add(prefix);
    await ch.assertExchange(names.connectorExchange, 'direct', { durable: true });
    await ch.assertExchange(names.workerExchange, 'direct', { durable: true });
    const args = { name: c.name, config: { id: c.id, type: c.type, scope: c.scope }, 'x-queue-type': queueType };
    for (const [queue, exchange, routing] of [
      [names.listen, names.connectorExchange, names.listenRouting],
      [names.push, names.workerExchange, names.pushRouting],
    ] as const) {
      await ch.assertQueue(queue, { exclusive: false, durable: true, autoDelete: false, arguments: args });
      await ch.bindQueue(queue, exchange, routing, {});
      this.queues.add(queue);
    }
    return names;
  }

  async messageCount(queue: string): Promise<number> {
    return (await this.channel().checkQueue(queue)).messageCount;
  }

  async deleteQueues(prefix: string, connectorId: string): Promise<void> {
    const names = queueNames(prefix, connectorId);
    for (const q of [names.push, names.listen]) {
      await this.channel().deleteQueue(q);
      this.queues.delete(q);
    }
  }

  /** Deletes every queue and exchange made through this broker helper, then disconnects. */
  async stop(): Promise<void> {
    if (!this.conn) return;
    const ch = await this.conn.createChannel();
    for (const q of this.queues) await ch.deleteQueue(q).catch(() => undefined);
    for (const p of this.prefixes) {
      await ch.deleteExchange(`${p}amqp.worker.exchange`).catch(() => undefined);
      await ch.deleteExchange(`${p}amqp.connector.exchange`).catch(() => undefined);
    }
    await this.conn.close().catch(() => undefined);
    this.conn = null;
    this.admin = null;
  }

  private channel(): Channel {
    if (!this.admin) throw new Error('stand-in broker not started');
    return this.admin;
  }
}
