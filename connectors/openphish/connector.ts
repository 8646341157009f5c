import { defineConnector, field, type StixObject } from '../../core';
import { fetchFeed } from './client';
import { phishingUrlToStix } from './convert';
import { prunedSent, type OpenPhishState } from './sent-urls';

const AUTHOR = 'OpenPhish';
/** URLs per delivered bundle: bounded memory per batch, visible progress. */
const BATCH_SIZE = 500;

const config = {
  url: field.url('the OpenPhish feed (one URL per line)').default('https://openphish.com/feed.txt'),
  tlp: field.tlp().default('TLP:CLEAR'),
};

/**
 * OpenPhish: each phishing URL of the public feed becomes a url observable and an indicator labelled `phishing`.
 * The feed is undated, so the cursor is the bounded set of URLs already sent (see sent-urls.ts).
 */
export default defineConnector<typeof config, OpenPhishState>({
  name: 'openphish',
  type: 'EXTERNAL_IMPORT',
  description: 'Phishing URLs from the OpenPhish public feed',
  imports: ['indicator', 'url', 'relationship'],
  defaultPeriod: 'PT6H',
  update: true,
  config,
  async *collect(ctx) {
    const feed = await fetchFeed(ctx.http, ctx.config.url, ctx.signal);
    for (const s of feed.skipped) ctx.log.warn({ url: ctx.config.url, line: s.line }, `${ctx.config.url} line ${s.line}: "${s.text}" is not an http(s) URL, skipped`);
    if (feed.urls.length === 0) {
      // an empty feed is more likely a provider hiccup than a world without phishing: keep the state as it is
      ctx.log.warn({ url: ctx.config.url }, 'the feed lists no URL; nothing sent, state kept');
      return;
    }
    const runAt = ctx.runStartedAt.toISOString();
    const remembered = prunedSent(ctx.state, new Set(feed.urls.map((u) => u.url)), ctx.runStartedAt);
    const fresh = feed.urls.filter((u) => remembered[u.url] === undefined);
    const dropped = Object.keys(ctx.state?.sent ?? {}).length - Object.keys(remembered).length;
    ctx.log.info({ listed: feed.urls.length, new: fresh.length, forgotten: dropped }, 'feed fetched');

    const author = ctx.stix.makeOrganization(AUTHOR, { created: '2024-01-01T00:00:00.000Z', description: 'OpenPhish, phishing intelligence' });
    const marking = ctx.stix.tlpMarking(ctx.config.tlp);
    const sent = { ...remembered };
    for (let i = 0; i < fresh.length; i += BATCH_SIZE) {
      const slice = fresh.slice(i, i + BATCH_SIZE);
      const objects: StixObject[] = [author, marking];
      for (const { url } of slice) objects.push(...phishingUrlToStix(url, { author, tlp: ctx.config.tlp, seenAt: runAt }));
      for (const { url } of slice) sent[url] = runAt;
      yield { objects, checkpoint: { sent: { ...sent } } };
    }
    // nothing new but entries expired: save the smaller state (a checkpoint-only batch sends nothing)
    if (fresh.length === 0 && dropped > 0) yield { checkpoint: { sent } };
  },
  async check(ctx) {
    const feed = await fetchFeed(ctx.http, ctx.config.url, ctx.signal);
    const detail = `${feed.urls.length} phishing URL(s)${feed.skipped.length > 0 ? `, ${feed.skipped.length} line(s) that are not URLs` : ''}`;
    return [{ target: ctx.config.url, ok: feed.urls.length > 0, detail }];
  },
});
