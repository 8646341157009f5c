import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Throwaway certificates for TLS tests, made with `openssl` in a fresh temporary folder at test time, so no private key
 * is ever committed. Two CAs: the trusted one signs the server and the accepted client; the other signs a client
 * certificate the server must refuse.
 */
export interface TlsFixtures {
  dir: string;
  /** file paths (what HttpClientOptions take) */
  caPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  clientCertPath: string;
  clientKeyPath: string;
  /** a client certificate from a CA the server does not trust */
  strangerCertPath: string;
  strangerKeyPath: string;
  /** PEM contents, for startSourceServer({ tls }) */
  ca: Buffer;
  serverCert: Buffer;
  serverKey: Buffer;
  cleanup(): Promise<void>;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

async function makeCa(dir: string, name: string): Promise<void> {
  await openssl(dir, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

async function makeLeaf(dir: string, name: string, ca: string, extensions: string): Promise<void> {
  await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  await openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`,
  ]);
}

export async function createTlsFixtures(): Promise<TlsFixtures> {
  const dir = await mkdtemp(join(tmpdir(), 'octi-tls-'));
  try {
    await makeCa(dir, 'test-ca');
    await makeCa(dir, 'stranger-ca');
    await makeLeaf(dir, 'server', 'test-ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    await makeLeaf(dir, 'client', 'test-ca', 'extendedKeyUsage=clientAuth\n');
    await makeLeaf(dir, 'stranger', 'stranger-ca', 'extendedKeyUsage=clientAuth\n');
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not generate test certificates with openssl: ${String((err as { message?: unknown } | null)?.message ?? err)}`);
  }
  const path = (file: string): string => join(dir, file);
  return {
    dir,
    caPath: path('test-ca.pem'),
    serverCertPath: path('server.pem'),
    serverKeyPath: path('server.key'),
    clientCertPath: path('client.pem'),
    clientKeyPath: path('client.key'),
    strangerCertPath: path('stranger.pem'),
    strangerKeyPath: path('stranger.key'),
    ca: await readFile(path('test-ca.pem')),
    serverCert: await readFile(path('server.pem')),
    serverKey: await readFile(path('server.key')),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
