/**
 * Which images an apply must pull before it stops anything: the images of the Quadlet units it adds or changes,
 * read the way their units would pull them at start. Pure.
 *
 * - `.container`: `Image=` with `Pull=` (Podman's default policy `missing`); when `Image=` names a `.image`
 *   unit of the set, that unit's image (the `.image` unit is the one that pulls it).
 * - `.image`: `Image=` with `Policy=` (`podman image pull` pulls always by default).
 * - `.volume` with `Driver=image`: `Image=` (pulled when missing).
 * - `.build` bases are not known without reading the build context: a container on a `.build` unit is left to
 *   its build. `.kube` images live in the YAML and are left to `podman kube play`.
 *
 * Images from `localhost/` exist only in local storage (built, imported or loaded): they come from no
 * registry, so they are only checked for presence, whatever the unit says.
 */
import { lookup, parseUnitFile, type UnitFile } from '@quadletman/quadlet';

export type PullPolicy = 'always' | 'missing' | 'newer' | 'never';

export interface ImagePull {
  image: string;
  policy: PullPolicy;
  /** The Quadlet files that need it. */
  units: string[];
}

/** An image that only local storage has: no registry serves `localhost/…`. */
export const isLocalImage = (image: string): boolean => image.startsWith('localhost/');

const POLICIES = new Set<PullPolicy>(['always', 'missing', 'newer', 'never']);
/** When two units need one image with different policies, the one that pulls most wins. */
const STRENGTH: Record<PullPolicy, number> = { never: 0, missing: 1, newer: 2, always: 3 };

function policyOf(value: string | undefined, fallback: PullPolicy): PullPolicy {
  const v = value?.trim().toLowerCase();
  if (v === undefined || v === '') return fallback;
  // `true`/`false` are podman's older spellings of always/missing
  if (v === 'true') return 'always';
  if (v === 'false') return 'missing';
  return POLICIES.has(v as PullPolicy) ? (v as PullPolicy) : fallback;
}

/**
 * The images to pull for `changed` (Quadlet file names) of the set `files` (Quadlet file name → text), one entry
 * per image, in the order first needed.
 */
export function imagesToPull(files: ReadonlyMap<string, string>, changed: readonly string[]): ImagePull[] {
  const parsed = new Map<string, UnitFile>();
  const unit = (name: string): UnitFile | undefined => {
    if (!parsed.has(name)) {
      const text = files.get(name);
      if (text === undefined) return undefined;
      parsed.set(name, parseUnitFile(text));
    }
    return parsed.get(name);
  };
  const out = new Map<string, ImagePull>();
  const need = (image: string | undefined, policy: PullPolicy, file: string) => {
    if (!image || policy === 'never') return;
    const p: PullPolicy = isLocalImage(image) ? 'missing' : policy;
    const seen = out.get(image);
    if (!seen) out.set(image, { image, policy: p, units: [file] });
    else {
      if (STRENGTH[p] > STRENGTH[seen.policy]) seen.policy = p;
      if (!seen.units.includes(file)) seen.units.push(file);
    }
  };
  const imageUnit = (name: string, file: string) => {
    const u = unit(name);
    if (u) need(lookup(u, 'Image', 'Image'), policyOf(lookup(u, 'Image', 'Policy'), 'always'), file);
  };
  for (const file of changed) {
    const u = unit(file);
    if (!u) continue;
    if (file.endsWith('.container')) {
      const image = lookup(u, 'Container', 'Image');
      if (image?.endsWith('.image')) imageUnit(image, file);
      else if (!image?.endsWith('.build')) need(image, policyOf(lookup(u, 'Container', 'Pull'), 'missing'), file);
    } else if (file.endsWith('.image')) {
      imageUnit(file, file);
    } else if (file.endsWith('.volume') && lookup(u, 'Volume', 'Driver') === 'image') {
      need(lookup(u, 'Volume', 'Image'), 'missing', file);
    }
  }
  return [...out.values()];
}
