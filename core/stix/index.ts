/** The STIX toolkit: pure functions, no I/O. */
export * from './types';
export * from './markings';
export * from './timestamps';
export * from './id-format';
export * from './ids';
export * from './observable-ids';
export * from './patterns';
export * from './builders';
export * from './observables';
export * from './opencti-types';
export * from './refs';
export * from './embedded';
export * from './topo';
export * from './rules';
export * from './validate';
export * from './split';
