// The golden fixtures (fixtures/<name>/): a compose project as it would sit in /project, with an optional
// options.json ({ profiles, env, environment, podmanVersion }). Read for the golden and the oracle tests.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConvertOptions } from './convert.js';

export const FIXTURES = join(__dirname, 'fixtures');
export const PROJECT = '/project';

export const fixtureNames = (): string[] =>
  readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

/** The convert options of a fixture: its compose.yaml (and compose.override.yaml), files read from its folder. */
export function fixtureOptions(name: string): ConvertOptions {
  const dir = join(FIXTURES, name);
  const readFile = (p: string) => {
    if (!p.startsWith(`${PROJECT}/`)) return undefined;
    const real = join(dir, p.slice(PROJECT.length + 1));
    return existsSync(real) ? readFileSync(real, 'utf8') : undefined;
  };
  const files = ['compose.yaml', 'compose.override.yaml']
    .filter((f) => existsSync(join(dir, f)))
    .map((f) => ({ path: `${PROJECT}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
  const optionsFile = join(dir, 'options.json');
  const options = existsSync(optionsFile) ? JSON.parse(readFileSync(optionsFile, 'utf8')) : {};
  return { files, readFile, home: '/home/alice', environment: {}, ...options };
}
