import { StateError } from '../../core';

/**
 * Where we are in the remote stream, and what to ask for when (re)connecting.
 *
 * Stream event ids are `<epoch ms>-<seq>`. One id does not always name one event: the remote sends the objects an
 * event depends on (its `create` dependencies) under the event's own id, just before the event itself. So an id is
 * only *complete*, safe to resume after, once something else shows the remote has moved on: an event with another
 * id, a heartbeat carrying another id, or a heartbeat after a whole heartbeat period with no event at all. Resuming
 * after an incomplete id would skip the rest of its group; resuming after the last complete one replays at most
 * that group, which the worker applies idempotently.
 */

/** The saved state: `start_from` as the contract names it; `recover_until` only while the initial replay is under way. */
export interface LiveState {
  start_from: string;
  /** the `recover` date of the replay under way: a restart before the position reaches it asks for the rest of it */
  recover_until?: string;
  [key: string]: unknown;
}

/** What one connection asks the remote for. */
export interface StreamStart {
  /** an event id, `0-0` for everything, or an ISO date */
  from: string;
  /** replay stored data up to this ISO date as `create` events, then follow the live tail */
  recover?: string;
}

const EVENT_ID = /^(\d+)-(\d+)$/;

export function isEventId(text: string): boolean {
  return EVENT_ID.test(text);
}

/** The epoch milliseconds of an event id; NaN for anything else. */
export function eventIdTime(id: string): number {
  const m = EVENT_ID.exec(id);
  return m ? Number(m[1]) : Number.NaN;
}

/** The first request: a saved position, else the configured start date, else everything; the last two replay up to now. */
export function initialStart(state: LiveState | null, startDate: string | undefined, now: Date): StreamStart {
  if (state !== null) {
    if (typeof state.start_from !== 'string' || state.start_from.trim() === '') {
      throw new StateError(`saved live-stream state has no usable start_from (${JSON.stringify(state.start_from ?? null)}); reset the connector's state to start again from the configured start`);
    }
    const recover = typeof state.recover_until === 'string' ? state.recover_until : undefined;
    if (recover !== undefined && eventIdTime(state.start_from) < Date.parse(recover)) return { from: state.start_from, recover };
    return { from: state.start_from };
  }
  return { from: startDate ?? '0-0', recover: now.toISOString() };
}

export class StreamPosition {
  /** the last complete position; null until the remote gave one */
  private complete: string | null = null;
  /** the id of the last data events received, whose group may not be over */
  private openId: string | null = null;
  private dataSinceHeartbeat = false;
  /** the id of the last data event on this connection */
  private lastDataId: string | null = null;
  private readonly recoverUntilMs: number;

  constructor(private readonly first: StreamStart) {
    this.recoverUntilMs = first.recover === undefined ? Number.NaN : Date.parse(first.recover);
    if (isEventId(first.from)) this.complete = first.from;
  }

  /** The id whose group may still be arriving (events of it not yet delivered are dropped on a disconnect). */
  get open(): string | null {
    return this.openId;
  }

  /** The last id seen, complete or not (for a data event that comes without an id). */
  get lastSeen(): string | null {
    return this.openId ?? this.complete;
  }

  /** True while the replay asked for with `recover` has not reached its end date. */
  get recovering(): boolean {
    if (Number.isNaN(this.recoverUntilMs)) return false;
    return this.complete === null || !(eventIdTime(this.complete) >= this.recoverUntilMs);
  }

  /** What to ask for on a (re)connection: after the last complete id; the replay goes on if it had not ended. */
  resume(): StreamStart {
    const from = this.complete ?? this.first.from;
    return this.recovering && this.first.recover !== undefined ? { from, recover: this.first.recover } : { from };
  }

  /** A new connection starts after the last complete id: the open group will be sent again in full. */
  connected(): void {
    this.openId = null;
    this.lastDataId = null;
    this.dataSinceHeartbeat = false;
  }

  /** A data event (delivered or filtered out: either way it is handled). */
  dataEvent(id: string): void {
    if (this.openId !== null && id !== this.openId) this.complete = this.openId;
    this.openId = id;
    this.lastDataId = id;
    this.dataSinceHeartbeat = true;
  }

  /**
   * A heartbeat carries the remote's current position. Returns true when the remote has caught up: a whole period
   * without data, and a position past the last data event (an idle platform reports "now"). A quiet period at the
   * same position only says the remote is busy, or that its events are queued behind a slow reader.
   */
  heartbeat(id: string | undefined): boolean {
    const quiet = !this.dataSinceHeartbeat;
    this.dataSinceHeartbeat = false;
    if (id === undefined || !isEventId(id)) return false;
    if (id !== this.openId || quiet) {
      this.complete = id;
      this.openId = null;
    }
    return quiet && id !== this.lastDataId;
  }

  /** The state to commit once everything received so far up to the complete position is delivered. */
  checkpoint(): LiveState | null {
    if (this.complete === null) return null;
    return this.recovering && this.first.recover !== undefined ? { start_from: this.complete, recover_until: this.first.recover } : { start_from: this.complete };
  }
}
