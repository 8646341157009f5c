import type { Logger } from '../log/logger';
import { WORK_ADD, WORK_ADD_EXPECTATIONS, WORK_PING, WORK_TO_PROCESSED, WORK_TO_RECEIVED } from './documents';
import { backoffDelay, pause } from './backoff';
import { PlatformRequestError, type GraphqlClient } from './graphql';

/**
 * Works: the platform's record of one run ("<name> run @ YYYY-MM-DD HH:MM:SS", UTC). A work is opened lazily at the
 * first batch of a run, so a run with nothing new leaves no empty work; each batch adds its expectations once,
 * before its messages are published; the run closes it with a summary (`inError` on failure). A work completes on
 * the platform when the processed messages reach the expectations.
 */

export function workName(connectorName: string, startedAt: Date): string {
  const iso = startedAt.toISOString();
  return `${connectorName} run @ ${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

export class WorkClient {
  constructor(private readonly client: GraphqlClient) {}

  async add(connectorId: string, friendlyName: string): Promise<string> {
    const data = await this.client.request<{ workAdd: { id: string } }>(WORK_ADD, { connectorId, friendlyName });
    return data.workAdd.id;
  }
  async addExpectations(workId: string, expectations: number): Promise<void> {
    await this.client.request(WORK_ADD_EXPECTATIONS, { id: workId, expectations });
  }
  async toReceived(workId: string, message: string): Promise<void> {
    await this.client.request(WORK_TO_RECEIVED, { id: workId, message });
  }
  async toProcessed(workId: string, message: string, inError: boolean): Promise<void> {
    await this.client.request(WORK_TO_PROCESSED, { id: workId, message, inError });
  }
  async ping(workId: string): Promise<void> {
    await this.client.request(WORK_PING, { id: workId });
  }
}

/** The work of one run: opened on demand, closed once. */
export class RunWork {
  private workId: string | null = null;
  private opening: Promise<string> | null = null;
  private closed = false;

  constructor(
    private readonly works: WorkClient,
    private readonly connectorId: string,
    private readonly name: string,
    private readonly log: Logger,
  ) {}

  get id(): string | null {
    return this.workId;
  }

  /** The work id, creating the work on first use. */
  async open(): Promise<string> {
    if (this.workId) return this.workId;
    this.opening ??= this.works.add(this.connectorId, this.name).then((id) => {
      this.workId = id;
      this.log.info({ work_id: id, work: this.name }, 'work opened');
      return id;
    });
    try {
      return await this.opening;
    } catch (err) {
      this.opening = null;
      throw err;
    }
  }

  /** Opens the work if needed and adds a batch's expectations; a platform blip is retried a few times. */
  async expect(messages: number): Promise<string> {
    return retryWhileUnreachable(async () => {
      const id = await this.open();
      await this.works.addExpectations(id, messages);
      return id;
    });
  }

  /** Closes the work if one was opened; never throws (the run's outcome is already decided). */
  async close(message: string, inError: boolean): Promise<void> {
    if (this.closed || this.workId === null) return;
    this.closed = true;
    try {
      await this.works.toProcessed(this.workId, message, inError);
      this.log.info({ work_id: this.workId, in_error: inError }, 'work closed');
    } catch (err) {
      this.log.warn({ work_id: this.workId, reason: err instanceof Error ? err.message : String(err) }, 'closing the work on the platform failed');
    }
  }
}

async function retryWhileUnreachable<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !(err instanceof PlatformRequestError) || err.failure !== 'unreachable') throw err;
      await pause(backoffDelay(attempt, { initialMs: 500, maxMs: 5000 }));
    }
  }
}
