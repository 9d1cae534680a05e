/**
 * Read-only queries with Podman's semantics: sections of the same name are one section, the last assignment
 * of a key wins (`Lookup`), and for lists an empty assignment drops everything assigned before it (`LookupAll`).
 */
import type { PodmanVersion } from '../registry/types';
import { compareVersions, NEWEST_PODMAN } from '../registry/version';
import type { EntryNode, InvalidNode, UnitFile } from './types';
import { trimGoSpaceEnd } from './whitespace';

/** Section names in order of first appearance (a name that appears twice is listed once). */
export function listSections(u: UnitFile): string[] {
  const seen = new Set<string>();
  for (const n of u.nodes) if (n.kind === 'section') seen.add(n.name);
  return [...seen];
}

/** Every entry, in file order; only those of `section` when given. */
export function getEntries(u: UnitFile, section?: string): EntryNode[] {
  return u.nodes.filter((n): n is EntryNode => n.kind === 'entry' && (section === undefined || n.section === section));
}

/** Distinct keys of a section in order of first appearance (Podman's `ListKeys`). */
export function listKeys(u: UnitFile, section: string): string[] {
  return [...new Set(getEntries(u, section).map((e) => e.key))];
}

/** The last assignment of `key` in `section`, even when it is empty (Podman's `LookupLast`). */
export function getLast(u: UnitFile, section: string, key: string): EntryNode | undefined {
  for (let i = u.nodes.length - 1; i >= 0; i--) {
    const n = u.nodes[i]!;
    if (n.kind === 'entry' && n.section === section && n.key === key) return n;
  }
  return undefined;
}

/** The assignments of a list key that count: those after the last empty assignment (Podman's `LookupAll`). */
export function getAll(u: UnitFile, section: string, key: string): EntryNode[] {
  let out: EntryNode[] = [];
  for (const n of u.nodes) {
    if (n.kind !== 'entry' || n.section !== section || n.key !== key) continue;
    if (n.value === '') out = [];
    else out.push(n);
  }
  return out;
}

/** Values of {@link getAll}. */
export const getAllValues = (u: UnitFile, section: string, key: string): string[] =>
  getAll(u, section, key).map((e) => e.value);

/**
 * How Podman's `Lookup` treats double quotes around a single value (pkg/systemd/parser/unitfile.go):
 * - `none`: kept, as before 5.0;
 * - `trim-all`: every leading and trailing `"` is stripped, 5.0 to 5.7 (commit 9d0da9d, first in v5.0.0;
 *   checked on 5.4.2), so `"a` reads `a` and `"` reads as empty;
 * - `matched-pair`: one pair is stripped when the value both starts and ends with `"` (and has two
 *   characters at least), any other quote is kept, from 5.8 on (PR 28414, commit cf6404f on the 6.0
 *   development branch, backported to v5.8.2 as 9c26273; checked on 5.8.6 and 6.1.1).
 * Versions here are `major.minor`, so `5.8` stands for its later patch releases: 5.8.0 and 5.8.1 still trim all.
 */
export type LookupQuoting = 'trim-all' | 'matched-pair' | 'none';

/** The quoting of Podman `version`'s `Lookup` (see {@link LookupQuoting}). */
export function lookupQuoting(version: PodmanVersion): LookupQuoting {
  if (compareVersions(version, '5.0') < 0) return 'none';
  return compareVersions(version, '5.8') < 0 ? 'trim-all' : 'matched-pair';
}

// Memoized: the linter unquotes a value for every key it reads.
const quotings = new Map<string, LookupQuoting>([
  ['trim-all', 'trim-all'],
  ['matched-pair', 'matched-pair'],
  ['none', 'none'],
]);

/** A quoting given directly, or the one of a Podman version. */
function quotingOf(q: LookupQuoting | PodmanVersion): LookupQuoting {
  let out = quotings.get(q);
  if (out === undefined) {
    out = lookupQuoting(q as PodmanVersion);
    quotings.set(q, out);
  }
  return out;
}

/**
 * A single value as Podman's `Lookup` reads it: the last assignment, trailing whitespace removed and quotes
 * stripped as the Podman version (default the newest) or `quoting` says. `undefined` when the key is absent.
 */
export function lookup(
  u: UnitFile,
  section: string,
  key: string,
  quoting: LookupQuoting | PodmanVersion = NEWEST_PODMAN,
): string | undefined {
  const e = getLast(u, section, key);
  return e === undefined ? undefined : unquoteLookupValue(e.value, quoting);
}

/**
 * The value transformation of Podman's `Lookup` (trim right, then strip quotes as the Podman version, default
 * the newest, or `quoting` says).
 */
export function unquoteLookupValue(value: string, quoting: LookupQuoting | PodmanVersion = NEWEST_PODMAN): string {
  const v = trimGoSpaceEnd(value);
  const q = quotingOf(quoting);
  if (q === 'trim-all') {
    if (v.charCodeAt(0) !== 0x22 && v.charCodeAt(v.length - 1) !== 0x22) return v; // no quote at either end
    return v.replace(/^"+/, '').replace(/"+$/, '');
  }
  if (q === 'matched-pair') return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
  return v;
}

const TRUE_WORDS = new Set(['1', 'yes', 'true', 'on']);

/** Podman's `LookupBoolean`: `1`, `yes`, `true`, `on` (any case) are true, anything else false. */
export function lookupBoolean(
  u: UnitFile,
  section: string,
  key: string,
  quoting: LookupQuoting | PodmanVersion = NEWEST_PODMAN,
): boolean | undefined {
  const v = lookup(u, section, key, quoting);
  return v === undefined ? undefined : TRUE_WORDS.has(v.toLowerCase());
}

/** Nodes that make Podman refuse the whole file (invalid lines it does not merely skip). */
export const fatalNodes = (u: UnitFile): InvalidNode[] =>
  u.nodes.filter((n): n is InvalidNode => n.kind === 'invalid' && !n.ignored);
