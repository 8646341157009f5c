import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { PlatformRequestError } from '../../core/platform/graphql';
import { checkPlatform, connectPlatform } from '../../core/platform/link';
import { OpenCtiStandin } from '../opencti-standin';
import { captureLog } from './helpers/capture-log';
import { ALICE, BOB, FAST, linkTo, startStandin } from './helpers/fixture';
import { testSettings } from './helpers/settings';
import { waitFor } from './helpers/wait';

const WAITING = 'waiting for the OpenCTI platform to start';

describe('a platform that is not ready at start', () => {
  it('is waited for while it answers 503, with a clear log line, then registration goes on', async () => {
    const standin = await startStandin({ startDown: true });
    try {
      const captured = captureLog([ALICE.token]);
      const pending = linkTo(standin, { captured });
      await waitFor('the waiting line', () => captured.lines.some((l) => l.msg === WAITING), 10_000);
      expect(standin.requests).toHaveLength(0);
      standin.bringUp();
      const { link } = await pending;
      const waiting = captured.lines.find((l) => l.msg === WAITING);
      expect(waiting).toMatchObject({ level: 'warn', url: `${standin.url}/graphql`, attempt: 1 });
      expect(String(waiting?.reason)).toMatch(/HTTP 503 \(platform not ready\)/);
      expect(link.connectorUserId).toBe(ALICE.user.id);
      await link.close();
    } finally {
      await standin.stop();
    }
  });

  it('is waited for while nothing listens yet (connection refused)', async () => {
    const port = await freePort();
    const captured = captureLog([ALICE.token]);
    const settings = testSettings({ url: `http://127.0.0.1:${port}`, token: ALICE.token });
    const connecting = connectPlatform(
      { settings, connector: { id: '1c7b2f64-9d3e-4a56-8f21-0d9e8c7b6a54', name: 'Late feed', type: 'EXTERNAL_IMPORT', scope: [] }, log: captured.log, signal: new AbortController().signal },
      FAST,
    );
    await waitFor('the waiting line', () => captured.lines.some((l) => l.msg === WAITING && /ECONNREFUSED/.test(String(l.reason))));
    const standin = await new OpenCtiStandin({ port }).addUser(ALICE.token, ALICE.user).start();
    try {
      const link = await connecting;
      expect(link.connectorUserId).toBe(ALICE.user.id);
      await link.close();
    } finally {
      await standin.stop();
    }
  });

  it('stops waiting when the process is asked to stop', async () => {
    const port = await freePort();
    const stop = new AbortController();
    const captured = captureLog();
    const settings = testSettings({ url: `http://127.0.0.1:${port}`, token: ALICE.token });
    const connecting = connectPlatform({ settings, connector: { id: '2c7b2f64-9d3e-4a56-8f21-0d9e8c7b6a54', name: 'Feed', type: 'EXTERNAL_IMPORT', scope: [] }, log: captured.log, signal: stop.signal }, FAST);
    await waitFor('the waiting line', () => captured.lines.some((l) => l.msg === WAITING));
    stop.abort();
    await expect(connecting).rejects.toThrow(/stopped while waiting for OpenCTI/);
  });
});

describe('refusals are one clear line, without the token', () => {
  let standin: OpenCtiStandin;
  beforeAll(async () => {
    standin = await startStandin();
  });
  afterAll(async () => {
    await standin.stop();
  });

  it('a refused token fails at once (exit 1), naming OPENCTI_TOKEN and never showing it', async () => {
    const token = 'd00dfeed-0000-4000-8000-not-a-valid-token';
    const captured = captureLog([token]);
    const settings = testSettings({ url: standin.url, token });
    const failure = connectPlatform({ settings, connector: { id: '3c7b2f64-9d3e-4a56-8f21-0d9e8c7b6a54', name: 'Feed', type: 'EXTERNAL_IMPORT', scope: [] }, log: captured.log, signal: new AbortController().signal }, FAST);
    const err = await failure.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformRequestError);
    const e = err as PlatformRequestError;
    expect(e).toMatchObject({ failure: 'auth', exitCode: 1, expected: true, code: 'OCTI_ERR_PLATFORM' });
    expect(e.message).toMatch(/refused OPENCTI_TOKEN.*You must be logged in/);
    expect(e.message.split('\n')).toHaveLength(1);
    expect(e.message).not.toContain(token);
    expect(JSON.stringify(e)).not.toContain(token);
    expect(captured.text()).not.toContain(token);
    expect(captured.lines.some((l) => l.msg === WAITING)).toBe(false);
  });

  it('a URL that is not an OpenCTI platform fails at once with what answered', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<h1>Not Found</h1>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/opencti`;
    try {
      const settings = testSettings({ url, token: ALICE.token });
      await expect(checkPlatform(settings, captureLog().log)).rejects.toThrow(/HTTP 404 without a GraphQL answer; is OPENCTI_URL the platform's base URL\?/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('refused broker credentials (MQ_USER / MQ_PASS) fail at once, without the password', async () => {
    const captured = captureLog(['not-the-password']);
    const failure = linkTo(standin, { captured, settings: { mq: { user: 'guest', pass: 'not-the-password' } } });
    const err = (await failure.catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/RabbitMQ at amqp:\/\/127.0.0.1:5672\/ refused the connection \(MQ_USER \/ MQ_PASS \/ MQ_VHOST\).*ACCESS.REFUSED/);
    expect(err.message).not.toContain('not-the-password');
    expect(captured.text()).not.toContain('not-the-password');
  });

  it('check reports the platform version and the token user', async () => {
    const lines = await checkPlatform(testSettings({ url: standin.url, token: BOB.token }), captureLog().log);
    expect(lines).toEqual([{ target: 'platform', ok: true, detail: `OpenCTI 6.8.5 at ${standin.url}/graphql; token user: feed-bob (user--bob-0002)` }]);
  });

  it('check fails at once on an unreachable platform, without waiting', async () => {
    const port = await freePort();
    await expect(checkPlatform(testSettings({ url: `http://127.0.0.1:${port}`, token: ALICE.token }), captureLog().log)).rejects.toThrow(/unreachable: .*ECONNREFUSED/);
  });
});

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
