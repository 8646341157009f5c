import type { ConfirmChannel } from 'amqplib';
import type { OutgoingMessage } from './amqp-message';

/**
 * One pass of publishing on one confirm channel: every message in order, honouring backpressure (`publish()` false
 * -> wait for `drain`) and a blocked connection, then waiting for the broker's answer to each. A message either is
 * confirmed, nacked, returned (unroutable; the broker sends the return before the ack), or left unconfirmed because
 * the channel closed: the caller re-publishes the last two kinds on a fresh channel.
 */

export interface RoundOptions {
  exchange: string;
  routingKey: string;
  /** message ids the broker returned (filled by the channel's 'return' listener) */
  returned: Set<string>;
  waitUnblocked(): Promise<void>;
}

export interface RoundResult {
  confirmed: string[];
  nacked: string[];
  returned: string[];
  /** published but never confirmed, or never published, because the channel closed */
  unconfirmed: string[];
}

type Outcome = 'ack' | 'nack' | 'returned' | 'closed';

export async function publishRound(ch: ConfirmChannel, messages: OutgoingMessage[], opts: RoundOptions): Promise<RoundResult> {
  let closed = false;
  const onClose = () => {
    closed = true;
  };
  ch.once('close', onClose);
  const outcomes: Array<Promise<Outcome>> = [];
  try {
    for (const msg of messages) {
      await opts.waitUnblocked();
      if (closed) break;
      let writable: boolean;
      let settle!: (o: Outcome) => void;
      outcomes.push(new Promise<Outcome>((resolve) => (settle = resolve)));
      try {
        writable = ch.publish(
          opts.exchange,
          opts.routingKey,
          msg.body,
          { persistent: true, mandatory: true, messageId: msg.id, contentType: 'application/json', contentEncoding: 'utf-8' },
          (err: unknown) => {
            if (err) settle(err instanceof Error && /nack/i.test(err.message) ? 'nack' : 'closed');
            else settle(opts.returned.delete(msg.id) ? 'returned' : 'ack');
          },
        );
      } catch {
        // the channel closed between two publishes (IllegalOperationError): this one was never sent
        settle('closed');
        break;
      }
      if (!writable) await drainOrClose(ch);
    }
    const settled = await Promise.all(outcomes);
    const result: RoundResult = { confirmed: [], nacked: [], returned: [], unconfirmed: [] };
    messages.forEach((msg, i) => {
      const outcome = settled[i] ?? 'closed';
      if (outcome === 'ack') result.confirmed.push(msg.id);
      else if (outcome === 'nack') result.nacked.push(msg.id);
      else if (outcome === 'returned') result.returned.push(msg.id);
      else result.unconfirmed.push(msg.id);
    });
    return result;
  } finally {
    ch.removeListener('close', onClose);
  }
}

function drainOrClose(ch: ConfirmChannel): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      ch.removeListener('drain', done);
      ch.removeListener('close', done);
      resolve();
    };
    ch.once('drain', done);
    ch.once('close', done);
  });
}
