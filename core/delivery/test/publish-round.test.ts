import { EventEmitter } from 'node:events';
import type { ConfirmChannel } from 'amqplib';
import type { OutgoingMessage } from '../amqp-message';
import { publishRound } from '../publish-round';

/**
 * Backpressure within one publishing pass. A stand-in for amqplib's confirm channel, because what is tested is our
 * reaction to its signals (`publish()` answering false, then `drain` or `close`), which a real broker gives only
 * under memory pressure, and never on cue. The publishes and the broker's confirms are recorded, not simulated away.
 */
class ChannelDouble extends EventEmitter {
  readonly published: string[] = [];
  /** publish() answers false from this call on (1-based), until `drain` */
  fullAfter = Number.POSITIVE_INFINITY;
  private readonly confirms: Array<() => void> = [];

  publish(_exchange: string, _key: string, _body: Buffer, options: { messageId: string }, confirm: (err: unknown) => void): boolean {
    this.published.push(options.messageId);
    this.confirms.push(() => confirm(null));
    return this.published.length < this.fullAfter;
  }

  /** The broker acknowledges everything published so far. */
  ackAll(): void {
    for (const c of this.confirms.splice(0)) c();
  }

  drain(): void {
    this.fullAfter = Number.POSITIVE_INFINITY;
    this.emit('drain');
  }
}

const messages = (n: number): OutgoingMessage[] => Array.from({ length: n }, (_, i) => ({ id: `m${i + 1}`, body: Buffer.from('{}'), carries: `indicator--${i + 1}` }));
const options = { exchange: 'x', routingKey: 'k', returned: new Set<string>(), waitUnblocked: () => Promise.resolve() };
const tick = () => new Promise((r) => setImmediate(r));

describe('publishing pass', () => {
  it('stops publishing when publish() answers false, and goes on only after drain', async () => {
    const ch = new ChannelDouble();
    ch.fullAfter = 2;
    const round = publishRound(ch as unknown as ConfirmChannel, messages(5), options);
    for (let i = 0; i < 5; i++) await tick();
    expect(ch.published).toEqual(['m1', 'm2']);
    ch.drain();
    for (let i = 0; i < 5; i++) await tick();
    expect(ch.published).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    ch.ackAll();
    expect(await round).toEqual({ confirmed: ['m1', 'm2', 'm3', 'm4', 'm5'], nacked: [], returned: [], unconfirmed: [] });
  });

  it('leaves what was never published as unconfirmed when the channel closes while waiting for drain', async () => {
    const ch = new ChannelDouble();
    ch.fullAfter = 2;
    const round = publishRound(ch as unknown as ConfirmChannel, messages(4), options);
    for (let i = 0; i < 5; i++) await tick();
    ch.ackAll();
    ch.emit('close');
    expect(await round).toEqual({ confirmed: ['m1', 'm2'], nacked: [], returned: [], unconfirmed: ['m3', 'm4'] });
    expect(ch.published).toEqual(['m1', 'm2']);
  });
});
