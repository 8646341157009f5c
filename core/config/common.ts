import { field, type InferConfig } from './fields';

/**
 * The sections every connector shares, with the ecosystem's names (protocol facts, section 6):
 * YAML `opencti.url` <-> env `OPENCTI_URL`, `connector.duration_period` <-> `CONNECTOR_DURATION_PERIOD`, `mq.host` <-> `MQ_HOST`.
 */
export const openctiSpec = {
  url: field.url('OpenCTI base URL; unset = embedded default (directory sink, local state file)').example('http://opencti:8080'),
  token: field
    .string('token of the OpenCTI user responsible for data creation (one dedicated user per connector)')
    .secret()
    .example('a UUID from the user\'s profile'),
  ssl_verify: field.boolean('verify the platform\'s TLS certificate').default(true),
  custom_headers: field.headers('extra HTTP headers sent to the platform: `Name:value;Name2:value2`').secret(),
};

export const connectorSpec = {
  id: field.string('connector UUID (default in directory mode: UUIDv5 of the connector name)').example('a UUIDv4'),
  name: field.string('display name (default: the connector\'s name)'),
  type: field.enum('connector type (fixed by the connector)', ['EXTERNAL_IMPORT', 'STREAM'] as const),
  scope: field.list('scope registered with the platform (comma list)'),
  log_level: field.enum('log level', ['debug', 'info', 'warn', 'error'] as const).default('info'),
  duration_period: field.duration('ISO-8601 delay between the end of a run and the start of the next (`0` = run once)'),
  run_and_terminate: field.boolean('run once and exit').default(false),
  queue_threshold: field.number('skip a scheduled run while the platform holds more than this many MB for the connector').default(500),
  send_to_queue: field.boolean('send bundles to the platform\'s RabbitMQ (when OPENCTI_URL is set)').default(true),
  send_to_directory: field.boolean('also write bundles to the directory sink').default(false),
  send_to_directory_path: field.string('directory sink folder (default ./out/<connector>)'),
  send_to_directory_retention: field.integer('days bundle files are kept (0 = forever)', { min: 0 }).default(7),
  state_path: field.string('local state file in directory mode (default ./state/<connector>.json)'),
  expose_metrics: field.boolean('serve Prometheus metrics and /healthz').default(false),
  metrics_port: field.integer('metrics port', { min: 1, max: 65535 }).default(9095),
  update_existing_data: field.boolean('the `update` flag of bundle messages (default: the connector\'s own)'),
};

export const mqSpec = {
  host: field.string('RabbitMQ host (overrides the one the platform gives at registration)'),
  port: field.integer('RabbitMQ port', { min: 1, max: 65535 }),
  vhost: field.string('RabbitMQ vhost'),
  use_ssl: field.boolean('amqps'),
  user: field.string('RabbitMQ user'),
  pass: field.string('RabbitMQ password').secret(),
};

export const COMMON_SECTIONS = { opencti: openctiSpec, connector: connectorSpec, mq: mqSpec } as const;

export interface CommonSettings {
  readonly opencti: InferConfig<typeof openctiSpec>;
  readonly connector: InferConfig<typeof connectorSpec>;
  readonly mq: InferConfig<typeof mqSpec>;
}
