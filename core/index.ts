/**
 * The public entry point: the only module connectors import.
 */
export { defineConnector, sectionOf } from './contract/connector';
export type { Batch, CheckContext, CheckLine, CollectContext, ConnectorDefinition, ConnectorType } from './contract/connector';
export { field, Field, parseBoolean, parseIsoDate, parseList, parseUrl } from './config/fields';
export type { ConfigSpec, InferConfig, FieldMeta } from './config/fields';
export type { CommonSettings } from './config/common';
export { parseIsoDuration } from './config/duration';
export * from './errors';
export type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse } from './http/types';
export { createHttpClient } from './http/client';
export type { Logger } from './log/logger';
export { redactUrl } from './log/logger';
export type { State } from './state/store';
export * as stix from './stix';
export type { StixObject, StixBundle, StreamEvent, ExternalReference } from './stix/types';
export type { TlpName } from './stix/markings';
export { advanceDateCursor, dateCursorBatches, initialDateCursor, isAfterDateCursor } from './state/date-cursor';
export type { DateCursor } from './state/date-cursor';
export { abuseChDate, isCsvRefusal, readAbuseChCsv, readCsvEntries, splitCsvLine } from './text/csv';
export type { AbuseChCsv, CsvEntries, CsvEntriesOptions, CsvProblem, CsvRefusal, CsvRow } from './text/csv';
export { sleep } from './runtime/sleep';
