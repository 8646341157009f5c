import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedRequest, SourceServer } from '../../../core/testing/source-server';
import type { ServerResponse } from 'node:http';

/** The fixture records: zone-less NVD timestamps, `\/` escapes, Spanish beside English, v2/v3.0/v3.1/v4.0 metrics. */
export const FIXTURE_ITEMS = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'cves.json'), 'utf8')) as { cve: { id: string; lastModified: string } }[];

export const PATH = '/rest/json/cves/2.0';

export interface FakeNvdOptions {
  /** records per page, whatever resultsPerPage asks (NVD may answer fewer) */
  pageSize?: number;
  items?: unknown[];
  /** answer a request differently: return true when the response was written */
  intercept?(req: RecordedRequest, res: ServerResponse): boolean;
}

/** NVD reads zone-less dates as UTC */
const utc = (text: string) => Date.parse(/Z$|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);

/** A small NVD CVE API 2.0: filters on lastModStartDate/lastModEndDate (both inclusive), pages with startIndex. */
export function serveFakeNvd(server: SourceServer, options: FakeNvdOptions = {}): void {
  const pageSize = options.pageSize ?? 2;
  server.route('GET', PATH, (req, res) => {
    if (options.intercept?.(req, res)) return;
    const items = (options.items ?? FIXTURE_ITEMS) as { cve: { id: string; lastModified: string } }[];
    const { lastModStartDate: from, lastModEndDate: to } = req.query;
    if ((from === undefined) !== (to === undefined) || (from && utc(to!) - utc(from) > 120 * 86400_000)) {
      res.writeHead(404, { message: 'Both lastModStartDate and lastModEndDate are required, within 120 days' }).end();
      return;
    }
    const matching = items.filter((i) => !from || (utc(i.cve.lastModified) >= utc(from) && utc(i.cve.lastModified) <= utc(to!)));
    const start = Number(req.query.startIndex ?? 0);
    const page = matching.slice(start, start + Math.min(pageSize, Number(req.query.resultsPerPage ?? 2000)));
    const body = { resultsPerPage: page.length, startIndex: start, totalResults: matching.length, format: 'NVD_CVE', version: '2.0', timestamp: '2023-03-14T17:08:31.140', vulnerabilities: page };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body).replace(/\//g, '\\/'));
  });
}
