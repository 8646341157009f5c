export { OpenCtiStandin, type StandinOptions, type RecordedRequest } from './server';
export { CURRENT_SCHEMA, OPENCTI_60_SCHEMA } from './schema';
export { WorkerConsumer, orderViolations, refsOf, type ReceivedMessage } from './worker';
export { queueNames, BROKER_URL } from './rabbit';
export type { StandinConnector, StandinUser, StandinWork } from './resolvers';
