import { runConnectorProcess } from '../runtime/process';
import { loadConnector } from './registry';

/** Hard limit for a graceful stop: past it the process exits without waiting (the state is never ahead of delivery). */
const SHUTDOWN_LIMIT_MS = 9500;

/**
 * `run <connector>`: SIGTERM/SIGINT stop collecting, let in-flight deliveries finish and commit, then exit 0.
 * A second signal, or the limit, ends the process at once.
 */
export async function runCommand(name: string, configPath: string | undefined): Promise<number> {
  const def = loadConnector(name);
  const controller = new AbortController();
  let stopping = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`${sig} again: exiting now\n`);
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`${sig} received: finishing in-flight deliveries, then exiting\n`);
    controller.abort();
    setTimeout(() => {
      process.stderr.write(`shutdown took longer than ${SHUTDOWN_LIMIT_MS} ms: exiting; unconfirmed batches were not committed\n`);
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    return await runConnectorProcess(def, { configPath, signal: controller.signal });
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
