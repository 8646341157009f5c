import * as amqp from 'amqplib';
import type { ConfirmChannel, Options, RecoveringChannelModel } from 'amqplib';
import { DeliveryError, PlatformError } from '../errors';
import type { Logger } from '../log/logger';
import { backoffDelay, pause } from '../platform/backoff';
import type { BrokerTarget } from '../platform/register';
import type { OutgoingMessage } from './amqp-message';
import { publishRound } from './publish-round';

/**
 * One long-lived broker connection with one confirm channel, for the life of the process. The connection recovers
 * by itself (amqplib's recovery, with backoff); `publishAll` resolves only once the broker confirmed every message,
 * re-publishing whatever was unconfirmed when the connection dropped (at-least-once: deterministic ids make the
 * duplicates harmless). A returned message (mandatory, no queue bound) or a channel refused by the broker (message
 * too large, missing exchange) fails the batch with the broker's reason: retrying could not help.
 */

export interface PublisherOptions {
  target: BrokerTarget;
  exchange: string;
  routingKey: string;
  log: Logger;
  /** shown by the broker (`rabbitmqctl list_connections client_properties`) */
  connectionName: string;
  /** verify the broker's certificate for amqps (default true) */
  tlsVerify?: boolean;
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /** how long the first connection may take before start fails (default 10 min) */
  connectTimeoutMs?: number;
  /** broker reachability, for /healthz */
  onState?(up: boolean): void;
}

const MAX_NACK_RETRIES = 5;
const CLOSE_TIMEOUT_MS = 5000;

export class ConfirmPublisher {
  private model: RecoveringChannelModel | null = null;
  private channel: ConfirmChannel | null = null;
  private opening: Promise<ConfirmChannel> | null = null;
  private fatal: Error | null = null;
  private blocked = false;
  private everConnected = false;
  private unblockWaiters: Array<() => void> = [];
  private readonly returned = new Set<string>();
  private readonly channelErrors = new WeakMap<ConfirmChannel, Error>();

  constructor(private readonly opts: PublisherOptions) {}

