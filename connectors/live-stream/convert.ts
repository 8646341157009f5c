import type { StixObject, StreamEvent } from '../../core';

/** The stream operations that become worker `event` messages. */
export const DATA_EVENT_TYPES = ['create', 'update', 'delete', 'merge'] as const;
export type DataEventType = (typeof DATA_EVENT_TYPES)[number];

/** The only payload version current platforms send and their workers accept. */
export const EVENT_VERSION = '4';

export function isDataEventType(name: string): name is DataEventType {
  return (DATA_EVENT_TYPES as readonly string[]).includes(name);
}

export interface ConvertOptions {
  /** "perfect synchronization": the target overwrites the entity instead of merging into it */
  synchronized: boolean;
}

/** A data event turned into what the worker applies, or the reason it was left out (one line for the log). */
export type Converted = { ok: true; event: StreamEvent } | { ok: false; reason: string };

interface Payload {
  version?: unknown;
  data?: unknown;
  context?: unknown;
  event_id?: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The standard id the entity had before an update changed it: the `/id` entry of the update's reverse patch. The
 * worker needs it to find the entity on the target, whose id is still the old one.
 */
export function previousStandardId(context: unknown): string | null {
  if (!isObject(context) || !Array.isArray(context.reverse_patch)) return null;
  for (const op of context.reverse_patch) {
    if (isObject(op) && op.path === '/id' && typeof op.value === 'string') return op.value;
  }
  return null;
}

/**
 * One SSE data event (`event:` = the operation, `data:` = the JSON payload `{version, type, data, context, ...}`) to a
 * StreamEvent. Pure. The operation is the SSE event name, not the payload's `type`: the platform sends an update that
 * takes an entity out of the stream's filters as a `delete` event carrying the update's payload.
 */
export function toStreamEvent(id: string, type: DataEventType, rawData: string, opts: ConvertOptions): Converted {
  let payload: unknown;
  try {
    payload = JSON.parse(rawData);
  } catch {
    return { ok: false, reason: `event ${id}: data is not JSON` };
  }
  if (!isObject(payload)) return { ok: false, reason: `event ${id}: data is not a JSON object` };
  const { version, data, context, event_id: ownId } = payload as Payload;
  if (String(version) !== EVENT_VERSION) return { ok: false, reason: `event ${id}: payload version ${JSON.stringify(version ?? null)} (only ${EVENT_VERSION} is supported)` };
  if (!isObject(data) || typeof data.id !== 'string' || typeof data.type !== 'string') {
    return { ok: false, reason: `event ${id}: no STIX object (data.id and data.type) in the payload` };
  }
  const event: StreamEvent = {
    id,
    type,
    data: data as StixObject,
    synchronized: opts.synchronized,
    previous_standard: previousStandardId(context),
  };
  if (context !== undefined) event.context = context;
  // The remote's live events carry their own id (replayed ones and their dependencies do not); the platform's
  // synchroniser hands this one, not the SSE id, to the worker.
  if (typeof ownId === 'string' && ownId !== '') event.event_id = ownId;
  return { ok: true, event };
}
