import type { Logger } from '../log/logger';
import { PING_CONNECTOR, PING_CONNECTOR_LEGACY } from './documents';
import { PlatformRequestError, type GraphqlClient } from './graphql';

/**
 * `pingConnector` keeps the connector "active" on the platform (it must ping within 5 minutes; we ping every 40 s
 * like the reference SDK) and carries the connector state. Pings are serialized: the scheduled ping and the
 * immediate ping after a checkpoint never overlap, so each answer belongs to the state it was sent with.
 */

/** What the platform shows about the connector's schedule and queue (ConnectorInfoInput). */
export interface ConnectorInfo {
  run_and_terminate: boolean;
  buffering: boolean;
  /** MB, as configured (CONNECTOR_QUEUE_THRESHOLD) */
  queue_threshold: number;
  /** MB (decimal, as the reference SDK) waiting in the connector's queue at the last check */
  queue_messages_size: number;
  next_run_datetime: string | null;
  last_run_datetime: string | null;
}

/** The state side of a ping: what to send, and what to make of the answer. */
export interface PingStateChannel {
  outgoing(): string;
  answered(sent: string, answer: string | null): void;
}

export interface PingHooks {
  pinged?(ok: boolean): void;
}

export interface PingerOptions {
  intervalMs?: number;
  /** start in the 6.0 form (no connectorInfo), e.g. when `about` reported 6.0.x */
  legacy?: boolean;
  hooks?: PingHooks;
}

interface PingAnswer {
  pingConnector: { id: string; connector_state: string | null } | null;
}

export const PING_INTERVAL_MS = 40_000;

export class Pinger {
  private legacy: boolean;
  private readonly intervalMs: number;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private failing = false;

  constructor(
    private readonly client: GraphqlClient,
    private readonly connectorId: string,
    private readonly info: () => ConnectorInfo,
    private readonly state: PingStateChannel,
    private readonly log: Logger,
    private readonly opts: PingerOptions = {},
  ) {
    this.legacy = opts.legacy ?? false;
    this.intervalMs = opts.intervalMs ?? PING_INTERVAL_MS;
  }

  /** true once the platform refused connectorInfo and pings go in the 6.0 form */
  get legacyMode(): boolean {
    return this.legacy;
  }

  /** Pings now, then every interval; resolves after the first ping (a failure is logged, not thrown). */
  start(): Promise<void> {
    this.stopped = false;
    const first = this.ping();
    return first.catch(() => undefined).finally(() => this.schedule(this.intervalMs));
  }

  /** One ping, queued behind any in flight; rejects when the platform did not take it. */
  ping(): Promise<void> {
    const run = this.chain.then(() => this.pingOnce());
    this.chain = run.catch(() => undefined);
    return run;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.chain;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      // a failed scheduled ping is logged in pingOnce; the next one is scheduled regardless
      void this.ping()
        .catch(() => undefined)
        .finally(() => this.schedule(this.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private async pingOnce(): Promise<void> {
    const sent = this.state.outgoing();
    let answer: PingAnswer;
    try {
      answer = await this.send(sent);
    } catch (err) {
      this.opts.hooks?.pinged?.(false);
      if (!this.failing) this.log.warn({ reason: err instanceof Error ? err.message : String(err) }, 'ping to the platform failed');
      this.failing = true;
      throw err;
    }
    this.opts.hooks?.pinged?.(true);
    if (this.failing) this.log.info('ping to the platform back to normal');
    this.failing = false;
    this.state.answered(sent, answer.pingConnector?.connector_state ?? null);
  }

  private async send(state: string): Promise<PingAnswer> {
    if (!this.legacy) {
      try {
        return await this.client.request<PingAnswer>(PING_CONNECTOR, { id: this.connectorId, state, connectorInfo: this.info() });
      } catch (err) {
        if (!isConnectorInfoRefusal(err)) throw err;
        this.legacy = true;
        this.log.info('the platform does not know connectorInfo (OpenCTI 6.0): pinging without it');
      }
    }
    return this.client.request<PingAnswer>(PING_CONNECTOR_LEGACY, { id: this.connectorId, state });
  }
}

/** A 6.0 platform refuses the unknown argument/type at validation. */
function isConnectorInfoRefusal(err: unknown): boolean {
  return err instanceof PlatformRequestError && err.failure === 'rejected' && /connectorInfo|ConnectorInfoInput/.test(err.message);
}
