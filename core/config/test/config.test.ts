import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConnector } from '../../contract/connector';
import { field } from '../fields';
import { resolveConfig } from '../resolve';
import { ConfigError } from '../../errors';
import { parseIsoDuration } from '../duration';

const def = defineConnector({
  name: 'demo-feed',
  type: 'EXTERNAL_IMPORT',
  description: 'test connector',
  imports: ['indicator'],
  config: {
    url: field.url('feed URL').required(),
    api_key: field.string('key').secret(),
    tlp: field.tlp().default('TLP:CLEAR'),
    markings: field.tlpList(),
    import_from_date: field.date('oldest'),
    page_size: field.integer('page', { min: 1, max: 1000 }).default(100),
    verbose: field.boolean('more').default(false),
    mode: field.enum('mode', ['fast', 'slow'] as const).default('fast'),
    feeds: field.urlList('feeds'),
  },
  async *collect() {},
});

function yamlFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'octi-cfg-'));
  const p = join(dir, 'config.yml');
  writeFileSync(p, text);
  return p;
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const base = { DEMO_FEED_URL: 'https://feed.example/x', CONNECTOR_RUN_AND_TERMINATE: 'true' };

describe('configuration precedence', () => {
  it('reads YAML sections and lets the environment win', () => {
    const file = yamlFile('demo_feed:\n  url: https://yaml.example/a\n  page_size: 50\nconnector:\n  log_level: debug\n  run_and_terminate: true\n');
    const r = resolveConfig(def, { configPath: file, env: { DEMO_FEED_PAGE_SIZE: '75' } });
    expect(r.config.url).toBe('https://yaml.example/a');
    expect(r.config.page_size).toBe(75);
    expect(r.settings.connector.log_level).toBe('debug');
  });

  it('uses CONNECTOR_CONFIG_FILE when no --config is given, and ./config.yml as the last resort', () => {
    const file = yamlFile('demo_feed:\n  url: https://from-env-file.example/\nconnector:\n  run_and_terminate: true\n');
    expect(resolveConfig(def, { env: { CONNECTOR_CONFIG_FILE: file } }).config.url).toBe('https://from-env-file.example/');
    const cwdFile = yamlFile('demo_feed:\n  url: https://cwd.example/\nconnector:\n  run_and_terminate: true\n');
    expect(resolveConfig(def, { env: {}, cwd: join(cwdFile, '..') }).config.url).toBe('https://cwd.example/');
  });

  it('treats an empty environment variable as unset, overriding YAML', () => {
    const file = yamlFile('demo_feed:\n  url: https://yaml.example/a\n  import_from_date: 2024-01-01\n');
    const r = resolveConfig(def, { configPath: file, env: { ...base, DEMO_FEED_IMPORT_FROM_DATE: '' } });
    expect(r.config.import_from_date).toBeUndefined();
  });

  it('applies defaults and normalises values', () => {
    const r = resolveConfig(def, {
      env: { ...base, DEMO_FEED_MARKINGS: 'tlp:white, TLP:AMBER+STRICT', DEMO_FEED_VERBOSE: 'YES', DEMO_FEED_MODE: 'SLOW', DEMO_FEED_IMPORT_FROM_DATE: '2024-03-01', DEMO_FEED_FEEDS: 'https://a.example/1, https://b.example/2' },
    });
    expect(r.config).toMatchObject({ tlp: 'TLP:CLEAR', markings: ['TLP:CLEAR', 'TLP:AMBER+STRICT'], verbose: true, mode: 'slow', import_from_date: '2024-03-01T00:00:00.000Z', page_size: 100 });
    expect(r.config.feeds).toEqual(['https://a.example/1', 'https://b.example/2']);
    expect(r.settings.connector.send_to_directory_retention).toBe(7);
    expect(r.settings.connector.queue_threshold).toBe(500);
    expect(r.directoryMode).toBe(true);
    expect(Object.isFrozen(r.config)).toBe(true);
  });

  it.each(['true', 'TRUE', 'True', 'yes', '1', 'on'])('reads boolean %s as true', (v) => {
    expect(resolveConfig(def, { env: { ...base, DEMO_FEED_VERBOSE: v } }).config.verbose).toBe(true);
  });
  it.each(['false', 'FALSE', 'No', '0', 'off'])('reads boolean %s as false', (v) => {
    expect(resolveConfig(def, { env: { ...base, DEMO_FEED_VERBOSE: v } }).config.verbose).toBe(false);
  });

  it('defaults the connector id to a stable UUIDv5 of the name in directory mode', () => {
    const a = resolveConfig(def, { env: base }).connectorId;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(resolveConfig(def, { env: base }).connectorId).toBe(a);
  });
});

