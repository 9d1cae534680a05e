/**
 * Which images an apply must pull before it stops anything: the images of the Quadlet units it adds or changes
 * (core/images/unit-images.ts reads them as their units would pull them at start), one entry per image with the
 * policy that pulls most. Pure.
 *
 * Images from `localhost/` exist only in local storage (built, imported or loaded): they come from no
 * registry, so they are only checked for presence, whatever the unit says. `.build` bases are left to the build.
 */
import { tryParseReference } from '../images/reference.js';
import { type PullPolicy, unitImages } from '../images/unit-images.js';

export interface ImagePull {
  image: string;
  policy: PullPolicy;
  /** The Quadlet files that need it. */
  units: string[];
}

/** An image that only local storage has: no registry serves `localhost/…`. */
export const isLocalImage = (image: string): boolean => image.startsWith('localhost/');

/** When two units need one image with different policies, the one that pulls most wins. */
const STRENGTH: Record<PullPolicy, number> = { never: 0, missing: 1, newer: 2, always: 3 };

/** The images to pull for `changed` (Quadlet file names) of the set `files` (Quadlet file name → text). */
export function imagesToPull(files: ReadonlyMap<string, string>, changed: readonly string[]): ImagePull[] {
  const wanted = new Set(changed);
  const out = new Map<string, ImagePull>();
  for (const need of unitImages(files)) {
    const image = need.image;
    if (!wanted.has(need.unit) || image === undefined || need.pull === 'never') continue;
    const policy: PullPolicy = isLocalImage(image) ? 'missing' : need.pull;
    const seen = out.get(image);
    if (!seen) out.set(image, { image, policy, units: [need.unit] });
    else {
      if (STRENGTH[policy] > STRENGTH[seen.policy]) seen.policy = policy;
      if (!seen.units.includes(need.unit)) seen.units.push(need.unit);
    }
  }
  return [...out.values()];
}

/**
 * The short image names (no registry) that `changed` units name, whatever their pull policy: which registry such
 * a name comes from depends on the host's configuration, and an unattended pull cannot ask, so an apply refuses
 * them. `localhost/` names and references that do not parse (the linter reports those) are not short names.
 */
export function shortImageNames(files: ReadonlyMap<string, string>, changed: readonly string[]): string[] {
  const wanted = new Set(changed);
  const out = new Set<string>();
  for (const need of unitImages(files)) {
    if (!wanted.has(need.unit) || need.image === undefined || isLocalImage(need.image)) continue;
    const ref = tryParseReference(need.image);
    if (ref && ref.registry === undefined) out.add(need.image);
  }
  return [...out];
}
