import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay between the connector and the real broker, so a test can hold the broker's answers (confirms) back and
 * thereby keep a batch in flight for as long as it likes before the connection is killed. Real sockets both ways.
 */
interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  held: Buffer[];
}

export class TcpProxy {
  private server: net.Server | null = null;
  private readonly pairs = new Set<Pair>();
  private holding = false;
  /** bytes still allowed towards the broker; null = no limit */
  private upstreamAllowance: number | null = null;
  /** bytes relayed from the connector to the broker since start */
  upstreamBytes = 0;

  constructor(private readonly targetPort: number, private readonly targetHost = '127.0.0.1') {}

  async start(): Promise<number> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  get openConnections(): number {
    return this.pairs.size;
  }

  /** From now on, what the broker sends (confirms, returns) is kept instead of relayed. */
  holdDownstream(): void {
    this.holding = true;
  }

  /** Relays only `bytes` more towards the broker; the rest is swallowed, as by a network black hole. */
  limitUpstream(bytes: number): void {
    this.upstreamAllowance = bytes;
  }

  releaseDownstream(): void {
    this.holding = false;
    for (const p of this.pairs) for (const b of p.held.splice(0)) p.client.write(b);
  }

  /** Writes raw bytes to the connector as if the broker had sent them (e.g. a connection.blocked frame). */
  injectDownstream(bytes: Buffer): void {
    for (const p of this.pairs) p.client.write(bytes);
  }

  /** Drops every relayed connection at once, discarding held bytes: the connector sees its connection die. */
  cutAll(): void {
    this.holding = false;
    this.upstreamAllowance = null;
    for (const p of this.pairs) {
      p.held.length = 0;
      p.client.destroy();
      p.upstream.destroy();
    }
    this.pairs.clear();
  }

  async stop(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, this.targetHost);
    const pair: Pair = { client, upstream, held: [] };
    this.pairs.add(pair);
    client.on('data', (d: Buffer) => {
      const allowed = this.upstreamAllowance === null ? d.length : Math.min(d.length, this.upstreamAllowance);
      if (this.upstreamAllowance !== null) this.upstreamAllowance -= allowed;
      this.upstreamBytes += allowed;
      if (allowed > 0) upstream.write(d.subarray(0, allowed));
    });
    upstream.on('data', (d: Buffer) => (this.holding ? pair.held.push(d) : client.write(d)));
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  }
}

/** An AMQP 0-9-1 method frame on channel 0 (connection class 10): what the broker sends for blocked/unblocked. */
export function connectionFrame(methodId: 60 | 61, reason?: string): Buffer {
  const args = reason === undefined ? Buffer.alloc(0) : Buffer.concat([Buffer.from([Buffer.byteLength(reason)]), Buffer.from(reason)]);
  const payload = Buffer.alloc(4 + args.length);
  payload.writeUInt16BE(10, 0);
  payload.writeUInt16BE(methodId, 2);
  args.copy(payload, 4);
  const header = Buffer.alloc(7);
  header.writeUInt8(1, 0); // method frame
  header.writeUInt16BE(0, 1); // channel 0
  header.writeUInt32BE(payload.length, 3);
  return Buffer.concat([header, payload, Buffer.from([0xce])]);
}
