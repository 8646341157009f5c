import type { Readable } from 'node:stream';
import { SourceUnavailableError } from '../../core';
import { SseParser, type SseEvent } from './sse';

const TIMEOUT = Symbol('timeout');

/**
 * Pulls SSE events off one response body, one at a time, with two clocks:
 * - the caller's `maxWaitMs` (its batch deadline): `next` then answers 'timeout' and the read stays pending;
 * - the heartbeat watchdog: waiting for a total of `watchdogMs` without a single event fails the connection
 *   (`SourceUnavailableError`) so the caller reconnects. Only time spent waiting for the remote counts: while the
 *   caller is busy delivering a batch, nothing is read and the remote is not to blame.
 */
export class SseReader {
  private readonly iterator: AsyncIterator<Buffer | string>;
  private readonly parser = new SseParser();
  private readonly decoder = new TextDecoder('utf-8');
  private readonly queue: SseEvent[] = [];
  private pending: Promise<IteratorResult<Buffer | string>> | null = null;
  private waitedMs = 0;
  private ended = false;

  constructor(
    private readonly body: Readable,
    private readonly opts: { watchdogMs: number; describe: string },
  ) {
    this.iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  }

  /** The next event, 'timeout' after `maxWaitMs` without one, or 'end' when the remote closed the stream. */
  async next(maxWaitMs: number): Promise<SseEvent | 'timeout' | 'end'> {
    for (;;) {
      const queued = this.queue.shift();
      if (queued !== undefined) {
        this.waitedMs = 0;
        return queued;
      }
      if (this.ended) return 'end';
      const budget = this.opts.watchdogMs - this.waitedMs;
      if (budget <= 0) throw this.stalled();
      if (this.pending === null) {
        this.pending = this.iterator.next();
        // a read still pending when the connection is torn down must not surface as an unhandled rejection
        this.pending.catch(() => undefined);
      }
      const wait = Math.max(0, Math.min(maxWaitMs, budget));
      const started = performance.now();
      const result = await raceTimer(this.pending, wait);
      this.waitedMs += performance.now() - started;
      if (result === TIMEOUT) {
        // the watchdog's own timer ran out (timers may fire a fraction of a millisecond early: trust the timer)
        if (budget <= maxWaitMs || this.waitedMs >= this.opts.watchdogMs) throw this.stalled();
        return 'timeout';
      }
      this.pending = null;
      if (result.done) {
        this.ended = true;
        this.queue.push(...this.parser.feed(this.decoder.decode()));
        continue;
      }
      const chunk = result.value;
      this.queue.push(...this.parser.feed(typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true })));
    }
  }

  close(): void {
    this.body.destroy();
  }

  private stalled(): SourceUnavailableError {
    return new SourceUnavailableError(`${this.opts.describe}: no event for ${Math.round(this.opts.watchdogMs)} ms (3 heartbeat periods); reconnecting`);
  }
}

function raceTimer<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
