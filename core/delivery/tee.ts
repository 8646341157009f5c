import type { DeliveryBatch, DeliveryReport, RunInfo, RunOutcome, Sink } from './sink';

/**
 * Delivers every batch to a primary sink and a copy sink (CONNECTOR_SEND_TO_DIRECTORY beside the queue). The batch
 * is confirmed only when both have it; the report is the primary's.
 */
export class TeeSink implements Sink {
  readonly kind: string;
  constructor(
    private readonly primary: Sink,
    private readonly copy: Sink,
  ) {
    this.kind = `${primary.kind}+${copy.kind}`;
  }
  async startRun(run: RunInfo): Promise<void> {
    await Promise.all([this.primary.startRun(run), this.copy.startRun(run)]);
  }
  async deliver(batch: DeliveryBatch): Promise<DeliveryReport> {
    const [report] = await Promise.all([this.primary.deliver(batch), this.copy.deliver(batch)]);
    return report;
  }
  async endRun(outcome: RunOutcome): Promise<void> {
    await Promise.all([this.primary.endRun(outcome), this.copy.endRun(outcome)]);
  }
  async close(): Promise<void> {
    await Promise.all([this.primary.close(), this.copy.close()]);
  }
}
