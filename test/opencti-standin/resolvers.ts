import { GraphQLError } from 'graphql';
import type { QueueNames } from './rabbit';

/** The stand-in's memory and what each operation does to it, following opencti-graphql src/domain/connector.ts. */

export interface StandinUser {
  id: string;
  name: string;
}

export interface StandinConnector {
  id: string;
  name: string;
  type: string;
  scope: string[];
  /** the user whose token registered it: connector_user_id */
  userId: string;
  state: string | null;
  /** set by an operator's reset; the next ping is not written and clears it */
  resetFlag: boolean;
  registrations: number;
  pings: Array<{ state: string | null; connectorInfo: Record<string, unknown> | null; at: number }>;
}

export interface StandinWork {
  id: string;
  connectorId: string;
  name: string | null;
  userId: string;
  expectations: number;
  /** messages the worker-like consumer took for this work */
  processed: number;
  /** the expectations when the first message arrived: they must come first */
  expectationsAtFirstMessage: number | null;
  receivedMessage: string | null;
  processedMessage: string | null;
  inError: boolean | null;
  pings: number;
}

export interface StandinState {
  users: Map<string, StandinUser>;
  connectors: Map<string, StandinConnector>;
  works: Map<string, StandinWork>;
  version: string;
}

export interface StandinIo {
  registerQueues(c: { id: string; name: string; type: string; scope: string[] }): Promise<QueueNames>;
  names(connectorId: string): QueueNames;
  backlog(connectorId: string): Promise<{ bytes: number; messages: number }>;
}

interface RegisterInput {
  id: string;
  name: string;
  type: string;
  scope?: string[] | null;
}

let workCounter = 0;

export function createResolvers(state: StandinState, user: StandinUser, io: StandinIo): Record<string, unknown> {
  const view = (c: StandinConnector, names: QueueNames) => ({
    id: c.id,
    name: c.name,
    connector_state: c.state,
    connector_user_id: c.userId,
    config: {
      connection: { host: '127.0.0.1', vhost: '/', use_ssl: false, port: 5672, user: 'guest', pass: 'guest' },
      push: names.push,
      push_routing: names.pushRouting,
      push_exchange: names.workerExchange,
      listen: names.listen,
      listen_routing: names.listenRouting,
      listen_exchange: names.connectorExchange,
    },
    connector_queue_details: async () => {
      const b = await io.backlog(c.id);
      return { messages_number: b.messages, messages_size: b.bytes };
    },
  });
  const find = (id: string) => {
    const c = state.connectors.get(id);
    if (!c) throw new GraphQLError('No connector found with the specified ID', { extensions: { code: 'FUNCTIONAL_ERROR' } });
    return c;
  };
  const work = (id: string) => {
    const w = state.works.get(id);
    if (!w) throw new GraphQLError('Work not found', { extensions: { code: 'FUNCTIONAL_ERROR' } });
    return w;
  };

  return {
    about: () => ({ version: state.version }),
    me: () => user,
    connector: async ({ id }: { id: string }) => {
      const c = state.connectors.get(id);
      return c ? view(c, io.names(c.id)) : null;
    },
    registerConnector: async ({ input }: { input: RegisterInput }) => {
      if (input.name.trim().length < 2) throw new GraphQLError('name: minimum length 2, not blank', { extensions: { code: 'BAD_USER_INPUT' } });
      const existing = state.connectors.get(input.id);
      const c: StandinConnector = existing ?? { id: input.id, name: input.name, type: input.type, scope: [], userId: user.id, state: null, resetFlag: false, registrations: 0, pings: [] };
      Object.assign(c, { name: input.name, type: input.type, scope: input.scope ?? [], userId: user.id });
      c.registrations += 1;
      state.connectors.set(c.id, c);
      return view(c, await io.registerQueues(c));
    },
    pingConnector: ({ id, state: sent, connectorInfo }: { id: string; state?: string | null; connectorInfo?: Record<string, unknown> | null }) => {
      const c = find(id);
      for (const key of ['next_run_datetime', 'last_run_datetime']) {
        const v = connectorInfo?.[key];
        if (v !== null && v !== undefined && (typeof v !== 'string' || Number.isNaN(Date.parse(v)))) {
          throw new GraphQLError(`connectorInfo.${key}: not a DateTime`, { extensions: { code: 'BAD_USER_INPUT' } });
        }
      }
      c.pings.push({ state: sent ?? null, connectorInfo: connectorInfo ?? null, at: Date.now() });
      if (c.resetFlag) c.resetFlag = false;
      else c.state = sent ?? null;
      return view(c, io.names(c.id));
    },
    workAdd: ({ connectorId, friendlyName }: { connectorId: string; friendlyName?: string | null }) => {
      find(connectorId);
      workCounter += 1;
      const id = `work_${connectorId}_${new Date().toISOString()}_${workCounter}`;
      state.works.set(id, { id, connectorId, name: friendlyName ?? null, userId: user.id, expectations: 0, processed: 0, expectationsAtFirstMessage: null, receivedMessage: null, processedMessage: null, inError: null, pings: 0 });
      return { id, name: friendlyName ?? null };
    },
    workEdit: ({ id }: { id: string }) => ({
      delete: () => {
        state.works.delete(id);
        return id;
      },
      ping: () => {
        work(id).pings += 1;
        return id;
      },
      reportExpectation: () => id,
      addExpectations: ({ expectations }: { expectations?: number | null }) => {
        work(id).expectations += expectations ?? 0;
        return id;
      },
      toReceived: ({ message }: { message?: string | null }) => {
        work(id).receivedMessage = message ?? null;
        return id;
      },
      toProcessed: ({ message, inError }: { message?: string | null; inError?: boolean | null }) => {
        const w = work(id);
        w.processedMessage = message ?? null;
        w.inError = inError ?? false;
        return id;
      },
    }),
    deleteConnector: ({ id }: { id: string }) => {
      state.connectors.delete(id);
      return id;
    },
  };
}
