import { Writable } from 'node:stream';
import { createLogger, redactUrl } from '../logger';

function capture(): { lines: () => Record<string, unknown>[]; raw: () => string; stream: Writable } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, raw: () => text, lines: () => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logger', () => {
  it('writes JSON lines with the level name and bound fields', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream, bindings: { connector: 'rss' } });
    log.debug('hidden');
    log.info({ objects: 3 }, 'batch delivered');
    const [line] = out.lines();
    expect(line).toMatchObject({ level: 'info', connector: 'rss', objects: 3, msg: 'batch delivered' });
    expect(out.lines()).toHaveLength(1);
  });

  it('masks secret values wherever they appear: message, fields, error stacks', () => {
    const out = capture();
    const secret = 'tok-9f8e7d6c5b4a';
    const log = createLogger({ level: 'debug', destination: out.stream, secrets: [secret] });
    log.info(`calling with ${secret}`);
    log.info({ cfg: { opencti: { note: `x${secret}y` } } }, 'config');
    log.error({ err: new Error(`refused token ${secret}`) }, 'failed');
    log.info({ headers: { authorization: 'Bearer abc' }, token: 'plain' }, 'request');
    expect(out.raw()).not.toContain(secret);
    expect(out.raw()).not.toContain('Bearer abc');
    expect(out.raw()).not.toContain('"plain"');
    expect(out.raw().match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it('removes credentials from URLs', () => {
    expect(redactUrl('https://user:pw@feed.example/x?api_key=k123&page=2')).toBe('https://redacted:redacted@feed.example/x?api_key=redacted&page=2');
    expect(redactUrl('not a url')).toBe('not a url');
  });
});
