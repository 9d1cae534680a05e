/**
 * A compact way to write registry entries: `key(name, kind, since, summary, extras)`.
 */
import type { KeyDef, PodmanVersion, ValueKind } from './types';

type Extras = Partial<Omit<KeyDef, 'key' | 'kind' | 'since' | 'summary'>>;

export function key(name: string, kind: ValueKind, since: PodmanVersion, summary: string, extras: Extras = {}): KeyDef {
  return { key: name, kind, since, summary, repeat: false, ...extras };
}

/** The same key with some fields changed, for keys shared by several sections. */
export function withChanges(def: KeyDef, changes: Partial<KeyDef>): KeyDef {
  return { ...def, ...changes };
}

/** Marks a key as one of the section's most-used keys, shown first in forms. */
export function common(def: KeyDef): KeyDef {
  return { ...def, common: true };
}
