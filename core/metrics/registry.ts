import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The connector's Prometheus metrics, in a registry of its own (no global state shared with a host process).
 * The first seven carry the reference SDK's names (pycti's OpenCTIMetricHandler: counters `bundle_send`,
 * `record_send`, `run_count`, `ping_api_count`, `ping_api_error`, `error_count`, `client_error_count`, exposed
 * with Prometheus' `_total` suffix, and the `state` enum), so dashboards built for Python connectors keep working.
 */

export const CONNECTOR_STATES = ['idle', 'running', 'stopped'] as const;
export type ConnectorRunState = (typeof CONNECTOR_STATES)[number];

export class ConnectorMetrics {
  readonly registry = new Registry();
  readonly bundleSend = new Counter({ name: 'bundle_send_total', help: 'Bundles delivered (each confirmed by the broker or written to the directory)', registers: [this.registry] });
  readonly recordSend = new Counter({ name: 'record_send_total', help: 'STIX objects and stream events delivered', registers: [this.registry] });
  readonly runCount = new Counter({ name: 'run_count_total', help: 'Runs started', registers: [this.registry] });
  readonly pingApiCount = new Counter({ name: 'ping_api_count_total', help: 'Pings sent to the platform', registers: [this.registry] });
  readonly pingApiError = new Counter({ name: 'ping_api_error_total', help: 'Pings the platform did not answer or refused', registers: [this.registry] });
  readonly errorCount = new Counter({ name: 'error_count_total', help: 'Failed runs', registers: [this.registry] });
  readonly clientErrorCount = new Counter({ name: 'client_error_count_total', help: 'Requests to the platform that failed outside a ping (e.g. reading the queue size)', registers: [this.registry] });
  readonly state = new Gauge({ name: 'state', help: 'What the connector is doing now (1 for the current state)', labelNames: ['state'], registers: [this.registry] });
  // Beyond the reference SDK: how long a batch takes to be confirmed, and what waits in the platform's queue.
  readonly deliveryLatency = new Histogram({
    name: 'delivery_latency_seconds',
    help: 'Time from handing a batch to the sink to its confirmation (broker confirms or file in place)',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly queueBytes = new Gauge({ name: 'queue_messages_size_bytes', help: "Bytes waiting in the connector's queue on the platform (last check)", registers: [this.registry] });
  readonly queueMessages = new Gauge({ name: 'queue_messages_number', help: "Messages waiting in the connector's queue on the platform (last check)", registers: [this.registry] });
  readonly componentUp = new Gauge({ name: 'component_up', help: 'Whether the platform / the broker answered at the last contact (1) or not (0)', labelNames: ['component'], registers: [this.registry] });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.setState('idle');
  }

  setState(current: ConnectorRunState): void {
    for (const s of CONNECTOR_STATES) this.state.set({ state: s }, s === current ? 1 : 0);
  }
}
