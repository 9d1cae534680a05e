// The golden fixtures (fixtures/<name>/): a compose project as it would sit in /project, with an optional
// options.json ({ profiles, env, environment, podmanVersion }). Shared by the golden and the oracle tests, which
// hand in how to read (tests may touch the disk; this module, outside host/, may not).
import { join } from 'node:path';
import type { ConvertOptions } from './convert.js';

export const FIXTURES = join(__dirname, 'fixtures');
export const PROJECT = '/project';
/** The fixtures (the golden test checks that these are all the folders there are). */
export const FIXTURE_NAMES = ['forge', 'photos', 'wiki'];

/** Reads a file of the repository: its text, or undefined when there is none. */
export type ReadText = (path: string) => string | undefined;

/** The convert options of a fixture: its compose.yaml (and compose.override.yaml), files read from its folder. */
export function fixtureOptions(name: string, readText: ReadText): ConvertOptions {
  const dir = join(FIXTURES, name);
  const readFile = (p: string) =>
    p.startsWith(`${PROJECT}/`) ? readText(join(dir, p.slice(PROJECT.length + 1))) : undefined;
  const files = ['compose.yaml', 'compose.override.yaml'].flatMap((f) => {
    const text = readText(join(dir, f));
    return text === undefined ? [] : [{ path: `${PROJECT}/${f}`, text }];
  });
  const options = JSON.parse(readText(join(dir, 'options.json')) ?? '{}');
  return { files, readFile, home: '/home/alice', environment: {}, ...options };
}
