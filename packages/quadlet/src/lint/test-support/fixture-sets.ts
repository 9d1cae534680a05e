/**
 * Test helper (not part of the library's API; reads the disk, so only tests import it): the fixture corpus
 * of unit sets under packages/quadlet/fixtures/sets, one folder a set, with its expect.json beside.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDropIn, isSystemdUnitFile, unitTypeOf } from '../index';
import type { LintFile } from '../types';

export const FIXTURE_SETS = join(__dirname, '../../../fixtures/sets');

export const fixtureSetNames = (): string[] =>
  readdirSync(FIXTURE_SETS).filter((d) => statSync(join(FIXTURE_SETS, d)).isDirectory());

/** A set's unit files (systemd's own too) and drop-ins with their text, and the paths of its other files. */
export function readFixtureSet(dir: string): { files: LintFile[]; others: string[] } {
  const files: LintFile[] = [];
  const others: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const abs = join(d, name);
      const rel = relative(dir, abs);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (name === 'expect.json') continue;
      else if (isDropIn(rel) || unitTypeOf(rel) || isSystemdUnitFile(rel))
        files.push({ path: rel, text: readFileSync(abs, 'utf8') });
      else others.push(rel);
    }
  };
  walk(dir);
  return { files, others };
}
