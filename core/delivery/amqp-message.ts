import { randomUUID } from 'node:crypto';
import type { StixObject, StreamEvent } from '../stix/types';

/**
 * The worker's message format (protocol facts, section 2): persistent JSON whose `content` is the base64 of a
 * UTF-8 JSON bundle (or, for `type: "event"`, of a stream event). One STIX object per bundle message, so the
 * worker imports objects in the order we publish them; `no_split: true` tells newer workers not to split again.
 */

export interface OutgoingMessage {
  /** AMQP message-id: ties a returned message back to what it carried */
  id: string;
  body: Buffer;
  /** what it carries, for error messages: `indicator--…` or `event 1718-0` */
  carries: string;
}

export interface MessageContext {
  applicantId: string;
  workId: string | null;
  update: boolean;
}

/** A bundle around one object; the bundle id is random, as every sender's is (the objects' ids are what merge). */
export function bundleContent(object: StixObject): string {
  return JSON.stringify({ type: 'bundle', id: `bundle--${randomUUID()}`, spec_version: '2.1', objects: [object] });
}

/** The base64 `content` of a bundle message: the costly part of a message, computed once per object. */
export function encodedBundle(object: StixObject): string {
  return Buffer.from(bundleContent(object), 'utf8').toString('base64');
}

/** The base64 `content` of an event message. */
export function encodedEvent(event: StreamEvent): string {
  const content = { id: event.id, type: event.type, data: event.data, context: event.context ?? {} };
  return Buffer.from(JSON.stringify(content), 'utf8').toString('base64');
}

export function bundleMessage(object: StixObject, ctx: MessageContext, sequence: number, content = encodedBundle(object)): OutgoingMessage {
  const body = {
    type: 'bundle',
    bundle_type: 'QUEUE_BUNDLE',
    applicant_id: ctx.applicantId,
    work_id: ctx.workId,
    action_sequence: sequence,
    entities_types: [],
    content,
    update: ctx.update,
    no_split: true,
  };
  return { id: randomUUID(), body: Buffer.from(JSON.stringify(body), 'utf8'), carries: object.id };
}

/** A live-stream operation the worker applies as such (create, update, delete, merge). */
export function eventMessage(event: StreamEvent, ctx: MessageContext, sequence: number, content = encodedEvent(event)): OutgoingMessage {
  const body = {
    type: 'event',
    applicant_id: ctx.applicantId,
    work_id: ctx.workId,
    action_sequence: sequence,
    entities_types: [],
    content,
    update: true,
    synchronized: event.synchronized ?? false,
    previous_standard: event.previous_standard ?? null,
    event_id: event.event_id ?? event.id,
  };
  return { id: randomUUID(), body: Buffer.from(JSON.stringify(body), 'utf8'), carries: `${event.type} event ${event.id} (${event.data.id})` };
}
