/**
 * STIX patterns for indicators built from one observable value.
 *
 * The text is spelled exactly as the common Python tooling spells it (`[ipv4-addr:value = '1.2.3.4']`,
 * `[file:hashes.MD5 = '...']`, `[file:hashes.'SHA-256' = '...']`) because an indicator's id is a hash of its
 * pattern: the same spelling means the same id as indicators other connectors create for the same value.
 */
import { HASH_PREFERENCE, type Hashes } from './observable-ids';

/** Observable kinds an indicator pattern can be built from, with the object path each one tests. */
const PATTERN_PATHS = {
  'ipv4-addr': 'ipv4-addr:value',
  'ipv6-addr': 'ipv6-addr:value',
  'domain-name': 'domain-name:value',
  hostname: 'hostname:value',
  url: 'url:value',
  'email-addr': 'email-addr:value',
  'mac-addr': 'mac-addr:value',
  'user-agent': 'user-agent:value',
  'file:MD5': 'file:hashes.MD5',
  'file:SHA-1': "file:hashes.'SHA-1'",
  'file:SHA-256': "file:hashes.'SHA-256'",
  'file:SHA-512': "file:hashes.'SHA-512'",
  'file:name': 'file:name',
} as const;

export type PatternObservableType = keyof typeof PATTERN_PATHS;
export const PATTERN_OBSERVABLE_TYPES = Object.keys(PATTERN_PATHS) as PatternObservableType[];

/**
 * The OpenCTI observable type an indicator "based on" this pattern detects (`x_opencti_main_observable_type`).
 */
const MAIN_OBSERVABLE_TYPE: Record<PatternObservableType, string> = {
  'ipv4-addr': 'IPv4-Addr',
  'ipv6-addr': 'IPv6-Addr',
  'domain-name': 'Domain-Name',
  hostname: 'Hostname',
  url: 'Url',
  'email-addr': 'Email-Addr',
  'mac-addr': 'Mac-Addr',
  'user-agent': 'User-Agent',
  'file:MD5': 'StixFile',
  'file:SHA-1': 'StixFile',
  'file:SHA-256': 'StixFile',
  'file:SHA-512': 'StixFile',
  'file:name': 'StixFile',
};

export function mainObservableType(type: PatternObservableType): string {
  return MAIN_OBSERVABLE_TYPE[type];
}

/** A STIX pattern string literal: single quotes, with `\` and `'` escaped by a backslash (backslash first). */
export function patternString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `[<object path> = '<value>']` for one observable. */
export function patternFromObservable(type: PatternObservableType, value: string): string {
  const path = PATTERN_PATHS[type];
  if (path === undefined) throw new Error(`cannot build a STIX pattern for observable type "${String(type)}"`);
  if (value === '') throw new Error(`cannot build a STIX pattern for an empty ${type} value`);
  return `[${path} = ${patternString(value)}]`;
}

/**
 * One observation matching a file by any of its known hashes, in OpenCTI's hash preference order:
 * `[file:hashes.MD5 = 'a' OR file:hashes.'SHA-256' = 'b']`. A single hash gives the same text as patternFromObservable.
 */
export function patternFromFileHashes(hashes: Hashes): string {
  const upper = new Map<string, string>();
  for (const [algorithm, value] of Object.entries(hashes)) {
    if (typeof value === 'string' && value !== '') upper.set(algorithm.toUpperCase(), value);
  }
  const terms: string[] = [];
  for (const algorithm of HASH_PREFERENCE) {
    const value = upper.get(algorithm);
    if (value === undefined) continue;
    const component = /^[A-Za-z0-9_]+$/.test(algorithm) ? algorithm : `'${algorithm}'`;
    terms.push(`file:hashes.${component} = ${patternString(value)}`);
  }
  if (terms.length === 0) throw new Error('cannot build a file pattern without any known hash');
  return `[${terms.join(' OR ')}]`;
}

/**
 * A light well-formedness check of a STIX pattern (not a full grammar): string literals closed, with only `\\` and
 * `\'` as escapes; brackets and parentheses balanced outside strings; at least one `[observation]`, each naming an
 * object path (`type:property`). Returns what is wrong, or undefined. Enough to catch broken quoting/escaping.
 */
export function patternSyntaxProblem(pattern: string): string | undefined {
  const closers: string[] = [];
  let observations = 0;
  let observationText = '';
  for (let at = 0; at < pattern.length; at++) {
    const char = pattern[at];
    if (char === "'") {
      const end = endOfString(pattern, at);
      if (end === -1) return `unclosed or badly escaped string literal at offset ${at}`;
      at = end;
      continue;
    }
    if (closers.includes(']')) observationText += char;
    if (char === '[' || char === '(') {
      if (char === '[') {
        if (closers.includes(']')) return `nested "[" at offset ${at}`;
        observations++;
        observationText = '';
      }
      closers.push(char === '[' ? ']' : ')');
    } else if (char === ']' || char === ')') {
      if (closers.pop() !== char) return `unbalanced "${char}" at offset ${at}`;
      if (char === ']' && !/[a-z0-9-]+:[A-Za-z0-9_]/.test(observationText)) return `observation ending at offset ${at} names no object path`;
    }
  }
  if (closers.length > 0) return `missing "${closers[closers.length - 1]}"`;
  if (observations === 0) return 'no [observation] in the pattern';
  return undefined;
}

/** Index of the quote closing the literal opened at `start`, or -1. */
function endOfString(pattern: string, start: number): number {
  for (let at = start + 1; at < pattern.length; at++) {
    const char = pattern[at];
    if (char === '\\') {
      const next = pattern[at + 1];
      if (next !== '\\' && next !== "'") return -1;
      at++;
    } else if (char === "'") {
      return at;
    }
  }
  return -1;
}
