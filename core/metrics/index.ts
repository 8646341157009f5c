export { startMetricsServer, type MetricsHandle, type MetricsServerOptions } from './server';
export { ConnectorMetrics, CONNECTOR_STATES, type ConnectorRunState } from './registry';
export { HealthTracker, type Component, type HealthReport } from './health';
export { metricsObserver } from './observer';
