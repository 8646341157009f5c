import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * A small real forward proxy on 127.0.0.1 for proxy tests: `CONNECT host:port` tunnels (how HTTPS goes through a proxy)
 * and absolute-form requests (`GET http://host/path`, how plain HTTP goes through one). It records what went through
 * it, so a test proves the client used the proxy, or bypassed it.
 */

export interface ProxiedRequest {
  /** 'CONNECT' for a tunnel */
  method: string;
  /** `host:port` for CONNECT, the absolute URL otherwise */
  target: string;
  /** the Proxy-Authorization header received, if any */
  proxyAuthorization?: string;
  /** lower-cased names as received by the proxy (for a tunnel: the CONNECT request's own headers) */
  headers: http.IncomingHttpHeaders;
}

export interface ProxyServerOptions {
  /** demand these credentials (407 otherwise) */
  auth?: { username: string; password: string };
}

export interface ProxyServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly requests: readonly ProxiedRequest[];
  close(): Promise<void>;
}

function expectedAuthorization(auth: ProxyServerOptions['auth']): string | undefined {
  return auth && `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
}

export async function startProxyServer(options: ProxyServerOptions = {}): Promise<ProxyServer> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Duplex>();
  const expected = expectedAuthorization(options.auth);
  const track = (socket: Duplex): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const server = http.createServer((req, res) => {
    const proxyAuthorization = req.headers['proxy-authorization'];
    requests.push({ method: req.method ?? 'GET', target: req.url ?? '', proxyAuthorization, headers: req.headers });
    if (expected !== undefined && proxyAuthorization !== expected) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="proxy"' }).end();
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form URL expected\n');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(
      { host: target.hostname, port: target.port || 80, path: `${target.pathname}${target.search}`, method: req.method, headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
    track(client);
    const proxyAuthorization = req.headers['proxy-authorization'];
    requests.push({ method: 'CONNECT', target: req.url ?? '', proxyAuthorization, headers: req.headers });
    if (expected !== undefined && proxyAuthorization !== expected) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host = '', port = '443'] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = net.connect(Number(port), host.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
