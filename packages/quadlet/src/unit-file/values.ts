/**
 * Typed lookups built on the word splitter, matching Podman's helpers: `LookupLastArgs` (Exec),
 * `LookupAllArgs` (PodmanArgs, GlobalArgs), `LookupAllStrv` (WantedBy, Alias…) and `LookupAllKeyVal`
 * (Environment, Label, Annotation…).
 */
import { getAll, getLast } from './query';
import type { UnitFile } from './types';
import { type SplitMode, splitWords } from './words';

/** Words of the last assignment (`LookupLastArgs`); `error` when Podman cannot split it. */
export function getLastWords(
  u: UnitFile,
  section: string,
  key: string,
): { words: string[]; error?: string } | undefined {
  const e = getLast(u, section, key);
  if (e === undefined) return undefined;
  const r = splitWords(e.value, 'args');
  return r.error === undefined ? { words: r.words } : { words: [], error: r.error };
}

/** Words of every assignment that counts, concatenated; values Podman cannot split contribute nothing. */
export function getAllWords(u: UnitFile, section: string, key: string, mode: SplitMode = 'args'): string[] {
  return getAll(u, section, key).flatMap((e) => splitWords(e.value, mode).words);
}

/**
 * `KEY=VALUE` words of every assignment that counts, later keys overriding earlier ones (`LookupAllKeyVal`).
 * A word without `=` maps to `undefined` (Podman passes it on as a bare name, e.g. `--env NAME`).
 */
export function getKeyValues(u: UnitFile, section: string, key: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const w of getAllWords(u, section, key, 'args')) {
    const eq = w.indexOf('=');
    if (eq === -1) out.set(w, undefined);
    else out.set(w.slice(0, eq), w.slice(eq + 1));
  }
  return out;
}
