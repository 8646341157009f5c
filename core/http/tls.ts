import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { ConfigError } from '../errors';
import { errorFields } from './errors';
import type { HttpClientOptions } from './types';

/** What every TLS connection of one client uses; read from disk once, when the client is created. */
export interface TlsMaterial {
  rejectUnauthorized: boolean;
  /** the public roots plus the private CA: a private CA is added to the trust store, it does not replace it */
  ca?: string[];
  cert?: Buffer;
  key?: Buffer;
  /** file paths the material came from, so a derived client re-reads only what changed */
  sources: { certPath?: string; keyPath?: string; caPath?: string };
}

function readPemFile(option: 'certPath' | 'keyPath' | 'caPath', path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const { code, message } = errorFields(err);
    const reason = code ?? message;
    throw new ConfigError(`HTTP client ${option}: cannot read ${path} (${reason})`);
  }
}

/**
 * Loads the client certificate, key and private CA named in the options. A certificate without its key (or the other way
 * round) is a configuration error, reported now rather than as an obscure handshake failure later.
 */
export function loadTlsMaterial(opts: HttpClientOptions, previous?: TlsMaterial): TlsMaterial {
  const same = (key: 'certPath' | 'keyPath' | 'caPath'): boolean => previous !== undefined && previous.sources[key] === opts[key];
  if ((opts.certPath === undefined) !== (opts.keyPath === undefined)) {
    throw new ConfigError('HTTP client: a client certificate needs both certPath and keyPath');
  }
  const cert = opts.certPath === undefined ? undefined : same('certPath') ? previous?.cert : readPemFile('certPath', opts.certPath);
  const key = opts.keyPath === undefined ? undefined : same('keyPath') ? previous?.key : readPemFile('keyPath', opts.keyPath);
  let ca: string[] | undefined;
  if (opts.caPath !== undefined) {
    ca = same('caPath') ? previous?.ca : [...rootCertificates, readPemFile('caPath', opts.caPath).toString('utf8')];
  }
  return {
    rejectUnauthorized: opts.sslVerify !== false,
    ca,
    cert,
    key,
    sources: { certPath: opts.certPath, keyPath: opts.keyPath, caPath: opts.caPath },
  };
}

/** The options handed to `tls.connect` for an origin server. */
export function originTlsOptions(material: TlsMaterial): { rejectUnauthorized: boolean; ca?: string[]; cert?: Buffer; key?: Buffer } {
  const out: { rejectUnauthorized: boolean; ca?: string[]; cert?: Buffer; key?: Buffer } = { rejectUnauthorized: material.rejectUnauthorized };
  if (material.ca) out.ca = material.ca;
  if (material.cert) out.cert = material.cert;
  if (material.key) out.key = material.key;
  return out;
}

/** OpenSSL/Node codes meaning we do not trust the server's certificate; retrying cannot help. */
const UNTRUSTED_SERVER_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** TLS alerts a server sends when it refuses our client certificate (or the lack of one). */
const CLIENT_CERT_REFUSED = /^ERR_SSL_.*ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|ACCESS_DENIED|HANDSHAKE_FAILURE)$/;

export type TlsFailureKind = 'server-untrusted' | 'client-certificate-refused';

export function classifyTlsFailure(code: string | undefined): TlsFailureKind | undefined {
  if (code === undefined) return undefined;
  if (UNTRUSTED_SERVER_CODES.has(code)) return 'server-untrusted';
  if (CLIENT_CERT_REFUSED.test(code)) return 'client-certificate-refused';
  return undefined;
}
