import type { DeliveryReport } from '../delivery/sink';

/**
 * What the runtime reports as it works: metrics and the platform's ping read these. Every method is optional
 * and must not throw or block.
 */
export interface RuntimeObserver {
  runStarted?(info: { runId: string; at: Date }): void;
  batchDelivered?(report: DeliveryReport, durationMs: number): void;
  checkpointCommitted?(state: Record<string, unknown>): void;
  runEnded?(info: { runId: string; ok: boolean; at: Date; nextRunAt: Date | null; error?: unknown }): void;
  runSkipped?(info: { reason: string; nextRunAt: Date | null }): void;
}
