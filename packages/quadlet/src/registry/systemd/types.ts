/**
 * Types of systemd's own sections. Quadlet passes these through untouched; the registry lists their keys so the
 * linter can flag misspelt or unknown ones.
 */
import type { ValueKind } from '../types';

/** The systemd unit files the linter and formatter handle next to Quadlet units (by their suffix). */
export type SystemdUnitType = 'service' | 'socket' | 'timer' | 'target' | 'path';

export interface SystemdKeyDef {
  /** Exactly as systemd spells it. */
  key: string;
  /** May appear more than once (lists accumulate; an empty assignment resets). */
  repeat: boolean;
  /** One line, in quadletman's own words. */
  summary: string;
  /** What the value looks like, where obvious. */
  kind?: ValueKind;
  /** Allowed values for `enum` (and suggested values for others). */
  values?: readonly string[];
  /** Why the key is deprecated and what replaces it. */
  deprecated?: string;
}

export interface SystemdSectionDef {
  /** `Unit`, `Service`, `Install`, `Timer`, `Socket` or `Path`. */
  name: string;
  keys: readonly SystemdKeyDef[];
}
