/**
 * Reads a Quadlet directory from disk as a unit set for the linter and the formatter: unit files, systemd's own
 * units (services, sockets, timers, targets, path units) and drop-ins with their text, every other file by path
 * only. Paths are relative to the directory.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isDropIn, isSystemdUnitFile, type LintFile, unitTypeOf } from '@quadletman/quadlet';

export interface UnitSet {
  root: string;
  files: LintFile[];
  otherFiles: string[];
}

/** Whether a path (relative to a set's root) is a Quadlet unit, a drop-in, or a systemd unit the linter knows
 * (`.service`, `.socket`, `.timer`, `.target`, `.path`). */
export const isUnitOrDropIn = (path: string): boolean =>
  isDropIn(path) || unitTypeOf(path) !== undefined || isSystemdUnitFile(path);

/** What the CLI says of a file argument that is none of those. */
export const NOT_A_UNIT_FILE =
  'not a Quadlet unit file, systemd unit (.service, .socket, .timer, .target, .path) or drop-in';

/** `dir`/`name` for an absolute, normalized `dir` (the root may be '/'); path.join's normalizing is not needed. */
const under = (dir: string, name: string): string => (dir.endsWith('/') ? dir + name : `${dir}/${name}`);

/** The paths of a set's unit files and drop-ins (relative to its root), and of its other files. */
export interface UnitSetPaths {
  paths: string[];
  otherFiles: string[];
}

/** Lists a Quadlet directory, recursively and sorted; symbolic links are followed, as the generator does. */
export function listUnitSet(root: string): UnitSetPaths {
  const paths: string[] = [];
  const otherFiles: string[] = [];
  const walk = (dir: string, relDir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      const abs = under(dir, e.name);
      // Only a symbolic link needs a stat of its own.
      const st = e.isSymbolicLink() ? statSync(abs, { throwIfNoEntry: false }) : e;
      if (!st) continue;
      const rel = relDir + e.name;
      if (st.isDirectory()) walk(abs, `${rel}/`);
      else if (st.isFile() && isUnitOrDropIn(rel)) paths.push(rel);
      else otherFiles.push(rel);
    }
  };
  walk(root, '');
  return { paths, otherFiles };
}

/** Reads a Quadlet directory: its unit files and drop-ins with their texts, its other files by path. */
export function readUnitSet(root: string): UnitSet {
  const { paths, otherFiles } = listUnitSet(root);
  return { root, files: paths.map((path) => ({ path, text: readFileSync(under(root, path), 'utf8') })), otherFiles };
}
