/**
 * A Server-Sent Events parser (the WHATWG `text/event-stream` format): text in, events out. Our own rather than a
 * package because it is small, and because the stream reader needs to pull events one at a time with its own timers
 * (heartbeat watchdog, batch deadline), which a callback parser would only wrap.
 */

export interface SseEvent {
  /** the event's own `id:` field; undefined when the event had none (OpenCTI's `connected` event) */
  id?: string;
  /** the `event:` field, `message` when absent */
  event: string;
  /** the `data:` lines joined with `\n` */
  data: string;
}

export class SseParser {
  private buffer = '';
  private started = false;
  /** the previous chunk ended on `\r`: a `\n` opening the next chunk belongs to the same line break */
  private pendingCr = false;
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  private readonly out: SseEvent[] = [];

  /** Parses a chunk of decoded text; returns the events it completed, in order. */
  feed(text: string): SseEvent[] {
    let chunk = text;
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (this.pendingCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.pendingCr = false;
    const all = this.buffer.length > 0 ? this.buffer + chunk : chunk;
    let start = 0;
    for (;;) {
      const lf = all.indexOf('\n', start);
      const cr = all.indexOf('\r', start);
      let end: number;
      let next: number;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        end = cr;
        if (cr + 1 < all.length) next = all.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
        else {
          next = cr + 1;
          this.pendingCr = true;
        }
      } else if (lf >= 0) {
        end = lf;
        next = lf + 1;
      } else break;
      this.line(all.slice(start, end));
      start = next;
    }
    this.buffer = all.slice(start);
    return this.out.splice(0, this.out.length);
  }

  private line(line: string): void {
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (name) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      default:
      // `retry:` and unknown fields: reconnection delays are ours to choose
    }
  }

  private dispatch(): void {
    if (this.data.length > 0) {
      const event: SseEvent = { event: this.event === '' ? 'message' : this.event, data: this.data.join('\n') };
      if (this.id !== undefined) event.id = this.id;
      this.out.push(event);
    }
    this.data = [];
    this.event = '';
    this.id = undefined;
  }
}
