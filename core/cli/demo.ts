import { createServer, type Server } from 'node:http';
import { promises as fs } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { runConnectorProcess } from '../runtime/process';
import { loadConnector } from './registry';
import { packageRoot } from './version';

/** The demo source: the example connector's bundled sample list, served on loopback only. */
const SAMPLE = ['connectors', 'example', 'sample', 'iocs.csv'];

function serveFile(path: string): Promise<{ server: Server; url: string }> {
  return new Promise((resolveServer, reject) => {
    const server = createServer((req, res) => {
      if (req.url !== '/iocs.csv') {
        res.writeHead(404).end();
        return;
      }
      fs.readFile(path).then(
        (body) => res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-length': body.length }).end(body),
        () => res.writeHead(500).end(),
      );
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveServer({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/iocs.csv` }));
  });
}

async function countFiles(dir: string): Promise<number> {
  return (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json') && !n.startsWith('.')).length;
}

/**
 * `demo`: runs the example connector once, offline, on the embedded default: a sample served on 127.0.0.1,
 * bundles in ./out/example, state in ./state/example.json. Ignores any OPENCTI_URL in the environment.
 */
export async function demoCommand(cwd = process.cwd()): Promise<number> {
  const def = loadConnector('example');
  const { server, url } = await serveFile(join(packageRoot(), ...SAMPLE));
  const outDir = resolve(cwd, 'out', 'example');
  const statePath = resolve(cwd, 'state', 'example.json');
  const before = await countFiles(outDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EXAMPLE_URL: url,
    CONNECTOR_RUN_AND_TERMINATE: 'true',
    CONNECTOR_SEND_TO_DIRECTORY_PATH: outDir,
    CONNECTOR_STATE_PATH: statePath,
  };
  env.OPENCTI_URL = ''; // empty overrides a config.yml too: the demo never talks to a platform
  delete env.CONNECTOR_CONFIG_FILE;
  try {
    const code = await runConnectorProcess(def, { env, cwd, configPath: undefined });
    const written = (await countFiles(outDir)) - before;
    const rel = (p: string) => `./${relative(cwd, p)}`;
    if (code === 0) {
      process.stdout.write(
        written > 0
          ? `demo: ${written} bundle file(s) written to ${rel(outDir)} (state in ${rel(statePath)})\n`
          : `demo: nothing new since the last run (state in ${rel(statePath)}; delete it to import again); bundles are in ${rel(outDir)}\n`,
      );
    }
    return code;
  } finally {
    server.close();
  }
}
