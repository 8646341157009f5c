import { createLogger, type Logger } from '../../log/logger';

/** A real project logger writing JSON lines into memory, so tests can read what an operator would see. */
export function captureLog(secrets: string[] = []): { log: Logger; lines: () => Array<Record<string, unknown>>; raw: () => string } {
  const written: string[] = [];
  const log = createLogger({ level: 'debug', secrets, destination: { write: (line: string) => written.push(line) } });
  return {
    log,
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
    raw: () => written.join(''),
  };
}
