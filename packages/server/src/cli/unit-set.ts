/**
 * Reads a Quadlet directory from disk as a unit set for the linter and the formatter: unit files and
 * drop-ins with their text, every other file by path only. Paths are relative to the directory.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDropIn, type LintFile, unitTypeOf } from '@quadletman/quadlet';

export interface UnitSet {
  root: string;
  files: LintFile[];
  otherFiles: string[];
}

/** Whether a path (relative to a set's root) is a Quadlet unit or a drop-in of one. */
export const isUnitOrDropIn = (path: string): boolean => isDropIn(path) || unitTypeOf(path) !== undefined;

export function readUnitSet(root: string): UnitSet {
  const files: LintFile[] = [];
  const otherFiles: string[] = [];
  const walk = (dir: string, relDir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      const abs = join(dir, e.name);
      // Symbolic links are followed, as the generator does: only then is a stat needed.
      const st = e.isSymbolicLink() ? statSync(abs, { throwIfNoEntry: false }) : e;
      if (!st) continue;
      const rel = relDir + e.name;
      if (st.isDirectory()) walk(abs, `${rel}/`);
      else if (st.isFile() && isUnitOrDropIn(rel)) files.push({ path: rel, text: readFileSync(abs, 'utf8') });
      else otherFiles.push(rel);
    }
  };
  walk(root, '');
  return { root, files, otherFiles };
}
