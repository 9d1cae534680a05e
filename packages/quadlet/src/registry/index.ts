/**
 * The key registry: every section and key Quadlet understands, with the Podman version that introduced it,
 * plus systemd's own sections for `[Unit]`, `[Service]`, `[Install]` and `[Timer]`. Pure data and lookups.
 */
import { ARTIFACT_SECTION } from './sections/artifact';
import { BUILD_SECTION } from './sections/build';
import { CONTAINER_SECTION } from './sections/container';
import { IMAGE_SECTION } from './sections/image';
import { KUBE_SECTION } from './sections/kube';
import { NETWORK_SECTION } from './sections/network';
import { POD_SECTION } from './sections/pod';
import { QUADLET_SECTION } from './sections/quadlet';
import { VOLUME_SECTION } from './sections/volume';
import { type KeyDef, MAIN_SECTION, type PodmanVersion, type SectionDef, UNIT_TYPES, type UnitType } from './types';
import { compareVersions, isAvailable } from './version';

export type { SystemdKeyDef, SystemdSectionDef, SystemdUnitType } from './systemd';
export {
  findSystemdKey,
  findSystemdSection,
  LISTEN_KEYS,
  SYSTEMD_SECTIONS,
  systemdSectionsForFile,
  systemdUnitTypeOfFile,
  WATCH_KEYS,
} from './systemd';
export * from './types';
export { compareVersions, isAvailable, NEWEST_PODMAN, OLDEST_PODMAN, parseVersion } from './version';

/** Every Quadlet section: the main section of each unit type, then the shared `[Quadlet]` section. */
export const SECTIONS: readonly SectionDef[] = [
  CONTAINER_SECTION,
  POD_SECTION,
  NETWORK_SECTION,
  VOLUME_SECTION,
  IMAGE_SECTION,
  BUILD_SECTION,
  KUBE_SECTION,
  ARTIFACT_SECTION,
  QUADLET_SECTION,
];

const sectionsByName = new Map(SECTIONS.map((s) => [s.name, s]));
const keysBySection = new Map(SECTIONS.map((s) => [s.name, new Map(s.keys.map((k) => [k.key, k]))]));

/** The section called `name` (case-sensitive, as in unit files), if Quadlet has one. */
export function findSection(name: string): SectionDef | undefined {
  return sectionsByName.get(name);
}

/** The key `key` of `section` (a name or a definition), spelled exactly; `undefined` when Quadlet has no such key. */
export function findKey(section: string | SectionDef, key: string): KeyDef | undefined {
  const name = typeof section === 'string' ? section : section.name;
  return keysBySection.get(name)?.get(key);
}

/** The main section of a unit type (`[Container]` for `container`, …). */
export function mainSection(type: UnitType): SectionDef {
  return sectionsByName.get(MAIN_SECTION[type])!;
}

/** The Quadlet sections a unit of `type` may contain: its main section and `[Quadlet]`. */
export function sectionsForUnitType(type: UnitType): readonly SectionDef[] {
  return SECTIONS.filter((s) => s.unitTypes.includes(type));
}

/** The keys of `section` that exist in Podman `version` (`major.minor`, or a full version). */
export function keysAt(section: string | SectionDef, version: PodmanVersion | string): readonly KeyDef[] {
  const def = typeof section === 'string' ? findSection(section) : section;
  if (!def) return [];
  return def.keys.filter((k) => isAvailable(k.since, version));
}

/** True when `key` of `section` is accepted by Podman `version`. */
export function isKeyAvailable(section: string | SectionDef, key: string, version: PodmanVersion | string): boolean {
  const def = findKey(section, key);
  return def !== undefined && compareVersions(def.since, version) <= 0;
}

/**
 * The Quadlet unit type of a file name or path: `web.container`, `web@.container`, `dir/web@1.container`, and
 * drop-ins such as `web.container.d/10-x.conf` or `container.d/10-x.conf`. `undefined` for anything else.
 */
export function unitTypeOfFile(fileName: string): UnitType | undefined {
  // the common case, a plain file name (this runs for every file and reference a set has)
  if (!fileName.includes('/') && !fileName.endsWith('.conf')) {
    const dot = fileName.lastIndexOf('.');
    return dot <= 0 ? undefined : asUnitType(fileName.slice(dot + 1));
  }
  const parts = fileName.split('/').filter((p) => p !== '');
  const base = parts.at(-1);
  if (base === undefined) return undefined;
  if (base.endsWith('.conf') && parts.length >= 2) {
    const dir = parts.at(-2)!;
    const m = /(?:^|\.)([a-z]+)\.d$/.exec(dir);
    return m ? asUnitType(m[1]!) : undefined;
  }
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return asUnitType(base.slice(dot + 1));
}

const UNIT_TYPE_SET: ReadonlySet<string> = new Set(UNIT_TYPES);

function asUnitType(ext: string): UnitType | undefined {
  return UNIT_TYPE_SET.has(ext) ? (ext as UnitType) : undefined;
}
