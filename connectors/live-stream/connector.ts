import { defineConnector } from '../../core';
import { checkRemote } from './check';
import { liveStreamConfig } from './config';
import { followStream } from './follow';
import type { LiveState } from './position';

/**
 * The live-stream connector: follows a live stream of another OpenCTI platform and hands each create, update,
 * delete and merge over as a worker `event` message, in order, committing its position after each confirmed batch.
 */
export default defineConnector<typeof liveStreamConfig, LiveState>({
  name: 'live-stream',
  type: 'STREAM',
  description: 'synchronises from a live stream of another OpenCTI platform (create, update, delete, merge events)',
  imports: ['any STIX object the remote stream carries'],
  config: liveStreamConfig,
  http: (config) => ({ sslVerify: config.ssl_verify }),
  collect: followStream,
  check: checkRemote,
});
