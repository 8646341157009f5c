import { ConfigError, field, type HttpClientOptions, type InferConfig } from '../../core';

/**
 * The `taxii` section. Names follow the interfaces contract (`TAXII_SERVER_URL` ...); the last three options go beyond
 * the platform's own TAXII feeds and are off by default.
 */
export const taxiiConfig = {
  server_url: field.url('the TAXII API root URL (not the discovery URL), e.g. https://taxii.example.com/api1/').required(),
  collection: field.string('the collection id to poll').required(),
  version: field.enum('TAXII version spoken by the server', ['2.1', '2.0'] as const).default('2.1'),
  auth_type: field.enum('authentication', ['none', 'basic', 'bearer', 'certificate'] as const).default('none'),
  username: field.string('user name (auth_type basic)'),
  password: field.string('password (auth_type basic)').secret(),
  token: field.string('token sent as `Authorization: Bearer <token>` (auth_type bearer)').secret(),
  cert_path: field.string('PEM client certificate file (auth_type certificate)'),
  key_path: field.string('PEM private key file of the client certificate (auth_type certificate)'),
  ca_path: field.string('PEM file of a private CA that signed the server certificate (any auth_type)'),
  import_from_date: field.date('first `added_after` on a first run; empty = the whole collection'),
  page_size: field.integer('objects asked per request (`limit` in 2.1, the `Range` length in 2.0); empty = the server\'s choice', { min: 1, max: 100_000 }),
  ssl_verify: field.boolean('verify the server\'s TLS certificate').default(true),
  default_author: field.string('organization name set as `created_by_ref` on objects that have no author (its identity is sent along)'),
  default_markings: field.tlpList('TLP markings set on objects that have no `object_marking_refs`, e.g. `TLP:GREEN` (sent along)'),
  confidence_to_score: field.boolean('copy `confidence` into `x_opencti_score` on indicators and observables that have no score').default(false),
};

export type TaxiiConfig = InferConfig<typeof taxiiConfig>;
export type TaxiiVersion = TaxiiConfig['version'];

function missing(key: string, when: string): string {
  return `TAXII_${key.toUpperCase()} (taxii.${key}): required when ${when}`;
}

/**
 * What the auth type needs, checked before anything is fetched: a missing password or certificate is a configuration
 * error (exit 2), not a 401 from the server later.
 */
export function authProblems(config: TaxiiConfig): string[] {
  const problems: string[] = [];
  const when = `TAXII_AUTH_TYPE is ${config.auth_type}`;
  if (config.auth_type === 'basic') {
    if (config.username === undefined) problems.push(missing('username', when));
    if (config.password === undefined) problems.push(missing('password', when));
  } else if (config.auth_type === 'bearer') {
    if (config.token === undefined) problems.push(missing('token', when));
  } else if (config.auth_type === 'certificate') {
    if (config.cert_path === undefined) problems.push(missing('cert_path', when));
    if (config.key_path === undefined) problems.push(missing('key_path', when));
  }
  return problems;
}

/** HTTP client options of the source: TLS switches and files, and the Authorization header of the auth type. */
export function taxiiHttpOptions(config: TaxiiConfig): HttpClientOptions {
  const problems = authProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  const options: HttpClientOptions = { sslVerify: config.ssl_verify, caPath: config.ca_path };
  if (config.auth_type === 'basic') {
    const pair = Buffer.from(`${config.username}:${config.password}`, 'utf8').toString('base64');
    options.headers = { authorization: `Basic ${pair}` };
  } else if (config.auth_type === 'bearer') {
    options.headers = { authorization: `Bearer ${config.token}` };
  } else if (config.auth_type === 'certificate') {
    options.certPath = config.cert_path;
    options.keyPath = config.key_path;
  }
  return options;
}
