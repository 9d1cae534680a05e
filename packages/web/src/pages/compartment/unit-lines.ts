/**
 * The line a container unit needs to use one of the compartment's resources, and adding it to a unit's text.
 *
 * - A host volume is a folder on the machine: `Volume=<its path>:<path in the container>:Z` (`:Z` gives the
 *   folder the container's SELinux label, where SELinux is on).
 * - A Podman volume of the desired state is its `.volume` unit: `Volume=<name>.volume:<path>` (Quadlet makes the
 *   container wait for the volume); one Podman has that no state declares is named as it is.
 * - A config file is mounted read-only from where the apply writes it, in the compartment user's home (`%h`):
 *   `.config/quadletman/files/` for `in: files`, `.config/containers/systemd/` for `in: quadlet`. Written with
 *   `%h/…`, the plan sees that the unit uses the file and restarts it when the file changes.
 * - A secret is given as an environment variable (`Secret=<name>,type=env,target=VAR`) or as a file
 *   (`Secret=<name>`, read in the container at `/run/secrets/<name>`).
 */
import { addValue, parseUnitFile, serializeUnitFile } from '@quadletman/quadlet';

/** One `Key=value` line of a unit's [Container] section. */
export interface UnitLine {
  key: 'Volume' | 'Secret';
  value: string;
}

export const lineText = (l: UnitLine): string => `${l.key}=${l.value}`;

export function volumeLine(v: { kind: 'host' | 'podman'; mountSource: string }, target: string): UnitLine {
  return { key: 'Volume', value: v.kind === 'host' ? `${v.mountSource}:${target}:Z` : `${v.mountSource}:${target}` };
}

/** Where the apply writes a config file, as a unit names it (`%h/…`). */
export const filePath = (f: { path: string; in: 'files' | 'quadlet' }): string =>
  `%h/${f.in === 'files' ? '.config/quadletman/files' : '.config/containers/systemd'}/${f.path}`;

export const fileLine = (f: { path: string; in: 'files' | 'quadlet' }, target: string): UnitLine => ({
  key: 'Volume',
  value: `${filePath(f)}:${target}:ro,Z`,
});

/** A suggested path for a config file in the container. */
export const fileTarget = (path: string): string => `/etc/config/${path}`;

/** An environment variable name for a secret: `db-password` → `DB_PASSWORD`. */
export function envName(secret: string): string {
  const name = secret.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

export const secretLine = (name: string, how: 'env' | 'file', variable: string): UnitLine => ({
  key: 'Secret',
  value: how === 'env' ? `${name},type=env,target=${variable}` : name,
});

/** Whether a unit already has exactly this line in its [Container] section. */
export function hasLine(text: string, line: UnitLine): boolean {
  return parseUnitFile(text).nodes.some(
    (n) => n.kind === 'entry' && n.section === 'Container' && n.key === line.key && n.value === line.value,
  );
}

/** The unit's text with the line added to its [Container] section; the rest of the text stays as it was. */
export const addLine = (text: string, line: UnitLine): string =>
  serializeUnitFile(addValue(parseUnitFile(text), 'Container', line.key, line.value));
