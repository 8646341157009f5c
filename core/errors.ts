/**
 * Every error the runtime knows how to report. An `expected` error is printed as one line (no stack):
 * bad configuration, an endpoint refusing us, bad source data. Anything else is a bug and keeps its stack.
 */
export type ErrorCode =
  | 'OCTI_ERR_CONFIG_INVALID'
  | 'OCTI_ERR_SOURCE_AUTH'
  | 'OCTI_ERR_SOURCE_UNAVAILABLE'
  | 'OCTI_ERR_SOURCE_DATA'
  | 'OCTI_ERR_DELIVERY'
  | 'OCTI_ERR_STATE'
  | 'OCTI_ERR_PLATFORM'
  | 'OCTI_ERR_STIX_INVALID'
  | 'OCTI_ERR_CONNECTOR_UNKNOWN';

export class OctiError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly expected: boolean;
  readonly hint?: string;
  constructor(code: ErrorCode, message: string, opts: { exitCode?: number; expected?: boolean; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = opts.exitCode ?? 1;
    this.expected = opts.expected ?? true;
    this.hint = opts.hint;
  }
}

/** One configuration problem; the message names the YAML key and the environment variable. Exit 2. */
export class ConfigError extends OctiError {
  readonly problems: string[];
  constructor(problems: string[] | string) {
    const list = Array.isArray(problems) ? problems : [problems];
    super('OCTI_ERR_CONFIG_INVALID', list.join('\n'), { exitCode: 2 });
    this.problems = list;
  }
}

/** The source refused our credentials (401/403): never retried. */
export class SourceAuthError extends OctiError {
  readonly status?: number;
  constructor(message: string, status?: number) {
    super('OCTI_ERR_SOURCE_AUTH', message);
    this.status = status;
  }
}

/** Network failure, 5xx, 429, 410: retried with backoff; `retryAfterMs` carries the server's hint. */
export class SourceUnavailableError extends OctiError {
  readonly status?: number;
  readonly retryAfterMs?: number;
  constructor(message: string, opts: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super('OCTI_ERR_SOURCE_UNAVAILABLE', message, { cause: opts.cause });
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** The source answered something we cannot read (not a feed, invalid JSON...). */
export class SourceDataError extends OctiError {
  constructor(message: string, cause?: unknown) {
    super('OCTI_ERR_SOURCE_DATA', message, { cause });
  }
}

/** A batch could not be delivered (nack, returned message, closed channel, disk full). */
export class DeliveryError extends OctiError {
  constructor(message: string, cause?: unknown) {
    super('OCTI_ERR_DELIVERY', message, { cause });
  }
}

/** Saved state that cannot be read or written: never silently reset. */
export class StateError extends OctiError {
  constructor(message: string, cause?: unknown) {
    super('OCTI_ERR_STATE', message, { cause });
  }
}

/** The OpenCTI platform refused or failed an operation. */
export class PlatformError extends OctiError {
  readonly status?: number;
  constructor(message: string, opts: { status?: number; cause?: unknown; expected?: boolean } = {}) {
    super('OCTI_ERR_PLATFORM', message, { cause: opts.cause, expected: opts.expected });
    this.status = opts.status;
  }
}

/** A STIX object or bundle that OpenCTI would reject. */
export class StixValidationError extends OctiError {
  readonly issues: string[];
  constructor(issues: string[]) {
    super('OCTI_ERR_STIX_INVALID', issues.join('; '));
    this.issues = issues;
  }
}

export function isOctiError(err: unknown): err is OctiError {
  return err instanceof OctiError;
}