  /** Connects and opens the confirm channel; waits while the broker is unreachable, fails at once on refused credentials. */
  async connect(signal: AbortSignal): Promise<void> {
    const t = this.opts.target;
    const where = `${t.protocol}://${t.hostname}:${t.port}${t.vhost.startsWith('/') ? '' : '/'}${t.vhost}`;
    const url: Options.Connect = { protocol: t.protocol, hostname: t.hostname, port: t.port, username: t.username, password: t.password, vhost: t.vhost, heartbeat: 30 };
    this.everConnected = true;
    this.model = await amqp.connect(url, {
      clientProperties: { connection_name: this.opts.connectionName },
      rejectUnauthorized: this.opts.tlsVerify ?? true,
      recovery: { waitForConnect: false, initialDelay: this.opts.reconnectInitialMs ?? 500, maxDelay: this.opts.reconnectMaxMs ?? 30_000, maxRetries: Infinity },
    });
    this.watch(this.model, where);
    const timeoutMs = this.opts.connectTimeoutMs ?? 10 * 60_000;
    const giveUp = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    const stop = new Promise<never>((_, reject) => {
      const onAbort = () => reject(new PlatformError(signal.aborted ? `stopped while connecting to RabbitMQ at ${where}` : `RabbitMQ at ${where} unreachable for ${Math.round(timeoutMs / 1000)} s; check MQ_HOST/MQ_PORT (the platform gave ${t.hostname}:${t.port})`));
      if (giveUp.aborted) onAbort();
      else giveUp.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.openChannel(), stop]);
    } catch (err) {
      await this.close();
      throw this.fatal ?? err;
    }
    this.opts.log.info({ broker: where, exchange: this.opts.exchange }, 'connected to RabbitMQ');
  }

  /** Publishes in order; resolves when every message is confirmed. */
  async publishAll(messages: OutgoingMessage[]): Promise<void> {
    const pending = new Map(messages.map((m) => [m.id, m]));
    let nackRounds = 0;
    while (pending.size > 0) {
      if (this.fatal) throw new DeliveryError(`cannot publish: ${this.fatal.message}`, this.fatal);
      let ch: ConfirmChannel;
      try {
        ch = await this.openChannel();
      } catch (err) {
        if (this.fatal) continue;
        throw new DeliveryError(`no channel to RabbitMQ: ${err instanceof Error ? err.message : String(err)}`);
      }
      const round = await publishRound(ch, [...pending.values()], {
        exchange: this.opts.exchange,
        routingKey: this.opts.routingKey,
        returned: this.returned,
        waitUnblocked: () => this.waitUnblocked(),
      });
      for (const id of round.confirmed) pending.delete(id);
      const channelError = this.channelErrors.get(ch);
      if (round.returned.length > 0) {
        const first = messages.find((m) => m.id === round.returned[0]);
        throw new DeliveryError(
          `RabbitMQ returned ${round.returned.length} message(s) as unroutable (no queue bound to ${this.opts.exchange} with routing key ${this.opts.routingKey}; ` +
            `first: ${first?.carries ?? 'unknown'}); is the connector still registered?`,
        );
      }
      if (channelError) throw new DeliveryError(`RabbitMQ refused the publication: ${channelError.message}`, channelError);
      if (round.nacked.length > 0) {
        nackRounds += 1;
        if (nackRounds > MAX_NACK_RETRIES) throw new DeliveryError(`RabbitMQ refused ${round.nacked.length} message(s) ${nackRounds} times (nack)`);
        this.opts.log.warn({ nacked: round.nacked.length, attempt: nackRounds }, 'RabbitMQ nacked messages: re-publishing them');
        await pause(backoffDelay(nackRounds, { initialMs: 200, maxMs: 5000 }));
      } else if (pending.size > 0) {
        this.opts.log.warn({ unconfirmed: pending.size }, 'broker connection lost mid-batch: re-publishing the unconfirmed messages once reconnected');
      }
    }
  }

  async close(): Promise<void> {
    const model = this.model;
    this.model = null;
    this.channel = null;
    this.releaseBlocked();
    // A broker that never answers the close (dead link, held socket) must not hang the process' stop.
    if (model) await Promise.race([model.close().catch(() => undefined), new Promise((r) => setTimeout(r, CLOSE_TIMEOUT_MS).unref())]);
  }

  private openChannel(): Promise<ConfirmChannel> {
    if (this.channel) return Promise.resolve(this.channel);
    if (!this.model) return Promise.reject(new Error(this.everConnected ? 'publisher closed' : 'never connected (CONNECTOR_SEND_TO_QUEUE=false?)'));
    const model = this.model;
    this.opening ??= model
      .createConfirmChannel()
      .then((ch) => {
        ch.on('return', (msg: amqp.Message) => {
          const id: unknown = msg.properties.messageId;
          if (typeof id === 'string') this.returned.add(id);
        });
        // A server-side channel close (406 message too large, 404 no exchange) comes as 'error' then 'close'.
        ch.on('error', (err: Error) => this.channelErrors.set(ch, err));
        ch.on('close', () => {
          if (this.channel === ch) this.channel = null;
        });
        this.channel = ch;
        return ch;
      })
      .finally(() => {
        this.opening = null;
      });
    return this.opening;
  }

  private watch(model: RecoveringChannelModel, where: string): void {
    const log = this.opts.log;
    model.on('error', (err: Error) => log.debug({ reason: err.message }, 'RabbitMQ connection error'));
    model.on('connect', () => this.opts.onState?.(true));
    model.on('disconnect', (err: Error) => {
      this.channel = null;
      this.releaseBlocked();
      this.opts.onState?.(false);
      log.warn({ broker: where, reason: err.message }, 'RabbitMQ connection lost; reconnecting');
    });
    model.on('connect-failed', (err: Error) => {
      this.opts.onState?.(false);
      if (/ACCESS.REFUSED|NOT.ALLOWED|\b403\b|\b530\b/.test(err.message)) {
        this.fatal = new PlatformError(`RabbitMQ at ${where} refused the connection (MQ_USER / MQ_PASS / MQ_VHOST): ${err.message}`);
        void model.close();
        return;
      }
      log.warn({ broker: where, reason: err.message }, 'RabbitMQ connection attempt failed');
    });
    model.on('reconnect-scheduled', (info: { attempt: number; delay: number }) => log.info({ attempt: info.attempt, retry_in_ms: info.delay }, 'RabbitMQ reconnection scheduled'));
    model.on('reconnect-failed', (err: Error) => {
      this.fatal = new PlatformError(`RabbitMQ at ${where}: reconnection abandoned: ${err.message}`);
    });
    model.on('blocked', (reason: string) => {
      this.blocked = true;
      log.warn({ reason }, 'RabbitMQ blocked the connection (resource alarm): publishing paused');
    });
    model.on('unblocked', () => {
      log.info('RabbitMQ unblocked the connection: publishing resumed');
      this.releaseBlocked();
    });
  }

  private waitUnblocked(): Promise<void> {
    if (!this.blocked) return Promise.resolve();
    return new Promise((resolve) => this.unblockWaiters.push(resolve));
  }

  private releaseBlocked(): void {
    this.blocked = false;
    const waiters = this.unblockWaiters.splice(0);
    for (const w of waiters) w();
  }
}
