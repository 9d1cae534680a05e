/**
 * How a typed model field maps to unit-file lines. Each kind follows the Podman lookup that reads the key:
 * - `string`: one value, the last assignment wins (`Lookup`); kept as written (quotes included).
 * - `bool`: `true`/`false` (read: yes/no, on/off, 1/0 in any case; any other spelling stays in `extra`).
 * - `list`: one item per line, an empty assignment resets (`LookupAll`).
 * - `args`: the last assignment split into words (`LookupLastArgs`, e.g. Exec); `[]` is an empty assignment.
 * - `argsAll`: the words of every line (`LookupAllArgs`, e.g. PodmanArgs), written as one line.
 * - `strv`: the words of every line, systemd list style (`LookupAllStrv`, e.g. WantedBy, After).
 * - `kv`: `KEY=VALUE` words of every line (`LookupAllKeyVal`, e.g. Environment), one pair per line, sorted.
 */

export type FieldKind = 'string' | 'bool' | 'list' | 'args' | 'argsAll' | 'strv' | 'kv';

/** The kinds a TypeScript field type can have. */
type KindOf<V> = V extends boolean
  ? 'bool'
  : V extends string
    ? 'string'
    : V extends readonly string[]
      ? 'list' | 'args' | 'argsAll' | 'strv'
      : 'kv';

/** For each field of a section interface: the Quadlet key (spelled as Quadlet spells it) and its kind. */
export type FieldTable<T> = { readonly [K in keyof T]-?: readonly [key: string, kind: KindOf<NonNullable<T[K]>>] };

/** A typed section as stored at run time. */
export type SectionValues = Record<string, string | boolean | string[] | Record<string, string> | undefined>;

/** A key the typed fields do not cover, kept in file order: `[section, key, value]`. */
export type Extra = [section: string, key: string, value: string];
