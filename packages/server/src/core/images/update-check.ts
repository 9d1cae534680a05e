// Update checks without pulling: what a registry's answer (host/registry-check.ts, one manifest HEAD per image)
// means for a stored image, and when to ask again. An image is up to date when the digest the tag points to now
// is the image's own manifest digest or among its RepoDigests: Podman records there the digest of the index
// (manifest list) it pulled a multi-platform image through, so an index digest counts too. Pure.

import type { StoredImage } from './inventory.js';

/** Why a registry gave no digest (the registry agent's codes). */
export type RegistryCheckCode =
  | 'unauthorized'
  | 'not-found'
  | 'unreachable'
  | 'tls'
  | 'invalid'
  | 'local'
  | 'registry-error';

/** The registry's answer for one image reference. */
export type RegistryCheckResult =
  | { image: string; ok: true; digest: string; mediaType: string }
  | { image: string; ok: false; code: RegistryCheckCode; message: string };

export type UpdateStatus = 'up-to-date' | 'update-available' | 'unknown';

export interface UpdateCheck {
  status: UpdateStatus;
  /** What the tag points to now; undefined when the registry gave no answer. */
  remoteDigest: string | undefined;
  /** The stored image's manifest digest and its RepoDigests' digests, without repeats. */
  localDigests: string[];
  /** Why the status is unknown, or what an available update may mean; absent for a plain answer. */
  reason?: string;
}

/** The media types of an index (a manifest list): its digest names every platform's manifest at once. */
export const INDEX_MEDIA_TYPES: readonly string[] = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

/** The digests a stored image is known by: `Digest` first, then those of `RepoDigests` (`repo@digest`). */
export function localDigestsOf(local: Pick<StoredImage, 'digest' | 'repoDigests'>): string[] {
  const fromRepo = local.repoDigests.map((d) => d.slice(d.indexOf('@') + 1)).filter((d) => d !== '');
  return [...new Set([...(local.digest ? [local.digest] : []), ...fromRepo])];
}

/** What a check means for the image stored under that reference (undefined: none is stored). */
export function updateStatus(
  check: RegistryCheckResult,
  local: Pick<StoredImage, 'digest' | 'repoDigests'> | undefined,
): UpdateCheck {
  const localDigests = local ? localDigestsOf(local) : [];
  if (!check.ok) {
    return { status: 'unknown', remoteDigest: undefined, localDigests, reason: `${check.code}: ${check.message}` };
  }
  const remoteDigest = check.digest;
  if (!local) return { status: 'unknown', remoteDigest, localDigests, reason: `${check.image} is not stored locally` };
  if (localDigests.length === 0) {
    return {
      status: 'unknown',
      remoteDigest,
      localDigests,
      reason: `the stored ${check.image} has no digest from a registry (built or imported here?)`,
    };
  }
  if (localDigests.includes(remoteDigest)) return { status: 'up-to-date', remoteDigest, localDigests };
  if (INDEX_MEDIA_TYPES.includes(check.mediaType)) {
    return {
      status: 'update-available',
      remoteDigest,
      localDigests,
      reason: "the tag's index changed; the image of this platform may be among the changes",
    };
  }
  return { status: 'update-available', remoteDigest, localDigests };
}

export const DEFAULT_CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;
export const DEFAULT_CHECK_JITTER = 0.1;

/**
 * When to check next: `last` + `intervalMs`, moved by up to ±`jitterFraction` of it (`random()` in [0, 1), so
 * checks of many compartments spread out). Never checked (`last` undefined): the epoch, i.e. due now.
 */
export function nextCheckAt(
  last: Date | undefined,
  intervalMs: number = DEFAULT_CHECK_INTERVAL_MS,
  jitterFraction: number = DEFAULT_CHECK_JITTER,
  random: () => number = Math.random,
): Date {
  if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw new RangeError(`bad check interval ${intervalMs} ms`);
  if (!(jitterFraction >= 0 && jitterFraction < 1)) throw new RangeError(`bad jitter fraction ${jitterFraction}`);
  if (last === undefined) return new Date(0);
  const r = random();
  if (!(r >= 0 && r < 1)) throw new RangeError(`random() gave ${r}, not a number in [0, 1)`);
  return new Date(last.getTime() + Math.round(intervalMs * (1 + jitterFraction * (2 * r - 1))));
}

/** An update check as it is kept: the image, the units that run it, when and what was found. */
export interface ImageCheckRecord {
  image: string;
  units: string[];
  /** ISO time of the check. */
  checkedAt: string;
  status: UpdateStatus;
  remoteDigest: string | null;
  localDigests: string[];
  reason: string | null;
}
