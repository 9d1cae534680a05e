/**
 * systemd's own sections: `[Unit]`, `[Service]`, `[Install]` (in Quadlet units and service files) and `[Timer]`
 * (in timer files). Quadlet does not check these keys; the linter uses the lists to warn about unknown ones.
 */
import { INSTALL_SECTION } from './install';
import { SERVICE_SECTION } from './service';
import { TIMER_SECTION } from './timer';
import type { SystemdKeyDef, SystemdSectionDef } from './types';
import { UNIT_SECTION } from './unit';

export type { SystemdKeyDef, SystemdSectionDef, SystemdUnitType } from './types';

export const SYSTEMD_SECTIONS: readonly SystemdSectionDef[] = [
  UNIT_SECTION,
  SERVICE_SECTION,
  INSTALL_SECTION,
  TIMER_SECTION,
];

const byName = new Map(SYSTEMD_SECTIONS.map((s) => [s.name, s]));
const keysByName = new Map(SYSTEMD_SECTIONS.map((s) => [s.name, new Map(s.keys.map((k) => [k.key, k]))]));

/** The systemd section called `name` (case-sensitive). */
export function findSystemdSection(name: string): SystemdSectionDef | undefined {
  return byName.get(name);
}

/** The key `key` of systemd section `section`, spelled exactly. */
export function findSystemdKey(section: string, key: string): SystemdKeyDef | undefined {
  return keysByName.get(section)?.get(key);
}

/**
 * The systemd sections that belong in a file: `[Timer]` files get Unit, Timer and Install; everything else
 * (Quadlet units, services) gets Unit, Service and Install.
 */
export function systemdSectionsForFile(fileName: string): readonly SystemdSectionDef[] {
  const timer = /\.timer(?:\.d\/[^/]+\.conf)?$/.test(fileName);
  return timer ? [UNIT_SECTION, TIMER_SECTION, INSTALL_SECTION] : [UNIT_SECTION, SERVICE_SECTION, INSTALL_SECTION];
}
