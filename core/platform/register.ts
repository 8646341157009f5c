import type { CommonSettings } from '../config/common';
import { ConfigError } from '../errors';
import { explain } from './about';
import { REGISTER_CONNECTOR } from './documents';
import type { GraphqlClient } from './graphql';

/**
 * `registerConnector`: the platform creates (or updates) the connector, its exchanges and its queues, and answers
 * with the saved state, the token's user (the applicant of every message) and where to publish.
 */

export interface BrokerConnection {
  host: string;
  vhost: string;
  use_ssl: boolean;
  port: number;
  user: string;
  pass: string;
}

export interface QueueConfig {
  connection: BrokerConnection;
  push: string;
  push_routing: string;
  push_exchange: string;
  listen: string;
  listen_routing: string;
  listen_exchange: string;
}

export interface Registration {
  id: string;
  /** opaque JSON text; '' or null when there is none (first start, or an operator reset) */
  connectorState: string | null;
  /** the token's user; null on platforms that do not return it (then `me` tells) */
  connectorUserId: string | null;
  config: QueueConfig;
}

export interface ConnectorToRegister {
  id: string;
  name: string;
  type: 'EXTERNAL_IMPORT' | 'STREAM';
  scope: string[];
}

interface RegisterAnswer {
  registerConnector: {
    id: string;
    connector_state: string | null;
    connector_user_id: string | null;
    config: QueueConfig | null;
  } | null;
}

export async function registerConnector(client: GraphqlClient, connector: ConnectorToRegister, signal?: AbortSignal): Promise<Registration> {
  // The platform's schema requires a non-blank name of 2 characters or more; say it in configuration terms.
  if (connector.name.trim().length < 2) {
    throw new ConfigError(`CONNECTOR_NAME (connector.name): "${connector.name}" is too short; the platform needs at least 2 non-blank characters`);
  }
  const input = {
    id: connector.id,
    name: connector.name,
    type: connector.type,
    scope: connector.scope,
    auto: false,
    only_contextual: false,
    playbook_compatible: false,
  };
  let answer: RegisterAnswer;
  try {
    answer = await client.request<RegisterAnswer>(REGISTER_CONNECTOR, { input }, signal);
  } catch (err) {
    throw explain(err);
  }
  const reg = answer.registerConnector;
  if (!reg || !reg.config) {
    throw new ConfigError(`the platform returned no queue configuration for connector ${connector.id}; check CONNECTOR_ID`);
  }
  return { id: reg.id, connectorState: reg.connector_state, connectorUserId: reg.connector_user_id, config: reg.config };
}

/** Where the broker is: what registration said, with MQ_HOST, MQ_PORT, MQ_VHOST, MQ_USE_SSL, MQ_USER, MQ_PASS winning. */
export interface BrokerTarget {
  protocol: 'amqp' | 'amqps';
  hostname: string;
  port: number;
  vhost: string;
  username: string;
  password: string;
}

export function brokerTarget(fromPlatform: BrokerConnection, mq: CommonSettings['mq']): BrokerTarget {
  const useSsl = mq.use_ssl ?? fromPlatform.use_ssl;
  return {
    protocol: useSsl ? 'amqps' : 'amqp',
    hostname: mq.host ?? fromPlatform.host,
    port: mq.port ?? fromPlatform.port,
    vhost: mq.vhost ?? fromPlatform.vhost,
    username: mq.user ?? fromPlatform.user,
    password: mq.pass ?? fromPlatform.pass,
  };
}
