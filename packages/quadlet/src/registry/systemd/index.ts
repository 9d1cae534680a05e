/**
 * systemd's own sections: `[Unit]`, `[Service]`, `[Install]` (in Quadlet units and service files), `[Timer]`
 * (in timer files), `[Socket]` (in socket files) and `[Path]` (in path files). Quadlet does not check these
 * keys; the linter uses the lists to warn about unknown ones.
 */
import { INSTALL_SECTION } from './install';
import { PATH_SECTION } from './path';
import { SERVICE_SECTION } from './service';
import { SOCKET_SECTION } from './socket';
import { TIMER_SECTION } from './timer';
import type { SystemdKeyDef, SystemdSectionDef, SystemdUnitType } from './types';
import { UNIT_SECTION } from './unit';

export { WATCH_KEYS } from './path';
export { LISTEN_KEYS } from './socket';
export type { SystemdKeyDef, SystemdSectionDef, SystemdUnitType } from './types';

export const SYSTEMD_SECTIONS: readonly SystemdSectionDef[] = [
  UNIT_SECTION,
  SERVICE_SECTION,
  INSTALL_SECTION,
  TIMER_SECTION,
  SOCKET_SECTION,
  PATH_SECTION,
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

const SYSTEMD_UNIT_TYPES: readonly SystemdUnitType[] = ['service', 'socket', 'timer', 'target', 'path'];

/**
 * The systemd unit type of a file by its name: `backup.timer` → timer, and for a drop-in, the type of its
 * folder (`web.socket.d/10-x.conf`, `web-.socket.d/…` and the type-wide `socket.d/…` → socket). Undefined for
 * Quadlet units and anything else.
 */
export function systemdUnitTypeOfFile(fileName: string): SystemdUnitType | undefined {
  const parts = fileName.split('/');
  const base = parts[parts.length - 1]!;
  const folder = parts.length >= 2 ? parts[parts.length - 2]! : '';
  const dropIn = base.endsWith('.conf') && folder.endsWith('.d');
  const unit = dropIn ? folder.slice(0, -'.d'.length) : base;
  const dot = unit.lastIndexOf('.');
  // (a unit file needs a name before its suffix; a type-wide drop-in folder is the bare suffix)
  if (dot <= 0 && !(dropIn && dot === -1)) return undefined;
  const suffix = unit.slice(dot + 1);
  return (SYSTEMD_UNIT_TYPES as readonly string[]).includes(suffix) ? (suffix as SystemdUnitType) : undefined;
}

/** The systemd sections each systemd unit type takes. */
const SECTIONS_OF: Record<SystemdUnitType, readonly SystemdSectionDef[]> = {
  service: [UNIT_SECTION, SERVICE_SECTION, INSTALL_SECTION],
  socket: [UNIT_SECTION, SOCKET_SECTION, INSTALL_SECTION],
  timer: [UNIT_SECTION, TIMER_SECTION, INSTALL_SECTION],
  target: [UNIT_SECTION, INSTALL_SECTION],
  path: [UNIT_SECTION, PATH_SECTION, INSTALL_SECTION],
};

/**
 * The systemd sections that belong in a file, by its suffix (drop-ins by their folder's): `.socket` files get
 * Unit, Socket and Install; `.timer` Unit, Timer and Install; `.path` Unit, Path and Install; `.target` Unit
 * and Install; everything else (Quadlet units, services) Unit, Service and Install.
 */
export function systemdSectionsForFile(fileName: string): readonly SystemdSectionDef[] {
  return SECTIONS_OF[systemdUnitTypeOfFile(fileName) ?? 'service'];
}
