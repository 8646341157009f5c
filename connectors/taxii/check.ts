import type { CheckContext, CheckLine } from '../../core';
import { TaxiiClient } from './client';
import type { TaxiiConfig } from './config';
import { readApiRoot, readCollection, readCollections, readDiscovery, type CollectionInfo } from './resources';

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Discovery is optional in TAXII: its absence is reported, not failed. */
async function discoveryLine(client: TaxiiClient): Promise<CheckLine> {
  const url = new URL(client.profile.discoveryPath, client.apiRoot).href;
  try {
    const discovery = readDiscovery(await client.getResource(url), url);
    if (discovery === null) return { target: 'discovery', ok: true, detail: `${url} is not a discovery document (optional)` };
    const listed = discovery.apiRoots.includes(client.apiRoot) ? 'the configured API root is listed' : 'the configured API root is NOT listed';
    return { target: 'discovery', ok: true, detail: `"${discovery.title}" at ${url}: ${discovery.apiRoots.length} API root(s) (${discovery.apiRoots.join(', ')}); ${listed}` };
  } catch (err) {
    return { target: 'discovery', ok: true, detail: `none read at ${url} (optional): ${messageOf(err)}` };
  }
}

async function apiRootLine(client: TaxiiClient): Promise<CheckLine> {
  const target = `API root ${client.apiRoot}`;
  try {
    const body = await client.getResource(client.apiRoot);
    const discovery = readDiscovery(body, client.apiRoot);
    if (discovery !== null && discovery.apiRoots.length > 0) {
      return { target, ok: false, detail: `this is a discovery document, not an API root; set TAXII_SERVER_URL to one of: ${discovery.apiRoots.join(', ')}` };
    }
    const info = readApiRoot(body);
    if (info === null) return { target, ok: false, detail: 'not a TAXII API root resource (expected a JSON object)' };
    return { target, ok: true, detail: `"${info.title}", versions: ${info.versions.join(', ') || 'not stated'}` };
  } catch (err) {
    return { target, ok: false, detail: messageOf(err) };
  }
}

/** The collections these credentials see; servers that do not list them are asked for the configured one alone. */
async function readableCollections(client: TaxiiClient, wanted: string): Promise<{ collections: CollectionInfo[]; listed: boolean }> {
  const listUrl = new URL('collections/', client.apiRoot).href;
  try {
    const list = readCollections(await client.getResource(listUrl));
    if (list !== null) return { collections: list, listed: true };
  } catch {
    // fall through: some servers only answer for a known collection
  }
  const one = readCollection(await client.getResource(new URL(`collections/${encodeURIComponent(wanted)}/`, client.apiRoot).href));
  return { collections: one === null ? [] : [one], listed: false };
}

function configuredLine(wanted: string, collections: CollectionInfo[], listed: boolean): CheckLine {
  const target = `configured collection ${wanted}`;
  const found = collections.find((c) => c.id === wanted);
  if (found === undefined) {
    const ids = collections.map((c) => c.id).join(', ') || 'none';
    return { target, ok: false, detail: `not found; the collections these credentials see: ${ids}` };
  }
  if (!found.canRead) return { target, ok: false, detail: `"${found.title}" exists but can_read is false for these credentials` };
  return { target, ok: true, detail: `"${found.title}" is readable${listed ? '' : ' (the server does not list its collections)'}` };
}

/**
 * `check taxii`: the API root, the discovery document, every collection the credentials can see (id, title,
 * can_read), and whether the configured collection is among the readable ones. Nothing is imported.
 */
export async function checkTaxii(ctx: CheckContext<TaxiiConfig>): Promise<CheckLine[]> {
  const client = new TaxiiClient(ctx.http, ctx.config, ctx.signal);
  const lines: CheckLine[] = [await apiRootLine(client), await discoveryLine(client)];
  try {
    const { collections, listed } = await readableCollections(client, ctx.config.collection);
    for (const c of collections) {
      lines.push({ target: `collection ${c.id}`, ok: true, detail: `"${c.title}" can_read=${c.canRead} can_write=${c.canWrite}` });
    }
    lines.push(configuredLine(ctx.config.collection, collections, listed));
  } catch (err) {
    lines.push({ target: `configured collection ${ctx.config.collection}`, ok: false, detail: messageOf(err) });
  }
  return lines;
}
