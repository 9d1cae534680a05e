/**
 * Read-only queries with Podman's semantics: sections of the same name are one section, the last assignment
 * of a key wins (`Lookup`), and for lists an empty assignment drops everything assigned before it (`LookupAll`).
 */
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
 * How Podman's `Lookup` treats double quotes around a single value. Podman 5.0–5.8 strip every leading and
 * trailing `"` (`trim-all`, the behaviour of the oracle, 5.4.2); releases from spring 2026 on strip one
 * matched pair only (`matched-pair`, Podman PR 28414). Before 5.0 quotes were kept (`none`).
 */
export type LookupQuoting = 'trim-all' | 'matched-pair' | 'none';

/**
 * A single value as Podman's `Lookup` reads it: the last assignment, trailing whitespace removed and quotes
 * stripped as `quoting` says. `undefined` when the key is absent.
 */
export function lookup(
  u: UnitFile,
  section: string,
  key: string,
  quoting: LookupQuoting = 'trim-all',
): string | undefined {
  const e = getLast(u, section, key);
  return e === undefined ? undefined : unquoteLookupValue(e.value, quoting);
}

/** The value transformation of Podman's `Lookup` (trim right, then strip quotes as `quoting` says). */
export function unquoteLookupValue(value: string, quoting: LookupQuoting = 'trim-all'): string {
  const v = trimGoSpaceEnd(value);
  if (quoting === 'trim-all') {
    if (v.charCodeAt(0) !== 0x22 && v.charCodeAt(v.length - 1) !== 0x22) return v; // no quote at either end
    return v.replace(/^"+/, '').replace(/"+$/, '');
  }
  if (quoting === 'matched-pair') return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
  return v;
}

const TRUE_WORDS = new Set(['1', 'yes', 'true', 'on']);

/** Podman's `LookupBoolean`: `1`, `yes`, `true`, `on` (any case) are true, anything else false. */
export function lookupBoolean(
  u: UnitFile,
  section: string,
  key: string,
  quoting: LookupQuoting = 'trim-all',
): boolean | undefined {
  const v = lookup(u, section, key, quoting);
  return v === undefined ? undefined : TRUE_WORDS.has(v.toLowerCase());
}

/** Nodes that make Podman refuse the whole file (invalid lines it does not merely skip). */
export const fatalNodes = (u: UnitFile): InvalidNode[] =>
  u.nodes.filter((n): n is InvalidNode => n.kind === 'invalid' && !n.ignored);
