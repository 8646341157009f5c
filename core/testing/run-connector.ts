import { mkdtempSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { ConnectorDefinition } from '../contract/connector';
import type { ConfigSpec } from '../config/fields';
import { runConnectorProcess } from '../runtime/process';
import type { StixObject } from '../stix/types';

export interface DirectoryFile {
  name: string;
  bundle_type: 'DIRECTORY_BUNDLE' | 'DIRECTORY_EVENT';
  [key: string]: unknown;
}

export interface ConnectorRunResult {
  exitCode: number;
  /** every file in the output folder, in write order (their names sort by time) */
  files: DirectoryFile[];
  /** the objects of every DIRECTORY_BUNDLE file, in order */
  objects: StixObject[];
  /** the committed state, or null (also when the file is not JSON: see stateText) */
  state: Record<string, unknown> | null;
  /** the state file's raw text, or null when there is none */
  stateText: string | null;
  /** parsed JSON log lines */
  logs: Record<string, unknown>[];
  /** the raw log text (to assert that no secret appears) */
  logText: string;
  outDir: string;
  statePath: string;
}

export interface RunConnectorOptions {
  /** environment for the connector (its section and CONNECTOR_*); OPENCTI_URL is not inherited */
  env?: Record<string, string>;
  /** reuse folders across runs to test cursors: pass the previous result's outDir/statePath */
  outDir?: string;
  statePath?: string;
  /** YAML config file */
  configPath?: string;
  /** stop the run from outside (SIGTERM equivalent) */
  signal?: AbortSignal;
  now?: () => Date;
}

/**
 * Runs one connector once, in process, on the embedded default (directory sink, state file in a temp folder), and
 * reads back what it delivered. The same code path as `octi-connector run` with CONNECTOR_RUN_AND_TERMINATE=true.
 */
export async function runConnectorOnce(def: ConnectorDefinition<ConfigSpec>, opts: RunConnectorOptions = {}): Promise<ConnectorRunResult> {
  const base = opts.outDir && opts.statePath ? null : mkdtempSync(join(tmpdir(), `octi-run-${def.name}-`));
  const outDir = opts.outDir ?? join(base!, 'out');
  const statePath = opts.statePath ?? join(base!, 'state.json');
  let logText = '';
  const logDestination = new Writable({
    write(chunk, _enc, cb) {
      logText += chunk.toString();
      cb();
    },
  });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    CONNECTOR_RUN_AND_TERMINATE: 'true',
    CONNECTOR_LOG_LEVEL: 'debug',
    ...opts.env,
    CONNECTOR_SEND_TO_DIRECTORY_PATH: outDir,
    CONNECTOR_STATE_PATH: statePath,
  };
  const exitCode = await runConnectorProcess(def, {
    env,
    configPath: opts.configPath,
    logDestination: logDestination as unknown as import('pino').DestinationStream,
    signal: opts.signal,
    now: opts.now,
    cwd: base ?? undefined,
  });
  const files = await readDirectory(outDir);
  const objects = files.filter((f) => f.bundle_type === 'DIRECTORY_BUNDLE').flatMap((f) => (f.bundle as { objects: StixObject[] }).objects);
  const stateText = await fs.readFile(statePath, 'utf8').catch(() => null);
  return {
    exitCode,
    files,
    objects,
    state: parseStateText(stateText),
    stateText,
    logs: logText
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>),
    logText,
    outDir,
    statePath,
  };
}

/** Reads a directory sink's folder back, oldest file first. */
export async function readDirectory(dir: string): Promise<DirectoryFile[]> {
  const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  return Promise.all(
    names.map(async (name): Promise<DirectoryFile> => {
      const doc = JSON.parse(await fs.readFile(join(dir, name), 'utf8')) as DirectoryFile;
      doc.name = name;
      return doc;
    }),
  );
}

function parseStateText(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}
