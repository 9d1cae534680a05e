/**
 * @quadletman/quadlet: Quadlet unit files for TypeScript — a lossless parser and serializer with systemd
 * semantics, typed models, the key registry, a linter that agrees with Podman, and `.quadlets` bundles.
 */

export * from './bundle';
export * from './diagnostics';
export * from './generator-args';
export * from './generator-output';
export * from './lint';
export * from './model';
export * from './registry';
export * from './unit-file';
export * from './unit-state';
