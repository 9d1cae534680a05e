// Reading one section of a unit as users write it in a spec. A section is an object whose keys are either the
// typed fields of @quadletman/quadlet's model (`publishPort`) or Quadlet/systemd keys spelled as in unit files
// (`PublishPort` for a typed field, `Sysctl` for any other key the registry knows, which becomes an extra
// `[section, key, value]` line). Values are checked by how they will be written (see values.ts); every problem
// is reported with its path and the walk goes on, so one pass shows everything that is wrong.

import {
  type Extra,
  type FieldKind,
  findKey,
  findSection,
  findSystemdKey,
  findSystemdSection,
  keyProblem,
  splitWords,
  suggest,
} from '@quadletman/quadlet';
import { z } from 'zod';
import {
  dataKeyProblem,
  dataValueProblem,
  lineValueProblem,
  listItemProblem,
  MAX_ITEMS,
  wordProblem,
} from './values.js';

export type Table = Readonly<Record<string, readonly [key: string, kind: FieldKind]>>;
export type SectionValues = Record<string, string | boolean | string[] | Record<string, string>>;

/** One problem in a spec, at a path like `units["web.container"].container.publishPort[2]`. */
export interface SpecIssue {
  path: string;
  message: string;
}

export type PathPart = string | number;

export function formatPath(parts: readonly PathPart[]): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

/** Collects issues while walking a spec. */
export class IssueSink {
  readonly issues: SpecIssue[] = [];
  add(path: readonly PathPart[], message: string): void {
    this.issues.push({ path: formatPath(path), message });
  }
  /** Parses `value` with `schema`; on failure records every zod issue under `path` and returns undefined. */
  parse<S extends z.ZodType>(schema: S, value: unknown, path: readonly PathPart[]): z.output<S> | undefined {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    for (const i of r.error.issues) this.add([...path, ...(i.path as PathPart[])], i.message);
    return undefined;
  }
}

const check = (fn: (s: string) => string | undefined) => (s: string, ctx: z.RefinementCtx) => {
  const p = fn(s);
  if (p) ctx.addIssue({ code: 'custom', message: p });
};

/** Parses `v` with `schema` inside a transform, forwarding its issues (with their paths) to `ctx`. */
function forward<T>(schema: z.ZodType<T>, v: unknown, ctx: z.RefinementCtx, prefix: PathPart[] = []): T {
  const r = schema.safeParse(v);
  if (r.success) return r.data;
  for (const i of r.error.issues) {
    ctx.addIssue({ code: 'custom', message: i.message, path: [...prefix, ...(i.path as PathPart[])] });
  }
  return z.NEVER;
}

/** Picks a schema by the value's JS type, so errors come from the schema meant (zod unions lose them). */
export const dispatch = <T>(pick: (v: unknown) => z.ZodType<T>) =>
  z.unknown().transform((v, ctx): T => forward(pick(v), v, ctx));

/** A scalar written in YAML (numbers are fine where a string is meant: `healthRetries: 3`). */
const scalar = z.union([z.string(), z.number().transform(String)], { error: 'must be a string' });

export const lineValue = scalar.superRefine(check(lineValueProblem));
const listItem = scalar.superRefine(check(listItemProblem));
const argsWord = scalar.superRefine(check((w) => wordProblem(w, 'args')));
const strvWord = scalar.superRefine(check((w) => wordProblem(w, 'strv')));
const dataValue = z
  .union([z.string(), z.number().transform(String), z.boolean().transform(String)], {
    error: 'must be a string',
  })
  .superRefine(check(dataValueProblem));

/** One item or a list of them. */
const oneOrMany = <T>(item: z.ZodType<T>) =>
  dispatch<T[]>((v) => (Array.isArray(v) ? z.array(item).max(MAX_ITEMS) : item.transform((x) => [x])));

/** Words: a list, or one string split the way Quadlet splits the line (`exec: sleep infinity`). */
const words = (mode: 'args' | 'strv', item: z.ZodType<string>) => {
  const split = z.string().transform((s, ctx) => {
    const r = splitWords(s, mode);
    if (r.error !== undefined) {
      ctx.addIssue({ code: 'custom', message: `cannot be split into words: ${r.error}` });
      return z.NEVER;
    }
    if (r.ignored !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'has an empty word ("") that would end the list early' });
      return z.NEVER;
    }
    r.words.forEach((w, i) => {
      const p = wordProblem(w, mode);
      if (p) ctx.addIssue({ code: 'custom', path: [i], message: p });
    });
    return r.words;
  });
  return dispatch<string[]>((v) =>
    typeof v === 'string' ? split : z.array(item, { error: 'must be a list of words or one string' }).max(MAX_ITEMS),
  );
};

