import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConnector } from '../../core/contract/connector';
import { runConnectorProcess } from '../../core/runtime/process';
import { readDirectory } from '../../core/testing/run-connector';
import { ALICE, startStandin } from './helpers/fixture';
import { waitFor } from './helpers/wait';

/**
 * With OPENCTI_URL set: CONNECTOR_SEND_TO_QUEUE=false keeps the registration and the state on the platform but
 * writes the bundles to the directory; CONNECTOR_SEND_TO_DIRECTORY=true writes them there as well as to the queue.
 */
const identity = { type: 'identity', spec_version: '2.1', id: 'identity--542072da-8b33-50bf-810b-d9cfd2a0bc69', name: 'ACME Corp', identity_class: 'organization', created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z' };
const def = defineConnector({
  name: 'sink-probe',
  type: 'EXTERNAL_IMPORT',
  description: 'one identity',
  imports: ['identity'],
  config: {},
  async *collect() {
    yield { objects: [identity], checkpoint: { done: 1 } };
  },
});

async function runWith(extra: Record<string, string>) {
  const standin = await startStandin();
  const connectorId = randomUUID();
  const out = mkdtempSync(join(tmpdir(), 'octi-sinks-'));
  const code = await runConnectorProcess(def, {
    env: { OPENCTI_URL: standin.url, OPENCTI_TOKEN: ALICE.token, CONNECTOR_ID: connectorId, CONNECTOR_RUN_AND_TERMINATE: 'true', CONNECTOR_SEND_TO_DIRECTORY_PATH: out, CONNECTOR_LOG_LEVEL: 'error', ...extra },
    logDestination: { write: () => undefined } as never,
  });
  return { standin, connectorId, out, code };
}

describe('sink choice with a platform', () => {
  it('CONNECTOR_SEND_TO_QUEUE=false: registers, keeps the state on the platform, writes bundles to the directory only', async () => {
    const { standin, connectorId, out, code } = await runWith({ CONNECTOR_SEND_TO_QUEUE: 'false' });
    try {
      expect(code).toBe(0);
      const files = await readDirectory(out);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatchObject({ bundle_type: 'DIRECTORY_BUNDLE', applicant_id: ALICE.user.id });
      expect(standin.connector(connectorId).state).toBe('{"done":1}');
      expect(standin.worker(connectorId).received).toEqual([]);
    } finally {
      await standin.stop();
    }
  });

  it('CONNECTOR_SEND_TO_DIRECTORY=true: the queue and the directory both get the batch', async () => {
    const { standin, connectorId, out, code } = await runWith({ CONNECTOR_SEND_TO_DIRECTORY: 'true' });
    try {
      expect(code).toBe(0);
      await waitFor('the worker to receive the identity', () => standin.worker(connectorId).received.length === 1);
      expect(standin.worker(connectorId).received[0]!.object.id).toBe(identity.id);
      expect(await readDirectory(out)).toHaveLength(1);
      expect(standin.connector(connectorId).state).toBe('{"done":1}');
    } finally {
      await standin.stop();
    }
  });
});
