import { buildSchema, type GraphQLSchema } from 'graphql';

/**
 * The slice of OpenCTI's GraphQL schema (opencti-graphql/config/schema/opencti.graphql) that connectors use, with
 * the platform's own types and nullability: only the fields and arguments of the protocol facts. Every operation
 * the stand-in receives is validated against it, so a document the real platform would refuse fails here too.
 * The 6.0 variant lacks `ConnectorInfoInput` and pingConnector's `connectorInfo` argument.
 */

function sdl(withConnectorInfo: boolean): string {
  return `
scalar DateTime

enum ConnectorType {
  EXTERNAL_IMPORT
  INTERNAL_IMPORT_FILE
  INTERNAL_ENRICHMENT
  INTERNAL_ANALYSIS
  INTERNAL_EXPORT_FILE
  STREAM
}

type AppInfo {
  version: String!
}

type MeUser {
  id: ID!
  name: String!
}

input RegisterConnectorInput {
  id: ID!
  name: String!
  type: ConnectorType!
  scope: [String!]
  auto: Boolean
  only_contextual: Boolean
  playbook_compatible: Boolean
}

type RabbitMQConnection {
  host: String!
  vhost: String!
  use_ssl: Boolean!
  port: Int!
  user: String!
  pass: String!
}

type ConnectorConfig {
  connection: RabbitMQConnection!
  listen: String!
  listen_routing: String!
  listen_exchange: String!
  push: String!
  push_routing: String!
  push_exchange: String!
}

type ConnectorQueueDetails {
  messages_number: Float!
  messages_size: Float!
}

${
  withConnectorInfo
    ? `input ConnectorInfoInput {
  run_and_terminate: Boolean!
  buffering: Boolean!
  queue_threshold: Float!
  queue_messages_size: Float!
  next_run_datetime: DateTime
  last_run_datetime: DateTime
}`
    : ''
}

type Connector {
  id: ID!
  name: String!
  connector_state: String
  connector_user_id: ID
  config: ConnectorConfig
  connector_queue_details: ConnectorQueueDetails!
}

type Work {
  id: ID!
  name: String
}

input WorkErrorInput {
  error: String
  source: String
}

type WorkEditMutations {
  delete: ID!
  ping: ID!
  reportExpectation(error: WorkErrorInput): ID!
  addExpectations(expectations: Int): ID!
  toReceived(message: String): ID!
  toProcessed(message: String, inError: Boolean): ID!
}

type Query {
  about: AppInfo
  me: MeUser!
  connector(id: String!): Connector
}

type Mutation {
  registerConnector(input: RegisterConnectorInput): Connector
  pingConnector(id: ID!, state: String${withConnectorInfo ? ', connectorInfo: ConnectorInfoInput' : ''}): Connector
  workAdd(connectorId: String!, friendlyName: String): Work!
  workEdit(id: ID!): WorkEditMutations
  deleteConnector(id: ID!): ID!
}
`;
}

export const CURRENT_SCHEMA: GraphQLSchema = buildSchema(sdl(true));
export const OPENCTI_60_SCHEMA: GraphQLSchema = buildSchema(sdl(false));