const dataMap = z.record(z.string(), dataValue, { error: 'must be a map of names to values' }).superRefine((r, ctx) => {
  const keys = Object.keys(r);
  if (keys.length > MAX_ITEMS) ctx.addIssue({ code: 'custom', message: `must have at most ${MAX_ITEMS} entries` });
  for (const k of keys) {
    const p = dataKeyProblem(k);
    if (p) ctx.addIssue({ code: 'custom', path: [k], message: p });
  }
});

export const FIELD_SCHEMAS: Record<FieldKind, z.ZodType> = {
  string: lineValue,
  bool: z.boolean({ error: 'must be true or false' }),
  list: oneOrMany(listItem),
  args: words('args', argsWord),
  argsAll: words('args', argsWord),
  strv: words('strv', strvWord),
  kv: dataMap,
};

/** A value for a key outside the typed fields: one line per item. */
const extraValue = dispatch<string[]>((v) =>
  typeof v === 'boolean'
    ? z.boolean().transform((b) => [b ? 'true' : 'false'])
    : Array.isArray(v)
      ? z.array(listItem).min(1, 'must not be an empty list').max(MAX_ITEMS)
      : listItem.transform((x) => [x]),
);

/** Whether the registry knows `key` in `section` (Quadlet's own sections or systemd's). */
export function registryKnows(section: string, key: string): boolean {
  return findSection(section) ? findKey(section, key) !== undefined : findSystemdKey(section, key) !== undefined;
}

function registryKeys(section: string): string[] {
  const q = findSection(section);
  if (q) return q.keys.map((k) => k.key);
  return findSystemdSection(section)?.keys.map((k) => k.key) ?? [];
}

export interface ReadSection {
  values: SectionValues;
  extras: Extra[];
}

/**
 * Reads the spec object of `section` through its field table. Typed fields may be written by field name or
 * by Quadlet key; other registry keys become extras. Returns undefined when the value is not an object.
 */
export function readSectionSpec(
  raw: unknown,
  section: string,
  table: Table,
  path: readonly PathPart[],
  sink: IssueSink,
): ReadSection | undefined {
  if (raw === null || raw === undefined) return { values: {}, extras: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    sink.add(path, `must be an object of ${section} keys`);
    return undefined;
  }
  const byKey = new Map<string, [field: string, kind: FieldKind]>();
  for (const [field, [key, kind]] of Object.entries(table)) byKey.set(key, [field, kind]);
  const values: SectionValues = {};
  const extras: Extra[] = [];
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const at = [...path, name];
    const typed = Object.hasOwn(table, name) ? ([name, table[name]![1]] as const) : byKey.get(name);
    if (typed) {
      const [field, kind] = typed;
      const other = seen.get(field);
      if (other !== undefined) {
        sink.add(at, `sets the same key as ${JSON.stringify(other)}; write it once`);
        continue;
      }
      seen.set(field, name);
      if (value === undefined || value === null) continue;
      const parsed = sink.parse(FIELD_SCHEMAS[kind], value, at);
      if (parsed === undefined) continue;
      const empty = Array.isArray(parsed)
        ? parsed.length === 0
        : typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length === 0;
      if (!empty || kind === 'args') values[field] = parsed as SectionValues[string];
      continue;
    }
    if (registryKnows(section, name)) {
      const lines = sink.parse(extraValue, value, at);
      if (lines) for (const line of lines) extras.push([section, name, line]);
      continue;
    }
    const fields = Object.keys(table);
    const keys = registryKeys(section);
    const hint = suggest(name, /^[A-Z]/.test(name) ? [...keys, ...fields] : [...fields, ...keys]);
    sink.add(
      at,
      `unknown ${section} key${hint ? `; did you mean ${JSON.stringify(hint)}?` : ''} (keys Quadlet does not know yet go in "extra")`,
    );
  }
  return { values, extras };
}

/** An explicit extra line `[section, key, value]` (for keys the registry does not know yet). */
export function readExtraTuple(
  raw: unknown,
  sections: readonly string[],
  tables: ReadonlyMap<string, Table>,
  path: readonly PathPart[],
  sink: IssueSink,
): Extra | undefined {
  const tuple = sink.parse(z.tuple([z.string(), z.string(), scalar]), raw, path);
  if (!tuple) return undefined;
  const [section, key, value] = tuple;
  if (!sections.includes(section)) {
    sink.add([...path, 0], `section must be one of ${sections.join(', ')}`);
    return undefined;
  }
  const kp = keyProblem(key);
  if (kp) {
    sink.add([...path, 1], kp.message);
    return undefined;
  }
  const table = tables.get(section);
  if (table && Object.values(table).some(([k]) => k === key)) {
    sink.add([...path, 1], `${key} has a typed field; set it in the ${section} section instead`);
    return undefined;
  }
  const vp = lineValueProblem(value);
  if (vp) {
    sink.add([...path, 2], vp);
    return undefined;
  }
  return [section, key, value];
}
