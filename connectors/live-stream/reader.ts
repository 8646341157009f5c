import type { Readable } from 'node:stream';
import { SourceUnavailableError } from '../../core';
import { SseParser, type SseEvent } from './sse';

/** Events parsed ahead when the caller gives no figure (the stream waits, through TCP, once this many are ready). */
const DEFAULT_READ_AHEAD = 1000;

/**
 * The events of one response body. It reads ahead in the background, up to `readAhead` parsed events, so parsing
 * the next batch overlaps the delivery of the current one; past that the socket is left unread and TCP slows the
 * remote down. The caller pulls events one at a time with two clocks:
 * - its own `maxWaitMs` (the batch deadline): `next` then answers 'timeout';
 * - the heartbeat watchdog: waiting for a total of `watchdogMs` without a single event fails the connection
 *   (`SourceUnavailableError`) so the caller reconnects. Only time spent waiting with nothing parsed counts: while
 *   the caller is busy delivering a batch the remote is not to blame.
 */
export class SseReader {
  private readonly parser = new SseParser();
  private readonly decoder = new TextDecoder('utf-8');
  private queue: SseEvent[] = [];
  private head = 0;
  private waitedMs = 0;
  private ended = false;
  private failure: unknown = undefined;
  private failed = false;
  /** the caller, waiting for an event */
  private wake: (() => void) | null = null;
  /** the background read, waiting for room */
  private room: (() => void) | null = null;
  private readonly readAhead: number;

  constructor(
    private readonly body: Readable,
    private readonly opts: { watchdogMs: number; describe: string; readAhead?: number },
  ) {
    this.readAhead = opts.readAhead ?? DEFAULT_READ_AHEAD;
    void this.readLoop();
  }

  private get queued(): number {
    return this.queue.length - this.head;
  }

  private async readLoop(): Promise<void> {
    try {
      for await (const chunk of this.body as AsyncIterable<Buffer | string>) {
        const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
        for (const event of this.parser.feed(text)) this.queue.push(event);
        this.notify();
        while (this.queued >= this.readAhead && !this.body.destroyed) await new Promise<void>((resolve) => (this.room = resolve));
      }
      for (const event of this.parser.feed(this.decoder.decode())) this.queue.push(event);
      this.ended = true;
    } catch (err) {
      this.failure = err;
      this.failed = true;
    } finally {
      this.notify();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** The next event, 'timeout' after `maxWaitMs` without one, or 'end' when the remote closed the stream. */
  async next(maxWaitMs: number): Promise<SseEvent | 'timeout' | 'end'> {
    for (;;) {
      if (this.head < this.queue.length) return this.take();
      if (this.failed) throw this.failure;
      if (this.ended) return 'end';
      const budget = this.opts.watchdogMs - this.waitedMs;
      if (budget <= 0) throw this.stalled();
      const wait = Math.max(0, Math.min(maxWaitMs, budget));
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const woken = await new Promise<boolean>((resolve) => {
        this.wake = () => resolve(true);
        timer = setTimeout(() => resolve(false), wait);
      });
      clearTimeout(timer);
      this.wake = null;
      this.waitedMs += performance.now() - started;
      if (!woken) {
        // the watchdog's own timer ran out (timers may fire a fraction of a millisecond early: trust the timer)
        if (budget <= maxWaitMs || this.waitedMs >= this.opts.watchdogMs) throw this.stalled();
        return 'timeout';
      }
    }
  }

  close(): void {
    this.body.destroy();
    this.room?.();
  }

  private take(): SseEvent {
    const event = this.queue[this.head++]!;
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.waitedMs = 0;
    if (this.room !== null && this.queued < this.readAhead) {
      const room = this.room;
      this.room = null;
      room();
    }
    return event;
  }

  private stalled(): SourceUnavailableError {
    return new SourceUnavailableError(`${this.opts.describe}: no event for ${Math.round(this.opts.watchdogMs)} ms (3 heartbeat periods); reconnecting`);
  }
}
