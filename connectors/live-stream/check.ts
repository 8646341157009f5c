import { SourceDataError, redactUrl, type CheckContext, type CheckLine, type HttpClient } from '../../core';
import { describeRemote, openStream, remoteBase } from './client';
import type { LiveStreamConfig } from './config';

/**
 * `check live-stream`: what the platform's "validate, then select a live stream" step does. The remote's GraphQL API
 * says whether the token is accepted and which live streams it can read; then one short connection to the configured
 * stream shows that it really answers.
 */

export interface RemoteStreamInfo {
  id: string;
  name: string;
  description: string | null;
  stream_live: boolean;
  stream_public: boolean;
}

interface GraphqlAnswer<T> {
  data?: T;
  errors?: { message?: string; extensions?: { code?: string } }[];
}

const ABOUT = 'query LiveStreamCheckAbout { about { version } }';
const STREAMS = `query LiveStreamCheckStreams($first: Int, $after: ID) {
  streamCollections(first: $first, after: $after) {
    edges { node { id name description stream_live stream_public } }
    pageInfo { endCursor hasNextPage }
  }
}`;
const PAGE = 100;
const MAX_PAGES = 20;
const PROBE_MS = 10_000;

async function graphql<T>(http: HttpClient, cfg: LiveStreamConfig, query: string, variables: Record<string, unknown>, signal: AbortSignal): Promise<T> {
  const url = `${remoteBase(cfg.url)}/graphql`;
  const res = await http.request({ url, method: 'POST', headers: { authorization: `Bearer ${cfg.token}` }, body: { query, variables }, signal });
  const answer = res.json<GraphqlAnswer<T>>();
  const first = answer.errors?.[0];
  if (first) throw new SourceDataError(`POST ${redactUrl(url)}: ${first.message ?? 'GraphQL error'}${first.extensions?.code ? ` (${first.extensions.code})` : ''}`);
  if (answer.data === undefined || answer.data === null) throw new SourceDataError(`POST ${redactUrl(url)}: no data in the answer`);
  return answer.data;
}

/** Every stream collection the token can list, page by page. */
export async function listStreams(http: HttpClient, cfg: LiveStreamConfig, signal: AbortSignal): Promise<RemoteStreamInfo[]> {
  type Page = { streamCollections: { edges: { node: RemoteStreamInfo }[]; pageInfo?: { endCursor?: string | null; hasNextPage?: boolean } } | null };
  const out: RemoteStreamInfo[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const data: Page = await graphql<Page>(http, cfg, STREAMS, { first: PAGE, after }, signal);
    const conn = data.streamCollections;
    if (!conn) break;
    out.push(...conn.edges.map((e) => e.node));
    after = conn.pageInfo?.endCursor ?? null;
    if (!conn.pageInfo?.hasNextPage || after === null) break;
  }
  return out;
}

function describeStream(s: RemoteStreamInfo): string {
  const flags = `${s.stream_live ? 'started' : 'stopped'}, ${s.stream_public ? 'public' : 'restricted'}`;
  return `"${s.name}" (${flags})${s.description ? ` — ${s.description.replace(/\s+/g, ' ').slice(0, 120)}` : ''}`;
}

/** Opens the stream from now (no replay), waits for its `connected` event, and closes it. */
async function probe(ctx: CheckContext<LiveStreamConfig>): Promise<string> {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(PROBE_MS)]);
  const reader = await openStream(ctx.http, ctx.config, null, { signal, watchdogMs: PROBE_MS });
  try {
    const first = await reader.next(PROBE_MS);
    if (first === 'timeout' || first === 'end') return 'the connection was accepted but sent no event';
    return first.event === 'connected' ? 'connection accepted (connected event received)' : `connection accepted (first event: ${first.event})`;
  } finally {
    reader.close();
  }
}

export async function checkRemote(ctx: CheckContext<LiveStreamConfig>): Promise<CheckLine[]> {
  const cfg = ctx.config;
  const remote = describeRemote(cfg.url);
  const lines: CheckLine[] = [];
  const about = await graphql<{ about: { version?: string } | null }>(ctx.http, cfg, ABOUT, {}, ctx.signal);
  lines.push({ target: `remote ${remote}`, ok: true, detail: `OpenCTI ${about.about?.version ?? '(version not given)'}; token accepted` });

  const streams = await listStreams(ctx.http, cfg, ctx.signal);
  lines.push({ target: 'remote live streams', ok: true, detail: `${streams.length} readable with this token${streams.length ? ':' : ''}` });
  for (const s of streams) lines.push({ target: `  stream ${s.id}${s.id === cfg.id ? ' (configured)' : ''}`, ok: true, detail: describeStream(s) });

  const chosen = streams.find((s) => s.id === cfg.id);
  if (cfg.id !== 'live' && chosen === undefined) {
    lines.push({ target: `stream ${cfg.id}`, ok: false, detail: `LIVE_STREAM_ID is not among the ${streams.length} live streams this token can read` });
    return lines;
  }
  if (chosen && !chosen.stream_live) {
    lines.push({ target: `stream ${cfg.id}`, ok: false, detail: 'stopped on the remote: start it there (Data sharing > Live streams)' });
    return lines;
  }
  try {
    lines.push({ target: `stream ${cfg.id}`, ok: true, detail: await probe(ctx) });
  } catch (err) {
    lines.push({ target: `stream ${cfg.id}`, ok: false, detail: err instanceof Error ? err.message : String(err) });
  }
  return lines;
}
