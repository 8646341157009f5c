import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSourceServer, type SourceServer } from '../../core/testing/source-server';

/**
 * The CLI as an operator runs it: the compiled `bin/octi-connector.js` in a child process (`npm test` compiles
 * first). Exit codes, stdout and stderr are what is asserted.
 */
const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'octi-connector.js');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], opts: { env?: Record<string, string>; cwd?: string; onSpawn?: (child: ReturnType<typeof spawn>) => void } = {}): Promise<Outcome> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? mkdtempSync(join(tmpdir(), 'octi-cli-')),
      env: { PATH: process.env.PATH ?? '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    opts.onSpawn?.(child);
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'core', 'cli', 'main.js'))) throw new Error('dist/ missing: run `npm test` (it compiles first) or `npm run build`');
});

describe('octi-connector CLI', () => {
  it('lists the connectors with their type and what they import', async () => {
    const r = await cli(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^example\s+EXTERNAL_IMPORT\s+IOCs from a CSV list \(the demo source\) \[indicator, /m);
  });

  it('prints the manifest with the configuration schema keyed by environment variable', async () => {
    const r = await cli(['manifest', 'example']);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m).toMatchObject({ name: 'example', type: 'EXTERNAL_IMPORT', config_section: 'example' });
    expect(m.config_schema.properties.EXAMPLE_URL).toMatchObject({ type: 'string', format: 'uri', 'x-yaml-key': 'example.url' });
    expect(m.config_schema.properties.OPENCTI_TOKEN).toMatchObject({ writeOnly: true });
    expect(m.config_schema.required).toEqual(['EXAMPLE_URL']);
  });

  it('exits 2 with one line per configuration problem, naming the variable and the YAML key', async () => {
    const r = await cli(['run', 'example'], { env: { EXAMPLE_URL: 'ftp://x', CONNECTOR_DURATION_PERIOD: '60' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'configuration error: CONNECTOR_DURATION_PERIOD (connector.duration_period): a bare number is not a duration (use PT60S)',
      'configuration error: EXAMPLE_URL (example.url): "ftp://x" is not an http(s) URL',
    ]);
  });

  it('exits 2 for an unknown connector or command, without a stack trace', async () => {
    const r = await cli(['run', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^octi-connector: unknown connector "nope" \(known: .*example.*\)\n$/);
    expect((await cli(['frobnicate'])).code).toBe(2);
  });

  describe('with a source', () => {
    let server: SourceServer;
    beforeEach(async () => {
      server = await startSourceServer();
    });
    afterEach(() => server.close());

    it('check reaches the source and imports nothing', async () => {
      server.route('GET', '/iocs.csv', { file: join(ROOT, 'connectors', 'example', 'sample', 'iocs.csv') });
      const cwd = mkdtempSync(join(tmpdir(), 'octi-cli-'));
      const r = await cli(['check', 'example'], { cwd, env: { EXAMPLE_URL: server.url('/iocs.csv'), CONNECTOR_RUN_AND_TERMINATE: 'true' } });
      expect(r.stdout).toContain('ok    configuration: valid (environment)');
      expect(r.stdout).toContain('ok    platform: OPENCTI_URL unset');
      expect(r.code).toBe(0);
      expect(existsSync(join(cwd, 'out'))).toBe(false);
    });

    it('runs once from a YAML file, leaves bundles in ./out/<connector> and the state in ./state', async () => {
      server.route('GET', '/iocs.csv', { file: join(ROOT, 'connectors', 'example', 'sample', 'iocs.csv') });
      const cwd = mkdtempSync(join(tmpdir(), 'octi-cli-'));
      writeFileSync(join(cwd, 'config.yml'), `connector:\n  run_and_terminate: true\nexample:\n  url: ${server.url('/iocs.csv')}\n  batch_size: 4\n`);
      const r = await cli(['run', 'example'], { cwd });
      expect(r.code).toBe(0);
      expect(readdirSync(join(cwd, 'out', 'example'))).toHaveLength(3);
      expect(JSON.parse(readFileSync(join(cwd, 'state', 'example.json'), 'utf8'))).toMatchObject({ date: '2024-03-10T16:40:00.000Z' });
      const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
      expect(lines.filter((l) => l.msg === 'batch delivered')).toHaveLength(3);
    });

    it('stops on SIGTERM while waiting on the source: exit 0 within 10 s, no state written', async () => {
      server.route('GET', '/iocs.csv', { body: 'x'.repeat(100), stallAfterBytes: 10 });
      const cwd = mkdtempSync(join(tmpdir(), 'octi-cli-'));
      let signalled = 0;
      const r = await cli(['run', 'example'], {
        cwd,
        env: { EXAMPLE_URL: server.url('/iocs.csv'), CONNECTOR_DURATION_PERIOD: 'PT1H' },
        // the condition: the connector is inside its fetch, blocked on the stalled body
        onSpawn: (child) =>
          void server.waitForRequests(1, '/iocs.csv', 15_000).then(() => {
            signalled = Date.now();
            child.kill('SIGTERM');
          }),
      });
      expect(signalled).toBeGreaterThan(0);
      expect(r.code).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(r.stderr).toContain('SIGTERM received: finishing in-flight deliveries, then exiting');
      expect(existsSync(join(cwd, 'state', 'example.json'))).toBe(false);
    });
  });

  it('demo runs offline on the embedded default and says where the bundles landed', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'octi-demo-'));
    const first = await cli(['demo'], { cwd, env: { OPENCTI_URL: 'http://must-not-be-used.invalid' } });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^demo: \d+ bundle file\(s\) written to \.\/out\/example \(state in \.\/state\/example\.json\)\n$/);
    const again = await cli(['demo'], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('demo: nothing new since the last run');
  });
});
