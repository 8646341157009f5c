import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../core/log/logger';

/** A real pino logger whose JSON lines are kept in memory, with the same secret masking as production. */
export interface CapturedLog {
  log: Logger;
  lines: Array<Record<string, unknown> & { msg?: string; level?: string }>;
  /** every line, raw, as written (to search for secrets) */
  text(): string;
}

export function captureLog(secrets: string[] = []): CapturedLog {
  const raw: string[] = [];
  const lines: CapturedLog['lines'] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        raw.push(line);
        lines.push(JSON.parse(line) as CapturedLog['lines'][number]);
      }
      done();
    },
  });
  const log = createLogger({ level: 'debug', secrets, destination });
  return { log, lines, text: () => raw.join('\n') };
}
