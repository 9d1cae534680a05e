// Where a compartment's rendered files live, relative to the compartment user's home, and where its managed
// host volumes live on the machine. Pure constants and path helpers: the apply engine joins these with the
// session's home through host/ (ConfinedFs), which refuses anything that leaves the home.

import type { CompartmentId } from './ids.js';

/** Quadlet sources (`.container`, `.network`, …) and files placed beside them (kube YAML, drop-ins). */
export const QUADLET_DIR = '.config/containers/systemd';
/** Plain systemd user units quadletman renders (the `.timer` of a timer job). */
export const SYSTEMD_USER_DIR = '.config/systemd/user';
/** Environment files, seccomp profiles and other config files of the compartment. */
export const FILES_DIR = '.config/quadletman/files';
/** The same folder as units refer to it: systemd expands `%h` to the home of the user manager. */
export const FILES_DIR_SPECIFIER = `%h/${FILES_DIR}`;

/** quadletman's own data: the database. */
export const DEFAULT_DATA_DIR = '/var/lib/quadletman';
/** The database's file in the data folder. */
export const DB_FILE = 'quadletman.db';

/** Where compartment users' homes are made: `<base>/qm-<id>`. */
export const DEFAULT_HOME_BASE = '/var/lib/quadletman/home';

/** Root of managed host volumes: `<root>/<compartment>/<volume>`. */
export const DEFAULT_VOLUMES_ROOT = '/var/lib/quadletman/volumes';

export const hostVolumePath = (root: string, compartment: CompartmentId, volume: string): string =>
  `${root.replace(/\/+$/, '')}/${compartment}/${volume}`;

/** Which folder a home-relative path is in. */
export type FileArea = 'quadlet' | 'systemd' | 'files';

export function areaOf(path: string): FileArea | undefined {
  if (path.startsWith(`${QUADLET_DIR}/`)) return 'quadlet';
  if (path.startsWith(`${SYSTEMD_USER_DIR}/`)) return 'systemd';
  if (path.startsWith(`${FILES_DIR}/`)) return 'files';
  return undefined;
}

/** The path inside its area (`.config/containers/systemd/web.container` → `web.container`). */
export function pathInArea(path: string): string {
  for (const dir of [QUADLET_DIR, SYSTEMD_USER_DIR, FILES_DIR]) {
    if (path.startsWith(`${dir}/`)) return path.slice(dir.length + 1);
  }
  return path;
}
