// Which images a set of Quadlet unit files needs pulled, and by which pull policy: `.container` Image= (through
// the `.image` unit it names), `.image` units, `.volume` units with Driver=image, and `.build` units, whose base
// images are named in their Containerfile (reported with the reason 'build', no image). Read with the library's
// unit-file parser (last assignment wins, quotes as Podman strips them); drop-ins are not read. Pure.

import {
  compareCodePoints,
  getAllValues,
  isDropIn,
  lookup,
  parseUnitFile,
  type UnitFile,
  unitTypeOfFile,
} from '@quadletman/quadlet';

export type PullPolicy = 'missing' | 'always' | 'newer' | 'never';
export type ImageNeed = 'container' | 'image' | 'volume' | 'build';

export interface UnitImage {
  /** The unit file that needs the image. */
  unit: string;
  reason: ImageNeed;
  /**
   * The reference to pull, as written (a `.image` unit's Image= for a container or volume that names it).
   * Undefined for 'build' (its base images are in the Containerfile) and for a `.image` unit the set lacks.
   */
  image: string | undefined;
  /** The `.image` unit the reference was read from. */
  via?: string;
  /** The name the image gets locally when it differs from `image` (a `.image` unit's ImageTag=, a build's first ImageTag=). */
  localName?: string;
  /** The policy in force: Pull= (containers, builds), Policy= (`.image` units), 'missing' when unset. */
  pull: PullPolicy;
  /** What is wrong, when the unit cannot be served as written (an unknown policy, a missing `.image` unit). */
  problem?: string;
}

/**
 * Podman's pull policy words (containers/common `ParsePullPolicy`: any case; `ifmissing`, `ifnotpresent`,
 * `ifnewer` are synonyms); undefined for anything else.
 */
export function parsePullPolicy(value: string): PullPolicy | undefined {
  switch (value.toLowerCase()) {
    case '':
    case 'missing':
    case 'ifmissing':
    case 'ifnotpresent':
      return 'missing';
    case 'always':
      return 'always';
    case 'newer':
    case 'ifnewer':
      return 'newer';
    case 'never':
      return 'never';
    default:
      return undefined;
  }
}

const baseName = (name: string): string => name.slice(name.lastIndexOf('/') + 1);

/** The images each unit of `files` (file name → text) needs, in file-name order. */
export function unitImages(files: ReadonlyMap<string, string>): UnitImage[] {
  const units = new Map<string, UnitFile>();
  for (const [name, text] of files) {
    if (isDropIn(name) || unitTypeOfFile(name) === undefined) continue;
    units.set(baseName(name), parseUnitFile(text));
  }
  const out: UnitImage[] = [];
  for (const name of [...units.keys()].sort(compareCodePoints)) {
    const u = units.get(name)!;
    const type = unitTypeOfFile(name);
    if (type === 'container') {
      const image = lookup(u, 'Container', 'Image');
      const need = image && throughImageUnit(name, 'container', image, policy(u, 'Container', 'Pull'), units);
      if (need) out.push(need);
    } else if (type === 'volume') {
      const image = lookup(u, 'Volume', 'Image');
      const need =
        image && lookup(u, 'Volume', 'Driver') === 'image' && throughImageUnit(name, 'volume', image, MISSING, units);
      if (need) out.push(need);
    } else if (type === 'image') {
      const image = lookup(u, 'Image', 'Image');
      if (image)
        out.push({ unit: name, reason: 'image', image, ...localName(u, image), ...policy(u, 'Image', 'Policy') });
    } else if (type === 'build') {
      const tag = getAllValues(u, 'Build', 'ImageTag')[0]?.trim(); // the first names the image for other units
      out.push({
        unit: name,
        reason: 'build',
        image: undefined,
        ...(tag ? { localName: tag } : {}),
        ...policy(u, 'Build', 'Pull'),
      });
    }
  }
  return out;
}

const MISSING = { pull: 'missing' } as const;

/** A container's or volume's Image=: a `.build` unit's image is built, not pulled (undefined); a `.image` unit's is read there. */
function throughImageUnit(
  unit: string,
  reason: ImageNeed,
  image: string,
  pull: Pick<UnitImage, 'pull' | 'problem'>,
  units: ReadonlyMap<string, UnitFile>,
): UnitImage | undefined {
  if (image.endsWith('.build')) return undefined;
  if (!image.endsWith('.image')) return { unit, reason, image, ...pull };
  const target = units.get(image);
  const pulled = target && lookup(target, 'Image', 'Image');
  if (!target || !pulled)
    return {
      unit,
      reason,
      image: undefined,
      via: image,
      ...pull,
      problem: `${image} is not in the set, or names no Image=`,
    };
  return { unit, reason, image: pulled, via: image, ...localName(target, pulled), ...pull };
}

function localName(u: UnitFile, image: string): { localName?: string } {
  const tag = lookup(u, 'Image', 'ImageTag');
  return tag && tag !== image ? { localName: tag } : {};
}

function policy(u: UnitFile, section: string, key: string): Pick<UnitImage, 'pull' | 'problem'> {
  const value = lookup(u, section, key);
  if (value === undefined) return MISSING;
  const pull = parsePullPolicy(value);
  return pull
    ? { pull }
    : { pull: 'missing', problem: `${key}=${value} is not a pull policy (missing, always, newer, never)` };
}
