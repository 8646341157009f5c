import { resolve } from 'node:path';
import type { ConnectorDefinition } from '../contract/connector';
import type { ConfigSpec, InferConfig } from '../config/fields';
import type { ResolvedConfig } from '../config/resolve';
import { DirectorySink } from '../delivery/directory';
import { TeeSink } from '../delivery/tee';
import type { ConnectorIdentity, Sink } from '../delivery/sink';
import type { Logger } from '../log/logger';
import { startMetricsServer } from '../metrics/server';
import { connectPlatform, type PlatformLink } from '../platform/link';
import { FileStateStore } from '../state/file-store';
import type { StateStore } from '../state/store';
import type { RuntimeObserver } from './observer';

/** What a process runs with: where batches go, where state lives, who is the applicant. */
export interface Wiring {
  identity: ConnectorIdentity;
  sink: Sink;
  store: StateStore;
  applicantId: string | null;
  link: PlatformLink | null;
  observers: RuntimeObserver[];
  close(): Promise<void>;
}

export function connectorIdentity<Spec extends ConfigSpec>(def: ConnectorDefinition<Spec>, cfg: ResolvedConfig<InferConfig<Spec>>): ConnectorIdentity {
  return {
    id: cfg.connectorId,
    name: cfg.connectorName,
    type: def.type,
    scope: cfg.settings.connector.scope ?? def.imports,
    auto: false,
    validate_before_import: false,
  };
}

function directorySink(cfg: ResolvedConfig<unknown>, def: { name: string }, cwd: string): DirectorySink {
  const c = cfg.settings.connector;
  return new DirectorySink({
    path: resolve(cwd, c.send_to_directory_path ?? `out/${def.name}`),
    retentionDays: c.send_to_directory_retention,
  });
}

/**
 * Embedded default (no OPENCTI_URL): directory sink + local state file. With OPENCTI_URL: register with the platform,
 * state on the platform, bundles to RabbitMQ unless CONNECTOR_SEND_TO_QUEUE=false (then to the directory).
 */
export async function wire<Spec extends ConfigSpec>(
  def: ConnectorDefinition<Spec>,
  cfg: ResolvedConfig<InferConfig<Spec>>,
  log: Logger,
  signal: AbortSignal,
  cwd = process.cwd(),
): Promise<Wiring> {
  const identity = connectorIdentity(def, cfg);
  const c = cfg.settings.connector;
  if (cfg.directoryMode) {
    const store = new FileStateStore(resolve(cwd, c.state_path ?? `state/${def.name}.json`));
    const sink = directorySink(cfg, def, cwd);
    // With a platform, connectPlatform starts the metrics endpoint; here the runtime does.
    const metrics = await startMetricsServer(cfg.settings, log);
    return {
      identity,
      sink,
      store,
      applicantId: null,
      link: null,
      observers: metrics ? [metrics.observer] : [],
      close: async () => {
        await sink.close();
        await metrics?.close();
      },
    };
  }
  const link = await connectPlatform({
    settings: cfg.settings,
    connector: { id: identity.id, name: identity.name, type: def.type, scope: identity.scope },
    log,
    signal,
  });
  const toQueue = c.send_to_queue;
  let sink: Sink = toQueue ? link.queueSink : directorySink(cfg, def, cwd);
  if (toQueue && c.send_to_directory) sink = new TeeSink(link.queueSink, directorySink(cfg, def, cwd));
  if (!toQueue) log.info('CONNECTOR_SEND_TO_QUEUE=false: bundles go to the directory, state stays on the platform');
  return {
    identity,
    sink,
    store: link.store,
    applicantId: link.connectorUserId,
    link,
    observers: [link.observer],
    close: async () => {
      await sink.close().catch(() => undefined);
      await link.close();
    },
  };
}
