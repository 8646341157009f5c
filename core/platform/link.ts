import type { CommonSettings } from '../config/common';
import type { CheckLine } from '../contract/connector';
import { AmqpSink, DEFAULT_MAX_MESSAGE_BYTES } from '../delivery/amqp';
import { ConfirmPublisher } from '../delivery/publisher';
import type { Sink } from '../delivery/sink';
import { ConfigError } from '../errors';
import type { Logger } from '../log/logger';
import { startMetricsServer, type MetricsHandle, type MetricsServerOptions } from '../metrics/server';
import type { RuntimeObserver } from '../runtime/observer';
import { PlatformStateStore, type PlatformStoreOptions } from '../state/platform-store';
import type { StateStore } from '../state/store';
import { fetchTokenUser, fetchVersion, waitForPlatform, type WaitOptions } from './about';
import { ConnectorInfoTracker } from './connector-info';
import { CONNECTOR_QUEUE_DETAILS } from './documents';
import { GraphqlClient, PlatformRequestError } from './graphql';
import { Pinger } from './ping';
import { brokerTarget, registerConnector } from './register';
import { WorkClient } from './works';

/**
 * The platform link: what the runtime gets when OPENCTI_URL is set. It waits for the platform (`about`), registers
 * the connector, reads its state, pings every 40 s and right after each checkpoint, and publishes to RabbitMQ on
 * one long-lived confirm channel. `close()` stops pinging and closes the broker connection; it never unregisters.
 */

export interface PlatformLink {
  /** applicant_id of every message: the user that owns OPENCTI_TOKEN */
  readonly connectorUserId: string;
  readonly store: StateStore;
  readonly queueSink: Sink;
  /** feeds the ping's connectorInfo (last/next run, buffering) and, with CONNECTOR_EXPOSE_METRICS, the metrics */
  readonly observer: RuntimeObserver;
  /** bytes waiting in the connector's queue (connector_queue_details.messages_size); rejects when unknown */
  queueBytes(): Promise<number>;
  close(): Promise<void>;
}

export interface ConnectPlatformOptions {
  settings: CommonSettings;
  connector: { id: string; name: string; type: 'EXTERNAL_IMPORT' | 'STREAM'; scope: string[] };
  log: Logger;
  signal: AbortSignal;
}

/** Timings and limits; the defaults are the production ones, tests shorten them. */
export interface LinkTuning {
  wait?: WaitOptions;
  pingIntervalMs?: number;
  store?: PlatformStoreOptions;
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  brokerConnectTimeoutMs?: number;
  maxMessageBytes?: number;
  metrics?: MetricsServerOptions;
  /** connection name shown by the broker (default `octi-connector <name> <id>`) */
  connectionName?: string;
}

export function platformClient(settings: CommonSettings): GraphqlClient {
  const { url, token } = settings.opencti;
  if (!url) throw new ConfigError('OPENCTI_URL (opencti.url): required to reach the platform');
  if (!token || token.trim() === '' || token === 'ChangeMe') {
    throw new ConfigError("OPENCTI_TOKEN (opencti.token): set the token of the connector's own OpenCTI user (not empty, not ChangeMe)");
  }
  return new GraphqlClient({ url, token, sslVerify: settings.opencti.ssl_verify, customHeaders: settings.opencti.custom_headers });
}

