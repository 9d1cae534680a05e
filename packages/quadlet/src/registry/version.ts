/**
 * Podman versions as the registry uses them: `major.minor`, compared numerically (`5.10` is newer than `5.9`).
 */
import type { PodmanVersion } from './types';

/** The first Podman release that shipped Quadlet. */
export const OLDEST_PODMAN: PodmanVersion = '4.4';

/** The newest Podman release the registry describes. */
export const NEWEST_PODMAN: PodmanVersion = '6.1';

/**
 * Reads `5.4`, `5.4.2`, `v5.4.2` or `5.4.2-rc1` as `major.minor`; anything else is `undefined`.
 */
export function parseVersion(s: string): PodmanVersion | undefined {
  const m = /^v?(\d{1,4})\.(\d{1,4})(?:\.\d{1,4})?(?:[-+~][0-9A-Za-z.+~-]*)?$/.exec(s.trim());
  if (!m) return undefined;
  return `${Number(m[1])}.${Number(m[2])}` as PodmanVersion;
}

function parts(v: string): [number, number] {
  const parsed = parseVersion(v);
  if (!parsed) throw new Error(`not a Podman version: ${JSON.stringify(v)}`);
  const [major, minor] = parsed.split('.').map(Number) as [number, number];
  return [major, minor];
}

/** Negative when `a` is older than `b`, 0 when equal (patch levels ignored), positive when newer. */
export function compareVersions(a: PodmanVersion | string, b: PodmanVersion | string): number {
  const [am, an] = parts(a);
  const [bm, bn] = parts(b);
  return am !== bm ? am - bm : an - bn;
}

/** True when a key introduced in `since` exists in `version`. */
export function isAvailable(since: PodmanVersion, version: PodmanVersion | string): boolean {
  return compareVersions(since, version) <= 0;
}
