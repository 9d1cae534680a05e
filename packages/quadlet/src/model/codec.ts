/**
 * Reads and writes one typed section through its field table. Reading consumes the entries it models; an
 * entry whose value cannot be modelled faithfully (a word list Podman cannot split, an unusual boolean
 * spelling, a `KEY=VALUE` list with a bare word) is left unconsumed, with every other line of its key, so it
 * ends up verbatim in `extra`. Writing goes through the single encoder (`formatEntry`, `joinWords`,
 * `quoteWord`) and is deterministic (maps sorted by key).
 */
import { formatEntry } from '../unit-file/encode';
import { UnitValueError } from '../unit-file/errors';
import type { EntryNode, UnitFile } from '../unit-file/types';
import { compareCodePoints } from '../unit-file/whitespace';
import { joinWords, quoteWord, type SplitMode, splitWords } from '../unit-file/words';
import type { FieldKind, SectionValues } from './fields';

type Table = Readonly<Record<string, readonly [string, FieldKind]>>;

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/** Entries after the last empty assignment (Podman's LookupAll). */
function live(entries: readonly EntryNode[]): EntryNode[] {
  const reset = entries.findLastIndex((e) => e.value === '');
  return entries.slice(reset + 1);
}

function wordsOf(entries: readonly EntryNode[], mode: SplitMode): string[] | undefined {
  const out: string[] = [];
  for (const e of entries) {
    const r = splitWords(e.value, mode);
    if (r.error !== undefined || r.ignored !== undefined) return undefined;
    out.push(...r.words);
  }
  return out;
}

function keyValues(entries: readonly EntryNode[]): Record<string, string> | undefined {
  const words = wordsOf(entries, 'args');
  if (words === undefined) return undefined;
  const out = new Map<string, string>();
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) return undefined;
    out.set(w.slice(0, eq), w.slice(eq + 1));
  }
  // fromEntries defines own properties, so a name like `__proto__` stays an ordinary key.
  return Object.fromEntries(out);
}

/** The modelled value of one key, or undefined when its lines must stay verbatim. */
function readField(entries: readonly EntryNode[], kind: FieldKind): SectionValues[string] | null {
  const last = entries[entries.length - 1]!;
  switch (kind) {
    case 'string':
      return last.value;
    case 'bool': {
      const v = last.value.toLowerCase();
      return TRUE.has(v) ? true : FALSE.has(v) ? false : null;
    }
    case 'list': {
      const items = live(entries).map((e) => e.value);
      return items.length > 0 ? items : undefined;
    }
    case 'args':
      return wordsOf([last], 'args') ?? null;
    case 'argsAll':
    case 'strv': {
      const words = wordsOf(live(entries), kind === 'strv' ? 'strv' : 'args');
      if (words === undefined) return null;
      return words.length > 0 ? words : undefined;
    }
    case 'kv': {
      const kv = keyValues(live(entries));
      if (kv === undefined) return null;
      return Object.keys(kv).length > 0 ? kv : undefined;
    }
  }
}

/** Reads a section's typed fields; the entries it used are added to `consumed`. */
export function readSection(file: UnitFile, section: string, table: Table, consumed: Set<EntryNode>): SectionValues {
  const byKey = new Map<string, EntryNode[]>();
  for (const n of file.nodes) {
    if (n.kind !== 'entry' || n.section !== section) continue;
    const list = byKey.get(n.key);
    if (list) list.push(n);
    else byKey.set(n.key, [n]);
  }
  const out: SectionValues = {};
  for (const [field, [key, kind]] of Object.entries(table)) {
    const entries = byKey.get(key);
    if (entries === undefined) continue;
    const value = readField(entries, kind);
    if (value === null) continue;
    for (const e of entries) consumed.add(e);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

const asWords = (v: unknown): string[] => (Array.isArray(v) ? v : []);

/** The `Key=Value` lines of a section's typed fields, in table order. Throws `UnitValueError` for bad values. */
export function writeSection(values: SectionValues, table: Table): string[] {
  const lines: string[] = [];
  for (const [field, [key, kind]] of Object.entries(table)) {
    const v = values[field];
    if (v === undefined) continue;
    switch (kind) {
      case 'string':
        lines.push(formatEntry(key, String(v)));
        break;
      case 'bool':
        lines.push(formatEntry(key, v ? 'true' : 'false'));
        break;
      case 'list':
        for (const item of asWords(v)) {
          if (item === '') throw new UnitValueError('empty-word', `${key}: an empty item would reset the list`);
          lines.push(formatEntry(key, item));
        }
        break;
      case 'args':
        lines.push(formatEntry(key, joinWords(asWords(v))));
        break;
      case 'argsAll':
      case 'strv':
        if (asWords(v).length > 0)
          lines.push(formatEntry(key, joinWords(asWords(v), kind === 'strv' ? 'strv' : 'args')));
        break;
      case 'kv': {
        const record = v as Record<string, string>;
        for (const k of Object.keys(record).sort(compareCodePoints)) {
          if (k === '' || k.includes('=')) throw new UnitValueError('invalid-key', `${key}: invalid name "${k}"`);
          lines.push(formatEntry(key, quoteWord(`${k}=${record[k]}`)));
        }
        break;
      }
    }
  }
  return lines;
}
