import { runConnectorOnce } from '../../../core/testing/run-connector';
import { openEventStream, startSourceServer, type SourceServer } from '../../../core/testing/source-server';
import { createTlsFixtures, type TlsFixtures } from '../../../core/testing/tls-fixtures';
import liveStream from '../connector';
import { freshFolders, STREAM_ID, TOKEN } from './helpers';

/** LIVE_STREAM_SSL_VERIFY: a remote with a certificate of a private CA is refused by default, followed when it is false. */
let certs: TlsFixtures;
let remote: SourceServer;
beforeAll(async () => {
  certs = await createTlsFixtures();
  remote = await startSourceServer({ tls: { cert: certs.serverCert, key: certs.serverKey } });
  // an idle stream: connected, then one heartbeat past the saved position (run-and-terminate stops there)
  remote.route('GET', `/stream/${STREAM_ID}`, (_req, res) => {
    const sse = openEventStream(res);
    sse.send({ event: 'connected', data: JSON.stringify({ connectionId: 'c1' }) });
    sse.send({ id: '1700000000100-0', event: 'heartbeat', data: '2023-11-14T22:13:20.100Z' });
  });
});
afterAll(async () => {
  await remote.close();
  certs.cleanup();
});

const env = (extra: Record<string, string>) => ({ LIVE_STREAM_URL: remote.origin, LIVE_STREAM_TOKEN: TOKEN, LIVE_STREAM_ID: STREAM_ID, LIVE_STREAM_RETRY_DELAY_MS: '10', ...extra });

describe('live-stream: remote certificate', () => {
  it('is verified by default: an untrusted certificate fails the run (exit 1) before any request reaches the remote', async () => {
    const r = await runConnectorOnce(liveStream, { ...freshFolders({ start_from: '1700000000000-0' }), env: env({}) });
    expect(r.exitCode).toBe(1);
    expect(r.logText).toMatch(/certificate/);
    expect(remote.requestsTo(`/stream/${STREAM_ID}`)).toHaveLength(0);
  });

  it('is accepted with LIVE_STREAM_SSL_VERIFY=false', async () => {
    const r = await runConnectorOnce(liveStream, { ...freshFolders({ start_from: '1700000000000-0' }), env: env({ LIVE_STREAM_SSL_VERIFY: 'false' }) });
    expect(r.exitCode).toBe(0);
    expect(remote.requestsTo(`/stream/${STREAM_ID}`)).toHaveLength(1);
    expect(r.state).toEqual({ start_from: '1700000000100-0' });
  });
});