describe('configuration errors name the variable and the YAML key', () => {
  it('reports a missing required key', () => {
    expect(problems(() => resolveConfig(def, { env: { CONNECTOR_RUN_AND_TERMINATE: 'true' } }))).toEqual(['DEMO_FEED_URL (demo_feed.url): required, not set']);
  });
  it('reports every faulty value at once, one line each', () => {
    const p = problems(() =>
      resolveConfig(def, {
        env: { ...base, DEMO_FEED_URL: 'not a url', DEMO_FEED_PAGE_SIZE: '5000', DEMO_FEED_VERBOSE: 'maybe', DEMO_FEED_TLP: 'TLP:PURPLE', DEMO_FEED_IMPORT_FROM_DATE: 'yesterday', DEMO_FEED_MODE: 'medium', CONNECTOR_LOG_LEVEL: 'verbose' },
      }),
    );
    expect(p).toEqual([
      'CONNECTOR_LOG_LEVEL (connector.log_level): "verbose" is not one of debug, info, warn, error',
      'DEMO_FEED_URL (demo_feed.url): "not a url" is not a URL',
      'DEMO_FEED_TLP (demo_feed.tlp): "TLP:PURPLE" is not a TLP marking (TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED)',
      'DEMO_FEED_IMPORT_FROM_DATE (demo_feed.import_from_date): "yesterday" is not an ISO-8601 date (e.g. 2024-01-31 or 2024-01-31T00:00:00Z)',
      'DEMO_FEED_PAGE_SIZE (demo_feed.page_size): 5000 is above the maximum 1000',
      'DEMO_FEED_VERBOSE (demo_feed.verbose): "maybe" is not a boolean (use true/false, yes/no, 1/0)',
      'DEMO_FEED_MODE (demo_feed.mode): "medium" is not one of fast, slow',
    ]);
  });
  it('refuses an empty or sample OpenCTI token when OPENCTI_URL is set', () => {
    const env = { ...base, OPENCTI_URL: 'http://opencti:8080', CONNECTOR_ID: '2d7b7d5e-3a4b-4c5d-8e9f-0a1b2c3d4e5f' };
    expect(problems(() => resolveConfig(def, { env: { ...env, OPENCTI_TOKEN: '' } }))).toEqual(['OPENCTI_TOKEN (opencti.token): required when OPENCTI_URL is set (empty or unset)']);
    expect(problems(() => resolveConfig(def, { env: { ...env, OPENCTI_TOKEN: 'ChangeMe' } }))).toEqual([
      "OPENCTI_TOKEN (opencti.token): still the sample value ChangeMe; set the token of the connector's own OpenCTI user",
    ]);
  });
  it('needs a UUID connector id with a platform', () => {
    const env = { ...base, OPENCTI_URL: 'http://opencti:8080', OPENCTI_TOKEN: 'a-real-token-value' };
    expect(problems(() => resolveConfig(def, { env }))).toEqual(['CONNECTOR_ID (connector.id): required when OPENCTI_URL is set (a UUIDv4, unique per connector)']);
    expect(problems(() => resolveConfig(def, { env: { ...env, CONNECTOR_ID: 'abc' } }))).toEqual(['CONNECTOR_ID (connector.id): "abc" is not a UUID']);
  });
  it('refuses a bare number as period with a hint, and asks for a period or run-once', () => {
    expect(problems(() => resolveConfig(def, { env: { DEMO_FEED_URL: 'https://x.example', CONNECTOR_DURATION_PERIOD: '3600' } }))).toEqual([
      'CONNECTOR_DURATION_PERIOD (connector.duration_period): a bare number is not a duration (use PT3600S)',
    ]);
    expect(problems(() => resolveConfig(def, { env: { DEMO_FEED_URL: 'https://x.example' } }))).toEqual([
      'CONNECTOR_DURATION_PERIOD (connector.duration_period): required (an ISO-8601 duration such as PT1H), or set CONNECTOR_RUN_AND_TERMINATE=true',
    ]);
  });
  it('refuses a connector type that is not the connector\'s own', () => {
    expect(problems(() => resolveConfig(def, { env: { ...base, CONNECTOR_TYPE: 'STREAM' } }))).toEqual(['CONNECTOR_TYPE (connector.type): demo-feed is a EXTERNAL_IMPORT connector, not STREAM']);
  });
  it('never echoes a secret value in a validation error', () => {
    const secretDef = defineConnector({
      name: 'demo-feed',
      type: 'EXTERNAL_IMPORT',
      description: 'test connector',
      imports: [],
      config: { count: field.integer('n').secret() },
      async *collect() {},
    });
    const p = problems(() => resolveConfig(secretDef, { env: { ...base, DEMO_FEED_COUNT: 'hunter2-secret' } }));
    expect(p).toEqual(['DEMO_FEED_COUNT (demo_feed.count): invalid value']);
    expect(p.join()).not.toContain('hunter2');
  });
  it('names the file and line of invalid YAML', () => {
    const file = yamlFile('demo_feed:\n  url: [unclosed\n');
    expect(problems(() => resolveConfig(def, { configPath: file, env: {} }))[0]).toMatch(new RegExp(`^config file ${file.replace(/[.]/g, '\\.')} line \\d+: invalid YAML`));
  });
  it('names a config file that cannot be read', () => {
    expect(problems(() => resolveConfig(def, { configPath: '/nonexistent/config.yml', env: {} }))).toEqual(['config file /nonexistent/config.yml: cannot be read (ENOENT)']);
  });
  it('warns about unknown keys in a known section and about deprecated names', () => {
    const aliasDef = defineConnector({ ...def, config: { ...def.config, url: field.url('u').required().alias('DEMO_FEED_ADDRESS') } });
    const file = yamlFile('demo_feed:\n  ulr: typo\n');
    const r = resolveConfig(aliasDef, { configPath: file, env: { DEMO_FEED_ADDRESS: 'https://old.example', CONNECTOR_RUN_AND_TERMINATE: 'true' } });
    expect(r.config.url).toBe('https://old.example');
    expect(r.warnings).toEqual(['DEMO_FEED_ADDRESS is deprecated: use DEMO_FEED_URL', `demo_feed.ulr in ${file} is not a known setting: ignored`]);
  });
});

describe('ISO-8601 durations', () => {
  it.each([
    ['PT1H', 3_600_000],
    ['P1D', 86_400_000],
    ['P1DT12H', 129_600_000],
    ['PT30M', 1_800_000],
    ['PT0.5S', 500],
    ['P1W', 604_800_000],
    ['0', 0],
  ])('%s = %d ms', (text, ms) => expect(parseIsoDuration(text)).toBe(ms));
  it.each(['P', 'PT', '1h', 'P1M', 'P1Y', 'PTH'])('refuses %s', (text) => expect(() => parseIsoDuration(text)).toThrow());
});