export async function connectPlatform(opts: ConnectPlatformOptions, tuning: LinkTuning = {}): Promise<PlatformLink> {
  const { settings, connector, log, signal } = opts;
  const client = platformClient(settings);
  const metrics = await startMetricsServer(settings, log, tuning.metrics);
  let publisher: ConfirmPublisher | null = null;
  let pinger: Pinger | null = null;
  try {
    const version = await waitForPlatform(client, log, signal, tuning.wait);
    metrics?.health.mark('platform', true);
    log.info({ url: client.displayUrl, version }, 'connected to OpenCTI');

    const reg = await registerConnector(client, connector, signal);
    const connectorUserId = reg.connectorUserId ?? (await fetchTokenUser(client, signal)).id;
    log.info({ applicant_id: connectorUserId, queue: reg.config.push }, 'connector registered');

    const store = new PlatformStateStore(reg.connectorState, log, tuning.store);
    const info = new ConnectorInfoTracker(settings.connector.run_and_terminate, settings.connector.queue_threshold);
    pinger = new Pinger(client, connector.id, () => info.current(), store, log, {
      intervalMs: tuning.pingIntervalMs,
      legacy: /^6\.0\./.test(version),
      hooks: { pinged: (ok) => notePing(metrics, ok) },
    });
    store.attach(() => (pinger as Pinger).ping());

    publisher = new ConfirmPublisher({
      target: brokerTarget(reg.config.connection, settings.mq),
      exchange: reg.config.push_exchange,
      routingKey: reg.config.push_routing,
      log,
      connectionName: tuning.connectionName ?? `octi-connector ${connector.name} ${connector.id}`,
      tlsVerify: settings.opencti.ssl_verify,
      reconnectInitialMs: tuning.reconnectInitialMs,
      reconnectMaxMs: tuning.reconnectMaxMs,
      connectTimeoutMs: tuning.brokerConnectTimeoutMs,
      onState: (up) => {
        metrics?.health.mark('broker', up);
        metrics?.metrics.componentUp.set({ component: 'broker' }, up ? 1 : 0);
      },
    });
    if (settings.connector.send_to_queue) await publisher.connect(signal);
    // The first ping consumes an operator reset made while we were away, before any run starts.
    await pinger.start();

    const queueSink = new AmqpSink({ publisher, works: new WorkClient(client), connectorUserId, maxMessageBytes: tuning.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES });
    const observers: RuntimeObserver[] = metrics ? [info, metrics.observer] : [info];
    const activePinger = pinger;
    let closed = false;
    return {
      connectorUserId,
      store,
      queueSink,
      observer: fanOut(observers),
      queueBytes: () => measureQueue(client, connector.id, info, metrics),
      close: async () => {
        if (closed) return;
        closed = true;
        await activePinger.stop();
        await queueSink.close().catch((err: unknown) => log.warn({ reason: String(err) }, 'closing the broker connection failed'));
        await store.close();
        await metrics?.close();
      },
    };
  } catch (err) {
    await pinger?.stop();
    await publisher?.close();
    await metrics?.close();
    throw err;
  }
}

/** `octi-connector check`: reaches the platform once (no waiting), reports its version and the token's user. */
export async function checkPlatform(settings: CommonSettings, _log: Logger): Promise<CheckLine[]> {
  const client = platformClient(settings);
  const version = await fetchVersion(client);
  const user = await fetchTokenUser(client);
  return [{ target: 'platform', ok: true, detail: `OpenCTI ${version} at ${client.displayUrl}; token user: ${user.name} (${user.id})` }];
}

async function measureQueue(client: GraphqlClient, connectorId: string, info: ConnectorInfoTracker, metrics: MetricsHandle | null): Promise<number> {
  type Answer = { connector: { connector_queue_details: { messages_number: number; messages_size: number } } | null };
  let data: Answer;
  try {
    data = await client.request<Answer>(CONNECTOR_QUEUE_DETAILS, { id: connectorId });
  } catch (err) {
    metrics?.metrics.clientErrorCount.inc();
    if (err instanceof PlatformRequestError && err.failure === 'unreachable') metrics?.health.mark('platform', false);
    throw err;
  }
  const details = data.connector?.connector_queue_details ?? { messages_number: 0, messages_size: 0 };
  info.queueMeasured(details.messages_size);
  metrics?.metrics.queueBytes.set(details.messages_size);
  metrics?.metrics.queueMessages.set(details.messages_number);
  return details.messages_size;
}

function notePing(metrics: MetricsHandle | null, ok: boolean): void {
  if (!metrics) return;
  metrics.metrics.pingApiCount.inc();
  if (!ok) metrics.metrics.pingApiError.inc();
  metrics.metrics.componentUp.set({ component: 'platform' }, ok ? 1 : 0);
  metrics.health.mark('platform', ok);
}

/** Every observer gets every event; one that throws never disturbs the others or the run. */
function fanOut(observers: RuntimeObserver[]): RuntimeObserver {
  const each = (call: (o: RuntimeObserver) => void) => {
    for (const o of observers) {
      try {
        call(o);
      } catch {
        // an observer must not break a run
      }
    }
  };
  return {
    runStarted: (i) => each((o) => o.runStarted?.(i)),
    batchDelivered: (r, ms) => each((o) => o.batchDelivered?.(r, ms)),
    checkpointCommitted: (s) => each((o) => o.checkpointCommitted?.(s)),
    runEnded: (i) => each((o) => o.runEnded?.(i)),
    runSkipped: (i) => each((o) => o.runSkipped?.(i)),
  };
}
