import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CommonSettings } from '../config/common';
import { OctiError } from '../errors';
import type { Logger } from '../log/logger';
import type { RuntimeObserver } from '../runtime/observer';
import { HealthTracker } from './health';
import { metricsObserver } from './observer';
import { ConnectorMetrics } from './registry';

/**
 * CONNECTOR_EXPOSE_METRICS=true: `GET /metrics` (Prometheus text format) and `GET /healthz` (200 while the platform
 * and the broker answer, 503 once one of them has been unreachable too long) on CONNECTOR_METRICS_PORT.
 *
 * With OPENCTI_URL set, connectPlatform starts it and `link.observer` already feeds it; in directory mode the
 * runtime calls startMetricsServer and passes `handle.observer`. Passing both would count every run twice.
 */

export interface MetricsHandle {
  readonly metrics: ConnectorMetrics;
  readonly health: HealthTracker;
  /** feeds the counters from the runtime's events */
  readonly observer: RuntimeObserver;
  /** the port actually bound (useful with port 0 in tests) */
  readonly port: number;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  /** overrides CONNECTOR_METRICS_PORT; 0 = any free port */
  port?: number;
  host?: string;
  healthGraceMs?: number;
}

/** Starts the endpoint, or resolves null when CONNECTOR_EXPOSE_METRICS is false. */
export async function startMetricsServer(settings: CommonSettings, log: Logger, opts: MetricsServerOptions = {}): Promise<MetricsHandle | null> {
  if (!settings.connector.expose_metrics) return null;
  const metrics = new ConnectorMetrics();
  const health = new HealthTracker(opts.healthGraceMs);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed\n');
    if (path === '/metrics') {
      metrics.registry
        .metrics()
        .then((text) => send(res, 200, metrics.registry.contentType, text))
        .catch((err: unknown) => send(res, 500, 'text/plain', `${err instanceof Error ? err.message : String(err)}\n`));
      return;
    }
    if (path === '/healthz') {
      const report = health.report();
      return send(res, report.ok ? 200 : 503, 'application/json', `${JSON.stringify({ status: report.ok ? 'ok' : 'unhealthy', ...report })}\n`);
    }
    send(res, 404, 'text/plain', 'not found: try /metrics or /healthz\n');
  });
  const port = opts.port ?? settings.connector.metrics_port;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new OctiError('OCTI_ERR_CONFIG_INVALID', `CONNECTOR_METRICS_PORT (connector.metrics_port): cannot serve metrics on port ${port}: ${err.code === 'EADDRINUSE' ? 'already in use' : err.message}`, {
          cause: err,
        }),
      ),
    );
    server.listen(port, opts.host ?? '0.0.0.0', () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  log.info({ port: bound }, 'metrics exposed on /metrics and /healthz');
  let closed = false;
  return {
    metrics,
    health,
    observer: metricsObserver(metrics),
    port: bound,
    close: async () => {
      if (closed) return;
      closed = true;
      metrics.setState('stopped');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
