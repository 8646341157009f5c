/** The STIX toolkit: pure functions, no I/O. */
export * from './types';
export * from './markings';
