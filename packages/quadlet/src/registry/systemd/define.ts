/**
 * A compact way to write systemd key entries.
 */
import type { ValueKind } from '../types';
import type { SystemdKeyDef } from './types';

type Extras = Partial<Omit<SystemdKeyDef, 'key' | 'summary' | 'kind'>>;

export function sk(key: string, kind: ValueKind | undefined, summary: string, extras: Extras = {}): SystemdKeyDef {
  return kind === undefined
    ? { key, summary, repeat: false, ...extras }
    : { key, kind, summary, repeat: false, ...extras };
}

/** Shorthand for a key that may be repeated. */
export function list(key: string, kind: ValueKind | undefined, summary: string, extras: Extras = {}): SystemdKeyDef {
  return sk(key, kind, summary, { ...extras, repeat: true });
}

/** The deprecation note of an old spelling systemd keeps reading. */
export const OLD_NAME = (replacement: string): string => `Old name kept for compatibility; use ${replacement}.`;
