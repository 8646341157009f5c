import { PassThrough } from 'node:stream';
import { SseReader } from '../reader';
import { SseParser, type SseEvent } from '../sse';

/** Feeds the text cut at every possible position and checks the events never depend on where the cuts fall. */
function parseInPieces(text: string, cut: number): SseEvent[] {
  const parser = new SseParser();
  return [...parser.feed(text.slice(0, cut)), ...parser.feed(text.slice(cut))];
}

const STREAM = [
  'event: connected',
  'data: {"connectionId":"c-1"}',
  '',
  ': a comment line',
  'id: 1700000000000-0',
  'event: create',
  'data: {"version":"4",',
  'data:"data":{}}',
  '',
  'id: 1700000000000-1',
  'event: heartbeat',
  'data: "2023-11-14T22:13:20.000Z"',
  '',
  '',
].join('\n');

const EXPECTED: SseEvent[] = [
  { event: 'connected', data: '{"connectionId":"c-1"}' },
  { id: '1700000000000-0', event: 'create', data: '{"version":"4",\n"data":{}}' },
  { id: '1700000000000-1', event: 'heartbeat', data: '"2023-11-14T22:13:20.000Z"' },
];

describe('SSE parser', () => {
  it('reads OpenCTI-style events: id, event name, multi-line data, comments ignored', () => {
    expect(new SseParser().feed(STREAM)).toEqual(EXPECTED);
  });

  it('gives the same events wherever the chunks are cut', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) expect(parseInPieces(STREAM, cut)).toEqual(EXPECTED);
  });

  it('accepts CRLF and lone CR line ends, even with CR and LF in different chunks', () => {
    const crlf = STREAM.replace(/\n/g, '\r\n');
    for (let cut = 0; cut <= crlf.length; cut++) expect(parseInPieces(crlf, cut)).toEqual(EXPECTED);
    expect(new SseParser().feed(STREAM.replace(/\n/g, '\r'))).toEqual(EXPECTED);
  });

  it('drops a leading byte-order mark, fields without a space after the colon, and events without data', () => {
    const parser = new SseParser();
    expect(parser.feed('\ufeffid:5-0\nevent:delete\ndata:x\n\nid: 6-0\n\n')).toEqual([{ id: '5-0', event: 'delete', data: 'x' }]);
  });

  it('does not dispatch an event until its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.feed('id: 1-0\nevent: create\ndata: {}\n')).toEqual([]);
    expect(parser.feed('\n')).toEqual([{ id: '1-0', event: 'create', data: '{}' }]);
  });
});

describe('SSE reader', () => {
  it('decodes UTF-8 characters split across chunks', async () => {
    const body = new PassThrough();
    const reader = new SseReader(body, { watchdogMs: 5000, describe: 'test stream' });
    const bytes = Buffer.from('event: create\ndata: {"name":"Ünïcødé – 情報"}\n\n', 'utf8');
    const split = bytes.indexOf(0xc3) + 1;
    body.write(bytes.subarray(0, split));
    body.write(bytes.subarray(split));
    const event = await reader.next(5000);
    expect(event).toEqual({ event: 'create', data: '{"name":"Ünïcødé – 情報"}' });
    reader.close();
  });

  it('answers "timeout" at the caller deadline, keeps the read pending, and still gets the next event', async () => {
    const body = new PassThrough();
    const reader = new SseReader(body, { watchdogMs: 5000, describe: 'test stream' });
    expect(await reader.next(10)).toBe('timeout');
    body.write('event: heartbeat\nid: 2-0\ndata: "x"\n\n');
    expect(await reader.next(5000)).toEqual({ id: '2-0', event: 'heartbeat', data: '"x"' });
    reader.close();
  });

  it('fails the connection when no event arrives for the watchdog period, counting only the time spent waiting', async () => {
    const body = new PassThrough();
    const reader = new SseReader(body, { watchdogMs: 60, describe: 'test stream' });
    expect(await reader.next(30)).toBe('timeout');
    await expect(reader.next(1000)).rejects.toThrow('test stream: no event for 60 ms (3 heartbeat periods); reconnecting');
    reader.close();
  });

  it('says "end" when the remote closes the stream, after the events it sent', async () => {
    const body = new PassThrough();
    const reader = new SseReader(body, { watchdogMs: 5000, describe: 'test stream' });
    body.end('event: create\ndata: {}\n\n');
    expect(await reader.next(5000)).toEqual({ event: 'create', data: '{}' });
    expect(await reader.next(5000)).toBe('end');
  });
});
