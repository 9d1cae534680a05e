/**
 * Test helper (not part of the library's API; reads the disk, so only tests import it): the corpus of systemd
 * unit folders under packages/quadlet/fixtures/systemd, one folder a case. Each holds its unit files (and
 * drop-ins, in `<unit>.d/` folders) and an expect.json:
 *
 *   { "about": "what the case shows", "files": { "<path in the folder>": ["<lint code>", …] } }
 *
 * `files` lists every unit file and drop-in of the case with the sorted, distinct codes of its diagnostics.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LintFile } from '../types';
import { readFixtureSet } from './fixture-sets';

export const SYSTEMD_FIXTURES = join(__dirname, '../../../fixtures/systemd');

export interface SystemdFixtureExpect {
  about: string;
  files: Record<string, string[]>;
}

export const systemdFixtureNames = (): string[] =>
  readdirSync(SYSTEMD_FIXTURES)
    .filter((d) => statSync(join(SYSTEMD_FIXTURES, d)).isDirectory())
    .sort();

export function readSystemdFixture(name: string): {
  files: LintFile[];
  others: string[];
  expect: SystemdFixtureExpect;
} {
  const dir = join(SYSTEMD_FIXTURES, name);
  const { files, others } = readFixtureSet(dir);
  const expect = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8')) as SystemdFixtureExpect;
  return { files, others, expect };
}
