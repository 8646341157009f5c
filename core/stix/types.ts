/** Minimal STIX 2.1 shapes: loose enough to carry any object through, strict where the runtime relies on a field. */
export interface StixObject {
  type: string;
  id: string;
  spec_version?: string;
  created?: string;
  modified?: string;
  created_by_ref?: string;
  object_marking_refs?: string[];
  [key: string]: unknown;
}

export interface StixBundle {
  type: 'bundle';
  id: string;
  spec_version?: string;
  objects: StixObject[];
}

export interface ExternalReference {
  source_name: string;
  url?: string;
  external_id?: string;
  description?: string;
  [key: string]: unknown;
}

/** One operation of an OpenCTI live stream, carried as a worker `event` message. */
export interface StreamEvent {
  /** the stream event id, `<epoch ms>-<seq>` */
  id: string;
  type: 'create' | 'update' | 'delete' | 'merge';
  data: StixObject;
  context?: unknown;
  synchronized?: boolean;
  previous_standard?: string | null;
  /**
   * The event's own id from its payload (`event_id`), when the remote sent one: the platform's synchroniser puts
   * this, not the SSE id, in the message's `event_id`. Sinks fall back to `id` when it is absent.
   */
  event_id?: string;
}

export interface KillChainPhase {
  kill_chain_name: string;
  phase_name: string;
}
