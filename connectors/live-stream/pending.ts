import type { StreamEvent } from '../../core';

/**
 * The events received but not yet handed to the runtime. A batch is due when it holds `maxEvents`, or when its
 * oldest event has waited `maxDelayMs`: throughput under a burst, a bounded delay when the stream is quiet.
 */
export class PendingBatch {
  private events: StreamEvent[] = [];
  private oldestAt = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly maxDelayMs: number,
  ) {}

  get size(): number {
    return this.events.length;
  }

  get full(): boolean {
    return this.events.length >= this.maxEvents;
  }

  add(event: StreamEvent, nowMs: number): void {
    if (this.events.length === 0) this.oldestAt = nowMs;
    this.events.push(event);
  }

  /** Milliseconds until the batch is due by age (0 = due now); Infinity when empty. */
  msUntilDue(nowMs: number): number {
    if (this.events.length === 0) return Number.POSITIVE_INFINITY;
    return Math.max(0, this.oldestAt + this.maxDelayMs - nowMs);
  }

  /**
   * Forgets the trailing events of an id whose group was cut by a disconnect: the next connection resumes before
   * that id and receives them again in full.
   */
  dropTrailing(id: string | null): number {
    if (id === null) return 0;
    let keep = this.events.length;
    while (keep > 0 && this.events[keep - 1]!.id === id) keep -= 1;
    const dropped = this.events.length - keep;
    this.events.length = keep;
    return dropped;
  }

  take(): StreamEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }
}
