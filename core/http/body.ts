import { Readable, finished } from 'node:stream';

export interface GuardOptions {
  /** destroy the stream once more than this many bytes came through (decompressed bytes: a gzip bomb is caught too) */
  maxBytes?: number;
  onTooLarge: () => Error;
  /** fail when no byte arrives for this long while the consumer is waiting for data (long-lived streams) */
  idleMs?: number;
  onIdle?: () => Error;
  /** maps a failure of the underlying response (connection cut, bad gzip) to the error the consumer sees */
  mapError: (err: unknown) => Error;
  /** aborting it destroys the stream with the signal's reason */
  signal?: AbortSignal;
}

/**
 * A response body with the client's rules applied while it flows: the size cap is checked on every chunk (so an
 * oversized body is cut at once, not after buffering it), failures come out typed, and an idle timer runs only while
 * the consumer is asking for data, so a slow consumer applying backpressure is never mistaken for a stalled server.
 */
export class GuardedBody extends Readable {
  private readonly source: Readable;
  private readonly opts: GuardOptions;
  private bytes = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly onAbort = (): void => {
    const reason: unknown = this.opts.signal?.reason;
    this.destroy(typeof reason === 'object' && reason !== null ? (reason as Error) : new Error(String(reason ?? 'aborted')));
  };

  constructor(source: Readable, opts: GuardOptions) {
    super();
    this.source = source;
    this.opts = opts;
    source.pause();
    source.on('data', (chunk: Buffer) => this.onChunk(chunk));
    source.once('end', () => {
      this.disarmIdle();
      this.push(null);
    });
    finished(source, (err) => {
      if (err && !this.destroyed) this.destroy(opts.mapError(err));
    });
    if (opts.signal?.aborted) queueMicrotask(this.onAbort);
    else opts.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  get bytesRead(): number {
    return this.bytes;
  }

  private onChunk(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.opts.maxBytes !== undefined && this.bytes > this.opts.maxBytes) {
      this.destroy(this.opts.onTooLarge());
      return;
    }
    if (this.push(chunk)) {
      this.armIdle();
    } else {
      // the consumer is full: stop reading from the network and stop the idle clock until it asks again
      this.source.pause();
      this.disarmIdle();
    }
  }

  override _read(): void {
    this.armIdle();
    this.source.resume();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.disarmIdle();
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    this.source.destroy();
    callback(err);
  }

  private armIdle(): void {
    const { idleMs, onIdle } = this.opts;
    if (idleMs === undefined || onIdle === undefined || this.destroyed) return;
    this.disarmIdle();
    this.idleTimer = setTimeout(() => this.destroy(onIdle()), idleMs);
  }

  private disarmIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}

/** Reads a guarded body to the end. */
export async function collect(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The first `maxBytes` of a body (for error excerpts); best effort: a failure while reading just shortens it. */
export async function readPrefix(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      if (length >= maxBytes) break;
    }
  } catch {
    // the status already says what went wrong; the excerpt is only a help
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, maxBytes);
}
