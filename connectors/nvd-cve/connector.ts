import { defineConnector, field, SourceDataError, type StixObject, sleep } from '../../core';
import { fetchNvdPage, toNvdDate, type NvdCve, type NvdPage, type PageQuery } from './client';
import { cveToVulnerability } from './convert';
import { afterDelivery, startWalk, windowEnd, type NvdState, type Walk } from './walk';

const DEFAULT_URL = 'https://services.nvd.nist.gov/rest/json/cves/2.0';
/** the API's maximum page */
const RESULTS_PER_PAGE = 2000;
/** records per delivered bundle; the checkpoint after each one is an exact startIndex */
const BATCH_SIZE = 500;
/** NVD's published limits: 5 requests per rolling 30 s without a key, 50 with one */
const INTERVAL_WITHOUT_KEY_MS = 6000;
const INTERVAL_WITH_KEY_MS = 600;
/** NVD's advice when throttled: wait for the 30 s window to roll */
const THROTTLE_WAIT_MS = 30_000;
const THROTTLE_ATTEMPTS = 6;
/** a window restarted this many times because records moved out of it is then read on as it is */
const MAX_WINDOW_RESTARTS = 3;

const config = {
  url: field.url('the NVD CVE API 2.0 endpoint').default(DEFAULT_URL),
  api_key: field.string('NVD API key, sent as the apiKey header (raises the rate limit tenfold)').secret(),
  tlp: field.tlp().default('TLP:CLEAR'),
  import_from_date: field.date('oldest lastModified to import on a first run; empty = the whole NVD catalogue'),
  request_interval: field.duration('pause between two API requests; empty = 6 s without an API key, 0.6 s with one (NVD\'s published limits)'),
};

function queryOf(walk: Walk): PageQuery {
  const query: PageQuery = { startIndex: walk.start_index, resultsPerPage: RESULTS_PER_PAGE };
  if (walk.window_start === '') return query;
  return { ...query, lastModStartDate: toNvdDate(walk.window_start), lastModEndDate: toNvdDate(windowEnd(walk)) };
}

/**
 * NIST's National Vulnerability Database, CVE API 2.0: every CVE modified since the last run becomes a vulnerability
 * named by its id, walked in windows of at most 120 days, page by page, with an exact resume point after each batch.
 */
export default defineConnector<typeof config, NvdState>({
  name: 'nvd-cve',
  type: 'EXTERNAL_IMPORT',
  description: 'Vulnerabilities (CVEs with CVSS scores) from the NIST NVD CVE API 2.0',
  imports: ['vulnerability'],
  // NVD asks clients not to poll more often than every two hours
  defaultPeriod: 'PT2H',
  // NVD is the reference for a CVE's text and scores: a modified CVE replaces what was imported before
  update: true,
  config,
  http: (cfg) => (cfg.api_key ? { headers: { apiKey: cfg.api_key } } : {}),
  async *collect(ctx) {
    const author = ctx.stix.makeOrganization('NIST NVD', { created: '2024-01-01T00:00:00.000Z', description: 'National Vulnerability Database, National Institute of Standards and Technology' });
    const marking = ctx.stix.tlpMarking(ctx.config.tlp);
    const interval = ctx.config.request_interval ?? (ctx.config.api_key ? INTERVAL_WITH_KEY_MS : INTERVAL_WITHOUT_KEY_MS);
    const doneUntil = ctx.state?.done_until ?? '';
    let walk = startWalk(ctx.state, ctx.config.import_from_date, ctx.runStartedAt);
    const convertOrWarn = (cve: NvdCve): StixObject[] => {
      try {
        return [cveToVulnerability(cve, { author, tlp: ctx.config.tlp })];
      } catch (err) {
        ctx.log.warn(`malformed record skipped: ${ctx.config.url} ${(err as Error).message}`);
        return [];
      }
    };
    let restarts = 0;
    let requests = 0;
    while (walk && !ctx.signal.aborted) {
      if (requests++ > 0) await sleep(interval, ctx.signal);
      if (ctx.signal.aborted) return;
      const page: NvdPage = await fetchNvdPage(ctx.http, ctx.config.url, queryOf(walk), {
        signal: ctx.signal,
        throttleWaitMs: THROTTLE_WAIT_MS,
        throttleAttempts: THROTTLE_ATTEMPTS,
        sleep,
        onThrottled: (where, waitMs, attempt) => ctx.log.warn({ wait_ms: waitMs, attempt }, `NVD throttled the request (403): ${where}; waiting before a retry`),
      });
      for (const line of page.skipped) ctx.log.warn(`malformed record skipped: ${line}`);
      if (walk.total_results !== null && page.totalResults < walk.total_results && restarts < MAX_WINDOW_RESTARTS) {
        // records modified again moved out of this window: later ones shifted to lower indexes; re-read it (ids merge)
        restarts++;
        ctx.log.warn({ was: walk.total_results, now: page.totalResults, window_start: walk.window_start || 'all' }, 'NVD result set shrank during paging; reading this window again from the start');
        walk = { ...walk, start_index: 0, total_results: null };
        continue;
      }
      if (page.records.length === 0 && walk.start_index < page.totalResults) {
        throw new SourceDataError(`${ctx.config.url} startIndex=${walk.start_index}: an empty page while totalResults is ${page.totalResults}`);
      }
      ctx.log.info({ window_start: walk.window_start || 'all', window_end: windowEnd(walk), start_index: walk.start_index, records: page.records.length, total: page.totalResults }, 'NVD page fetched');

      let state: NvdState | undefined;
      for (let i = 0; i === 0 || i < page.records.length; i += BATCH_SIZE) {
        const slice = page.records.slice(i, i + BATCH_SIZE);
        const objects = slice.flatMap((cve) => (cve ? convertOrWarn(cve) : []));
        state = afterDelivery(walk, i + slice.length, page.totalResults, doneUntil);
        yield objects.length > 0 ? { objects: [author, marking, ...objects], checkpoint: state } : { checkpoint: state };
      }
      walk = state!.walk;
      if (walk?.start_index === 0) restarts = 0;
    }
  },
  async check(ctx) {
    const page = await fetchNvdPage(ctx.http, ctx.config.url, { startIndex: 0, resultsPerPage: 1 }, { signal: ctx.signal, throttleWaitMs: THROTTLE_WAIT_MS, throttleAttempts: 2, sleep: sleep });
    const key = ctx.config.api_key ? 'with the API key' : 'without an API key (5 requests per 30 s)';
    return [{ target: ctx.config.url, ok: true, detail: `${page.totalResults} CVEs served, ${key}; NVD time ${page.timestamp || '?'}` }];
  },
});
