import { field, type InferConfig } from '../../core';

/** The `live_stream` section: the platform synchroniser's options, then how events are batched and the link watched. */
export const liveStreamConfig = {
  url: field.url('the remote OpenCTI base URL (no path)').required().example('https://remote-opencti.example.org'),
  token: field.string("the remote user's token (needs access to data sharing)").required().secret(),
  id: field.string('the remote stream id (`live` = the global stream, bypass users only)').required(),
  start_from: field.date('ISO date of the oldest data to retrieve; empty = everything'),
  listen_delete: field.boolean('take deletions into account').default(true),
  no_dependencies: field.boolean('avoid dependencies resolution').default(false),
  perfect_sync: field.boolean('use perfect synchronization (`synchronized` on each event)').default(false),
  ssl_verify: field.boolean('verify the remote certificate').default(true),
  batch_size: field.integer('events per delivered batch, at most', { min: 1, max: 10_000 }).default(500),
  batch_max_delay_ms: field.integer('longest an event waits before its batch is delivered (ms)', { min: 1 }).default(1000),
  heartbeat_interval_ms: field
    .integer("the remote's heartbeat period (its `app:live_stream:heartbeat_period`); no event for 3 periods = reconnect (ms)", { min: 10 })
    .default(5000),
  retry_delay_ms: field.integer('first reconnection delay, doubled after each failed attempt up to 60 s (ms)', { min: 1 }).default(1000),
};

export type LiveStreamConfig = InferConfig<typeof liveStreamConfig>;
