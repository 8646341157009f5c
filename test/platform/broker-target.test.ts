import type { CommonSettings } from '../../core/config/common';
import { brokerTarget, type BrokerConnection } from '../../core/platform/register';

const noMq: CommonSettings['mq'] = { host: undefined, port: undefined, vhost: undefined, use_ssl: undefined, user: undefined, pass: undefined };

/** Where the connector publishes: what registration returned, each MQ_* setting winning over its part. */
describe('broker target', () => {
  const fromPlatform: BrokerConnection = { host: 'rabbitmq', vhost: '/', use_ssl: false, port: 5672, user: 'opencti', pass: 'from-platform' };

  it('is what the platform gave at registration when no MQ_* is set', () => {
    expect(brokerTarget(fromPlatform, noMq)).toEqual({ protocol: 'amqp', hostname: 'rabbitmq', port: 5672, vhost: '/', username: 'opencti', password: 'from-platform' });
  });

  it('uses amqps when the platform says use_ssl', () => {
    expect(brokerTarget({ ...fromPlatform, use_ssl: true, port: 5671 }, noMq)).toMatchObject({ protocol: 'amqps', port: 5671 });
  });

  it('lets MQ_HOST, MQ_PORT, MQ_VHOST, MQ_USE_SSL, MQ_USER and MQ_PASS override each part', () => {
    const mq = { host: 'mq.internal', port: 5671, vhost: 'octi', use_ssl: true, user: 'connector', pass: 'local' };
    expect(brokerTarget(fromPlatform, mq)).toEqual({ protocol: 'amqps', hostname: 'mq.internal', port: 5671, vhost: 'octi', username: 'connector', password: 'local' });
    expect(brokerTarget({ ...fromPlatform, use_ssl: true }, { ...noMq, use_ssl: false })).toMatchObject({ protocol: 'amqp', hostname: 'rabbitmq' });
  });
});
