import http from 'node:http';
import https from 'node:https';
import type { ClientRequest } from 'node:http';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { proxyUrlFor, type ProxyEnv } from './proxy';
import { originTlsOptions, type TlsMaterial } from './tls';

type OriginTlsOptions = ReturnType<typeof originTlsOptions>;
type TunnelConnectOptions = Parameters<HttpsProxyAgent<string>['connect']>[1];

/**
 * An HTTPS-over-CONNECT agent that applies our TLS settings to the origin server. The stock agent takes the origin's TLS
 * options from each request, and axios does not put them there when an agent is given, so they are merged in here.
 * The proxy connection itself (when the proxy URL is https) keeps Node's default verification.
 */
class OriginTlsTunnelAgent extends HttpsProxyAgent<string> {
  private readonly originTls: OriginTlsOptions;

  constructor(proxy: URL, originTls: OriginTlsOptions) {
    super(proxy, { keepAlive: true });
    this.originTls = originTls;
  }

  override connect(req: ClientRequest, opts: TunnelConnectOptions): ReturnType<HttpsProxyAgent<string>['connect']> {
    return super.connect(req, opts.secureEndpoint ? { ...opts, ...this.originTls } : opts);
  }
}

/**
 * The agents of one client: direct ones, and one per proxy met so far. Agents keep connections alive, so the pool
 * belongs to a single client and is never shared with a derived one.
 */
export class AgentPool {
  private readonly tls: TlsMaterial;
  private readonly env: ProxyEnv;
  private readonly directHttp = new http.Agent({ keepAlive: true });
  private readonly directHttps: https.Agent;
  private readonly viaProxy = new Map<string, http.Agent>();

  constructor(tls: TlsMaterial, env: ProxyEnv) {
    this.tls = tls;
    this.env = env;
    this.directHttps = new https.Agent({ keepAlive: true, ...originTlsOptions(tls) });
  }

  /** The agent for one hop; the proxy decision is made per URL so a redirect to a NO_PROXY host goes direct. */
  agentFor(target: URL): { agent: http.Agent; proxy?: URL } {
    const secure = target.protocol === 'https:';
    const proxy = proxyUrlFor(target, this.env);
    if (proxy === undefined) return { agent: secure ? this.directHttps : this.directHttp };
    const key = `${secure ? 'tunnel' : 'forward'} ${proxy.href}`;
    let agent = this.viaProxy.get(key);
    if (agent === undefined) {
      // plain http is forwarded in absolute form (many proxies only allow CONNECT to 443); https is tunnelled
      agent = secure ? new OriginTlsTunnelAgent(proxy, originTlsOptions(this.tls)) : new HttpProxyAgent(proxy, { keepAlive: true });
      this.viaProxy.set(key, agent);
    }
    return { agent, proxy };
  }

  /** Closes idle kept-alive connections (tests, shutdown). */
  destroy(): void {
    this.directHttp.destroy();
    this.directHttps.destroy();
    for (const agent of this.viaProxy.values()) agent.destroy();
    this.viaProxy.clear();
  }
}
