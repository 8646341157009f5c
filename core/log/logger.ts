import pino from 'pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Paths that carry credentials wherever they appear in a log record. Compiled once by pino. */
const ALWAYS_REDACTED = [
  'token',
  'password',
  'pass',
  'api_key',
  '*.token',
  '*.password',
  '*.pass',
  '*.api_key',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
];

export interface LoggerOptions {
  level?: LogLevel;
  /** values of configuration fields declared secret: masked wherever they appear in a message or field */
  secrets?: string[];
  /** pretty output; default when stdout is a TTY */
  pretty?: boolean;
  destination?: DestinationStream;
  bindings?: Record<string, unknown>;
}

/** Replaces every occurrence of a secret value in a string. Values shorter than 4 characters are not masked (noise). */
export function makeSecretScrubber(secrets: string[]): (text: string) => string {
  const values = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length >= 4))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const v of values) if (out.includes(v)) out = out.split(v).join('[REDACTED]');
    return out;
  };
}

/** Removes credentials from a URL (`user:pass@`) and from query parameters whose names say they are keys. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = u.username ? 'redacted' : '';
      u.password = u.password ? 'redacted' : '';
    }
    for (const key of [...u.searchParams.keys()]) {
      if (/key|token|secret|pass|auth/i.test(key)) u.searchParams.set(key, 'redacted');
    }
    return u.toString();
  } catch {
    return url;
  }
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const scrub = makeSecretScrubber(opts.secrets ?? []);
  const level = opts.level ?? 'info';
  const pretty = opts.pretty ?? (opts.destination === undefined && process.stdout.isTTY === true);
  const base = {
    level,
    base: opts.bindings ?? {},
    redact: { paths: ALWAYS_REDACTED, censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    // The scrubber sees the serialized line, so a secret is masked in messages, fields and error stacks alike.
    hooks: {
      streamWrite: scrub,
    },
  } satisfies pino.LoggerOptions;
  if (opts.destination) return pino(base, opts.destination);
  if (pretty) {
    // pino-pretty in-process (no worker thread) keeps the CLI's exit immediate and ordering deterministic.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pinoPretty = require('pino-pretty') as (o: object) => DestinationStream;
    return pino(base, pinoPretty({ colorize: true, translateTime: 'SYS:standard', ignore: 'pid,hostname', destination: 2 }));
  }
  return pino(base, pino.destination({ dest: 2, sync: true }));
}

/** A logger that writes nowhere; for library use without a configured logger. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
