export * from './diagnostics';
export * from './registry/types';
export * from './unit-file/types';
