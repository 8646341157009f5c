import { randomUUID } from 'node:crypto';
import type { CommonSettings } from '../../../core/config/common';

/** Validated common settings as the config loader would produce them, for a connector pointed at the stand-in. */
export function testSettings(over: {
  url: string;
  token: string;
  connector?: Partial<CommonSettings['connector']>;
  mq?: Partial<CommonSettings['mq']>;
  opencti?: Partial<CommonSettings['opencti']>;
}): CommonSettings {
  return {
    opencti: { url: over.url, token: over.token, ssl_verify: true, custom_headers: undefined, ...over.opencti },
    connector: {
      id: randomUUID(),
      name: 'Test connector',
      type: 'EXTERNAL_IMPORT',
      scope: undefined,
      log_level: 'debug',
      duration_period: undefined,
      run_and_terminate: false,
      queue_threshold: 500,
      send_to_queue: true,
      send_to_directory: false,
      send_to_directory_path: undefined,
      send_to_directory_retention: 7,
      state_path: undefined,
      expose_metrics: false,
      metrics_port: 9095,
      update_existing_data: undefined,
      ...over.connector,
    },
    mq: { host: undefined, port: undefined, vhost: undefined, use_ssl: undefined, user: undefined, pass: undefined, ...over.mq },
  };
}
