import type { RuntimeObserver } from '../runtime/observer';
import type { ConnectorInfo } from './ping';

/**
 * What the ping tells the platform about the schedule (ConnectorInfoInput): last and next run, whether runs are
 * being skipped because the queue is over CONNECTOR_QUEUE_THRESHOLD ("buffering"), and the queue size seen last.
 */
export class ConnectorInfoTracker implements RuntimeObserver {
  private lastRun: Date | null = null;
  private nextRun: Date | null = null;
  private buffering = false;
  private queueBytes = 0;

  constructor(
    private readonly runAndTerminate: boolean,
    private readonly queueThresholdMb: number,
  ) {}

  runStarted(): void {
    this.buffering = false;
  }
  runEnded(info: { at: Date; nextRunAt: Date | null }): void {
    this.lastRun = info.at;
    this.nextRun = info.nextRunAt;
  }
  runSkipped(info: { nextRunAt: Date | null }): void {
    this.buffering = true;
    this.nextRun = info.nextRunAt;
  }
  queueMeasured(bytes: number): void {
    this.queueBytes = bytes;
  }

  current(): ConnectorInfo {
    return {
      run_and_terminate: this.runAndTerminate,
      buffering: this.buffering,
      queue_threshold: this.queueThresholdMb,
      // decimal MB, as the reference SDK reports it
      queue_messages_size: this.queueBytes / 1_000_000,
      next_run_datetime: this.nextRun?.toISOString() ?? null,
      last_run_datetime: this.lastRun?.toISOString() ?? null,
    };
  }
}
