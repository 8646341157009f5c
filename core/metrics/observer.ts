import type { RuntimeObserver } from '../runtime/observer';
import type { ConnectorMetrics } from './registry';

/** Runtime events -> the reference SDK's counters (one bundle per delivered batch, one record per message). */
export function metricsObserver(metrics: ConnectorMetrics): RuntimeObserver {
  return {
    runStarted: () => {
      metrics.runCount.inc();
      metrics.setState('running');
    },
    batchDelivered: (report, durationMs) => {
      metrics.bundleSend.inc();
      metrics.recordSend.inc(report.objects + report.events);
      metrics.deliveryLatency.observe(durationMs / 1000);
    },
    runEnded: (info) => {
      if (!info.ok) metrics.errorCount.inc();
      metrics.setState('idle');
    },
    runSkipped: () => metrics.setState('idle'),
  };
}
