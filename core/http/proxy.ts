import { ConfigError } from '../errors';

/**
 * Which proxy (if any) a URL goes through, from the conventional environment variables:
 * `http_proxy` for http URLs, `https_proxy` for https URLs (no fallback from one to the other, as curl and Go do),
 * `no_proxy` for exceptions. Each is read lower case first, then upper case (curl's order).
 */

export type ProxyEnv = Readonly<Record<string, string | undefined>>;

function envValue(env: ProxyEnv, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/**
 * One NO_PROXY entry against a host. Accepted forms: `*` (everything), `host`, `.host` / `*.host` (the domain and its
 * subdomains; a bare `host` also covers subdomains, as curl does), any of those with `:port`, and literal IPs.
 * CIDR ranges are not supported: list the addresses.
 */
function splitHostPort(entry: string): { host: string; port?: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1] ?? '', port: bracketed[2] };
  const colons = entry.split(':').length - 1;
  if (colons === 1) {
    const [host = '', port] = entry.split(':');
    return /^\d+$/.test(port ?? '') ? { host, port } : { host: entry };
  }
  return { host: entry }; // a bare IPv6 address, or no port
}

function matchesNoProxyEntry(entry: string, hostname: string, port: string): boolean {
  if (entry === '*') return true;
  const parsed = splitHostPort(entry.toLowerCase());
  if (parsed.port !== undefined && parsed.port !== port) return false;
  const pattern = parsed.host.replace(/^\*/, '').replace(/^\./, '');
  if (pattern === '') return false;
  return hostname === pattern || hostname.endsWith(`.${pattern}`);
}

export function isProxyBypassed(target: URL, env: ProxyEnv): boolean {
  const noProxy = envValue(env, 'no_proxy');
  if (noProxy === undefined) return false;
  const hostname = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || defaultPort(target.protocol);
  return noProxy
    .split(/[\s,]+/)
    .filter((entry) => entry !== '')
    .some((entry) => matchesNoProxyEntry(entry, hostname, port));
}

/** The proxy URL to use for `target`, or undefined for a direct connection. A proxy given without a scheme is http. */
export function proxyUrlFor(target: URL, env: ProxyEnv): URL | undefined {
  const variable = target.protocol === 'https:' ? 'https_proxy' : target.protocol === 'http:' ? 'http_proxy' : undefined;
  if (variable === undefined) return undefined;
  const raw = envValue(env, variable);
  if (raw === undefined || isProxyBypassed(target, env)) return undefined;
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    // the value is not echoed: a proxy URL may carry a password
    throw new ConfigError(`${variable.toUpperCase()} (or ${variable}) is not a valid proxy URL`);
  }
}

/** Passwords written into proxy URLs: masked in error messages like any other credential. */
export function proxySecrets(env: ProxyEnv): string[] {
  const secrets: string[] = [];
  for (const variable of ['http_proxy', 'https_proxy']) {
    const raw = envValue(env, variable);
    if (raw === undefined) continue;
    try {
      const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
      if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
    } catch {
      // an unparsable proxy URL is reported when it is used
    }
  }
  return secrets;
}
