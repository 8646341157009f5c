import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { GraphQLError, execute, parse, validate, type DocumentNode } from 'graphql';
import { CURRENT_SCHEMA, OPENCTI_60_SCHEMA } from './schema';
import { StandinBroker, queueNames } from './rabbit';
import { createResolvers, type StandinConnector, type StandinState, type StandinUser, type StandinWork } from './resolvers';
import { WorkerConsumer } from './worker';

/**
 * An OpenCTI stand-in for tests: a real HTTP GraphQL endpoint that validates every operation against the platform's
 * schema (graphql-js), maps tokens to users, creates the connector's exchanges and queues on the real local RabbitMQ
 * like the platform does, and runs a worker-like consumer on each push queue. Modes: an OpenCTI 6.0 schema
 * (no connectorInfo), and "down" (503 from a gateway while the platform starts).
 */

export interface StandinOptions {
  /** serve the 6.0 schema, whose pingConnector has no connectorInfo */
  opencti60?: boolean;
  /** answer 503 until `bringUp()` */
  startDown?: boolean;
  /** listen on this port (default: any free one) */
  port?: number;
  /** run the worker-like consumer on every registered connector's push queue (default true) */
  consume?: boolean;
  /** what `about` reports (default 6.8.5, or 6.0.6 with opencti60) */
  version?: string;
  /** the platform's `rabbitmq.queue_type` (default classic, as the platform's) */
  queueType?: 'classic' | 'quorum';
}

export interface RecordedRequest {
  operationName: string | null;
  variables: Record<string, unknown>;
  userId: string | null;
  /** validation errors against the schema: empty when the platform would accept the document */
  invalid: string[];
  authorization: string | undefined;
  headers: http.IncomingHttpHeaders;
}

export class OpenCtiStandin {
  readonly requests: RecordedRequest[] = [];
  readonly state: StandinState;
  readonly queuePrefix = `octitest_${randomBytes(4).toString('hex')}_`;
  private readonly broker = new StandinBroker();
  private readonly workers = new Map<string, WorkerConsumer>();
  private server: http.Server | null = null;
  private down: boolean;

  constructor(private readonly opts: StandinOptions = {}) {
    this.down = opts.startDown ?? false;
    this.state = { users: new Map(), connectors: new Map(), works: new Map(), version: opts.version ?? (opts.opencti60 ? '6.0.6' : '6.8.5') };
  }

  get url(): string {
    const addr = this.server?.address() as AddressInfo | undefined;
    if (!addr) throw new Error('stand-in not started');
    return `http://127.0.0.1:${addr.port}`;
  }

  addUser(token: string, user: StandinUser): this {
    this.state.users.set(token, user);
    return this;
  }

  async start(): Promise<this> {
    await this.broker.start();
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.opts.port ?? 0, '127.0.0.1', resolve));
    return this;
  }

  bringUp(): void {
    this.down = false;
  }
  goDown(): void {
    this.down = true;
  }

  connector(id: string): StandinConnector {
    const c = this.state.connectors.get(id);
    if (!c) throw new Error(`connector ${id} is not registered`);
    return c;
  }

  worker(connectorId: string): WorkerConsumer {
    const w = this.workers.get(connectorId);
    if (!w) throw new Error(`no worker on connector ${connectorId}`);
    return w;
  }

  worksOf(connectorId: string): StandinWork[] {
    return [...this.state.works.values()].filter((w) => w.connectorId === connectorId);
  }

  /** What an operator's "reset state" does: empty state, and the next ping is not written and answered ''. */
  resetState(connectorId: string): void {
    const c = this.connector(connectorId);
    c.state = '';
    c.resetFlag = true;
  }

  queueNames(connectorId: string) {
    return queueNames(this.queuePrefix, connectorId);
  }

  async messagesWaiting(connectorId: string): Promise<number> {
    return this.broker.messageCount(this.queueNames(connectorId).push);
  }

  async stop(): Promise<void> {
    for (const w of this.workers.values()) await w.stop();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }
    await this.broker.stop();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (this.down) return reply(res, 503, '<html><body>503 Service Unavailable: OpenCTI is starting</body></html>', 'text/html');
    if (req.method !== 'POST' || req.url !== '/graphql') return reply(res, 404, 'Cannot POST ' + String(req.url), 'text/plain');
    let payload: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof payload;
    } catch {
      return replyJson(res, 400, { errors: [{ message: 'body is not JSON' }] });
    }
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const user = token ? this.state.users.get(token) : undefined;
    const record: RecordedRequest = { operationName: payload.operationName ?? null, variables: payload.variables ?? {}, userId: user?.id ?? null, invalid: [], authorization: auth, headers: req.headers };
    this.requests.push(record);
    const schema = this.opts.opencti60 ? OPENCTI_60_SCHEMA : CURRENT_SCHEMA;
    let document: DocumentNode;
    try {
      document = parse(payload.query ?? '');
    } catch (err) {
      record.invalid.push((err as GraphQLError).message);
      return replyJson(res, 400, { errors: [{ message: (err as GraphQLError).message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) {
      record.invalid.push(...invalid.map((e) => e.message));
      return replyJson(res, 400, { errors: invalid.map((e) => ({ message: e.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) });
    }
    // Like the platform's @auth: every operation a connector sends needs a valid token.
    if (!user) return replyJson(res, 200, { data: null, errors: [{ message: 'You must be logged in to do this.', extensions: { code: 'AUTH_REQUIRED' } }] });
    const rootValue = createResolvers(this.state, user, {
      registerQueues: async (c) => {
        await this.broker.registerQueues(this.queuePrefix, c, this.opts.queueType);
        if ((this.opts.consume ?? true) && !this.workers.has(c.id)) await this.startWorker(c.id);
        return this.queueNames(c.id);
      },
      names: (connectorId) => this.queueNames(connectorId),
      backlog: async (connectorId) => this.workers.get(connectorId)?.backlog() ?? { bytes: 0, messages: 0 },
    });
    const result = await execute({ schema, document, rootValue, variableValues: payload.variables ?? {}, operationName: payload.operationName });
    replyJson(res, 200, result);
  }

  private async startWorker(connectorId: string): Promise<void> {
    const worker = new WorkerConsumer({
      expectedApplicant: (id) => this.state.connectors.get(id)?.userId,
      workExists: (workId) => this.state.works.has(workId),
      processed: (workId) => {
        const w = this.state.works.get(workId);
        if (!w) return;
        if (w.processed === 0) w.expectationsAtFirstMessage = w.expectations;
        w.processed += 1;
      },
    });
    this.workers.set(connectorId, worker);
    await worker.start(this.broker.connection, this.queueNames(connectorId).push, connectorId);
  }
}

function reply(res: http.ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
}
function replyJson(res: http.ServerResponse, status: number, body: unknown): void {
  reply(res, status, JSON.stringify(body), 'application/json');
}
