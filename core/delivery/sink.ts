import type { Logger } from '../log/logger';
import type { StixObject, StreamEvent } from '../stix/types';

/** Who is sending: written into directory files and used to open works. */
export interface ConnectorIdentity {
  id: string;
  name: string;
  type: string;
  scope: string[];
  auto: boolean;
  validate_before_import: boolean;
}

export interface RunInfo {
  runId: string;
  connector: ConnectorIdentity;
  startedAt: Date;
  log: Logger;
  /** user responsible for data creation (the registered connector user), null in directory-only mode */
  applicantId: string | null;
  /** the `update` flag of bundle messages */
  update: boolean;
}

export interface DeliveryBatch {
  objects: StixObject[];
  events: StreamEvent[];
}

export interface DeliveryReport {
  /** files written or messages confirmed */
  messages: number;
  objects: number;
  events: number;
  bytes: number;
}

export interface RunOutcome {
  ok: boolean;
  message: string;
}

/**
 * Where batches go. `deliver` resolves only once the batch is durable (file renamed into place, every
 * message confirmed by the broker) and rejects with a DeliveryError otherwise: the runtime commits a
 * checkpoint only after its batch's `deliver` resolved.
 */
export interface Sink {
  readonly kind: string;
  startRun(run: RunInfo): Promise<void>;
  deliver(batch: DeliveryBatch): Promise<DeliveryReport>;
  endRun(outcome: RunOutcome): Promise<void>;
  close(): Promise<void>;
}
