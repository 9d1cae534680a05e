/**
 * Public API of `.quadlets` bundles: several Quadlet units in one file, as `podman quadlet install` reads them.
 */
export { type BundleUnit, type ParsedBundle, type ParsedBundleUnit, parseBundle } from './parse';
export { BundleError, serializeBundle } from './serialize';
