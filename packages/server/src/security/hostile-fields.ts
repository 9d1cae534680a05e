// The spec fields of the hostile-input suite, derived from the library's field tables and key registry (never
// hand-listed): every typed field of every section of every unit type the spec supports, every registry key
// written by its Quadlet spelling (an "extra"), the systemd keys of [Unit]/[Service]/[Install] and [Timer], the
// timer job's container, the default network and Podman volume options. A *slot* is one hostile value placed in
// one field of its own unit file, so a value can be judged alone while many slots share one request.
//
// The oracle for an accepted slot compares the file the API wrote with the same file rendered (in process) with a
// harmless placeholder of the same shape: the same nodes in the same order (sections, keys, blank lines, one
// physical line each, nothing the parser cannot read), the same values everywhere but the slot's key, and the
// slot's entries decoding to exactly the value sent (words split as Podman splits them; data maps after
// systemd's `%%` → `%` and, in the main section, `$$` → `$`).
import {
  type FieldKind,
  findKey,
  findSection,
  findSystemdSection,
  INSTALL_FIELDS,
  MAIN_FIELDS,
  MAIN_SECTION,
  parseUnitFile,
  QUADLET_FIELDS,
  SERVICE_FIELDS,
  splitWords,
  UNIT_FIELDS,
  UNIT_TYPES,
  type UnitFile,
  type UnitType,
} from '@quadletman/quadlet';
import { QUADLET_DIR, SYSTEMD_USER_DIR } from '../core/layout.js';
import { render } from '../core/render.js';
import { validateSpec } from '../core/spec.js';
import { formatPath, type PathPart } from '../core/spec-sections.js';

type Table = Readonly<Record<string, readonly [string, FieldKind]>>;

/** Where a field lives: a unit of a Quadlet type, a `.timer`, its job container, the default network, or the
 * options of a Podman volume. */
export type Place = UnitType | 'timer' | 'job' | 'default-network' | 'podman-volume';

export interface SpecField {
  id: string;
  place: Place;
  /** The spec property of the section (`container`, `unit`, `service`…); '' for default-network/podman-volume. */
  prop: string;
  /** The unit-file section (`Container`, `Unit`…). */
  section: string;
  /** The typed field's name, when the model types it. */
  field?: string;
  /** The key as written in the unit file. */
  key: string;
  kind: FieldKind | 'extra';
  /** The first Podman whose Quadlet knows the key (Quadlet sections only). */
  since?: string;
}

const COMMON: readonly (readonly [prop: string, section: string, table: Table])[] = [
  ['unit', 'Unit', UNIT_FIELDS as Table],
  ['quadlet', 'Quadlet', QUADLET_FIELDS as Table],
  ['service', 'Service', SERVICE_FIELDS as Table],
  ['install', 'Install', INSTALL_FIELDS as Table],
];

const keysOf = (t: Table) => new Set(Object.values(t).map(([k]) => k));

function typed(place: Place, prop: string, section: string, table: Table): SpecField[] {
  return Object.entries(table).map(([field, [key, kind]]) => ({
    id: `${place}:${prop || section}.${field}`,
    place,
    prop,
    section,
    field,
    key,
    kind,
    ...(findKey(section, key) ? { since: findKey(section, key)!.since } : {}),
  }));
}

function extras(place: Place, prop: string, section: string, table: Table): SpecField[] {
  const known = keysOf(table);
  const keys = findSection(section)?.keys ?? findSystemdSection(section)?.keys ?? [];
  return keys
    .filter((k) => !known.has(k.key))
    .map((k) => ({
      id: `${place}:${prop || section}.${k.key}(extra)`,
      place,
      prop,
      section,
      key: k.key,
      kind: 'extra' as const,
      ...('since' in k ? { since: (k as { since: string }).since } : {}),
    }));
}

/** Every field a spec can put into a unit file. */
export function specFields(timerFields: Table): SpecField[] {
  const out: SpecField[] = [];
  for (const type of UNIT_TYPES) {
    const main = MAIN_SECTION[type];
    const table = MAIN_FIELDS[type] as Table;
    out.push(...typed(type, type, main, table), ...extras(type, type, main, table));
    for (const [prop, section, t] of COMMON) out.push(...typed(type, prop, section, t));
  }
  // systemd's own keys are the same in every Quadlet unit: once, on containers
  for (const [prop, section, t] of COMMON) if (prop !== 'quadlet') out.push(...extras('container', prop, section, t));
  out.push(...typed('timer', 'unit', 'Unit', UNIT_FIELDS as Table));
  out.push(...typed('timer', 'timer', 'Timer', timerFields), ...extras('timer', 'timer', 'Timer', timerFields));
  out.push(...typed('timer', 'install', 'Install', INSTALL_FIELDS as Table));
  out.push(...typed('job', 'container', 'Container', MAIN_FIELDS.container as Table));
  out.push(...extras('job', 'container', 'Container', MAIN_FIELDS.container as Table));
  out.push(...typed('job', 'service', 'Service', SERVICE_FIELDS as Table));
  out.push(...typed('default-network', '', 'Network', MAIN_FIELDS.network as Table));
  out.push(...typed('podman-volume', '', 'Volume', MAIN_FIELDS.volume as Table));
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Placing a value

/** The smallest unit of each type that lints clean (values are spec field names of its main section). */
const MINIMAL: Record<UnitType, Record<string, unknown>> = {
  container: { image: 'localhost/x' },
  pod: {},
  network: {},
  volume: {},
  image: { image: 'localhost/x' },
  build: { imageTag: 'localhost/b', setWorkingDirectory: '/srv/ctx' },
  kube: { yaml: '/srv/play.yaml' },
  artifact: { artifact: 'localhost/a' },
};

export const COMPARTMENT = 'h';

export interface Slot {
  field: SpecField;
  /** Spell a typed field by its Quadlet key instead of its field name. */
  byKey: boolean;
  value: unknown;
  /** Index in its batch: names its unit `s<i>.<type>` (or the volume `qmvol<i>`). */
  index: number;
}

/** The property a slot's value is written under: a typed field by its name or by its Quadlet key. */
const nameOf = (s: Slot): string => (s.byKey || s.field.field === undefined ? s.field.key : s.field.field);

/** The unit (or volume) a slot lives in and the path of its value in the spec. */
export function slotTarget(s: Slot): { unit?: string; volume?: string; path: PathPart[] } {
  const f = s.field;
  const name = nameOf(s);
  switch (f.place) {
    case 'default-network':
      return { path: ['network', name] };
    case 'podman-volume':
      return { volume: `qmvol${s.index}`, path: ['volumes', `qmvol${s.index}`, 'options', name] };
    case 'timer':
      return { unit: `s${s.index}.timer`, path: ['units', `s${s.index}.timer`, f.prop, name] };
    case 'job':
      return { unit: `s${s.index}.timer`, path: ['units', `s${s.index}.timer`, 'job', f.prop, name] };
    default:
      return { unit: `s${s.index}.${f.place}`, path: ['units', `s${s.index}.${f.place}`, f.prop, name] };
  }
}

const mainKeys = (type: UnitType) => new Map(Object.entries(MAIN_FIELDS[type] as Table).map(([f, [k]]) => [f, k]));

/** A minimal main section without the keys the slot sets. */
function minimalWithout(type: UnitType, key: string): Record<string, unknown> {
  const keys = mainKeys(type);
  return Object.fromEntries(Object.entries(MINIMAL[type]).filter(([f]) => keys.get(f) !== key));
}

/** Puts the slot (with `value`) into `spec`. */
export function placeSlot(spec: SpecObject, s: Slot, value: unknown): void {
  const f = s.field;
  const name = nameOf(s);
  const t = slotTarget(s);
  switch (f.place) {
    case 'default-network':
      spec.network = { [name]: value };
      return;
    case 'podman-volume':
      spec.volumes[t.volume!] = { kind: 'podman', options: { [name]: value } };
      return;
    case 'timer': {
      const timer: Record<string, unknown> = { onCalendar: 'daily' };
      if (f.prop === 'timer' && f.key === 'OnCalendar') delete timer.onCalendar;
      const body: Record<string, unknown> = { timer, job: { container: { image: 'localhost/x' } } };
      body[f.prop] = { ...((body[f.prop] as object | undefined) ?? {}), [name]: value };
      spec.units[t.unit!] = body;
      return;
    }
    case 'job': {
      const job: Record<string, Record<string, unknown>> = { container: minimalWithout('container', '') };
      if (f.prop === 'container') job.container = minimalWithout('container', f.key);
      job[f.prop] = { ...(job[f.prop] ?? {}), [name]: value };
      spec.units[t.unit!] = { timer: { onCalendar: 'daily' }, job };
      return;
    }
    default: {
      const type = f.place;
      const body: Record<string, Record<string, unknown>> = {
        [type]: minimalWithout(type, f.prop === type ? f.key : ''),
      };
      body[f.prop] = { ...(body[f.prop] ?? {}), [name]: value };
      spec.units[t.unit!] = body;
    }
  }
}

export interface SpecObject {
  compartment: string;
  network?: unknown;
  units: Record<string, unknown>;
  volumes: Record<string, unknown>;
  files?: Record<string, unknown>;
  [k: string]: unknown;
}

export const emptySpec = (): SpecObject => ({ compartment: COMPARTMENT, units: {}, volumes: {} });

/** The home-relative files a slot renders to (its unit, or the default network / volume unit). */
export function slotFiles(s: Slot): string[] {
  const t = slotTarget(s);
  if (s.field.place === 'default-network') return [`${QUADLET_DIR}/${COMPARTMENT}.network`];
  if (t.volume) return [`${QUADLET_DIR}/${t.volume}.volume`];
  if (s.field.place === 'timer' || s.field.place === 'job') {
    const base = t.unit!.slice(0, -'.timer'.length);
    return [`${QUADLET_DIR}/${base}.container`, `${SYSTEMD_USER_DIR}/${t.unit}`];
  }
  return [`${QUADLET_DIR}/${t.unit}`];
}

/** The file holding the slot's key. */
export function slotKeyFile(s: Slot): string {
  const files = slotFiles(s);
  return s.field.place === 'timer' ? files[1]! : files[0]!;
}

// ---------------------------------------------------------------------------------------------------------
// What an accepted value must read back as

export type Expected =
  | { absent: true }
  | { lines: string[] } // string, list, extra, bool: the entries' values
  | { words: string[]; mode: 'args' | 'strv'; oneEntry: boolean } // args/argsAll/strv
  | { map: [string, string][]; dollar: boolean }; // kv

const scalar = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/**
 * The documented reading of `value` for the field, when the spec may accept it; undefined when the spec must
 * refuse it (a wrong type or an unsplittable string): accepting it then is an oracle failure.
 */
export function expectedOf(f: SpecField, value: unknown): Expected | undefined {
  if (value === null || value === undefined) return { absent: true };
  switch (f.kind) {
    case 'string': {
      const s = scalar(value);
      return s === undefined ? undefined : { lines: [s] };
    }
    case 'bool':
      return typeof value === 'boolean' ? { lines: [value ? 'true' : 'false'] } : undefined;
    case 'list': {
      const items = Array.isArray(value) ? value.map(scalar) : [scalar(value)];
      if (items.some((i) => i === undefined)) return undefined;
      return items.length === 0 ? { absent: true } : { lines: items as string[] };
    }
    case 'extra': {
      if (typeof value === 'boolean') return { lines: [value ? 'true' : 'false'] };
      const items = Array.isArray(value) ? value.map(scalar) : [scalar(value)];
      if (items.length === 0 || items.some((i) => i === undefined)) return undefined;
      return { lines: items as string[] };
    }
    case 'args':
    case 'argsAll':
    case 'strv': {
      const mode = f.kind === 'strv' ? 'strv' : 'args';
      let words: string[];
      if (typeof value === 'string') {
        const r = splitWords(value, mode);
        if (r.error !== undefined || r.ignored !== undefined) return undefined;
        words = r.words;
      } else if (Array.isArray(value)) {
        const ws = value.map(scalar);
        if (ws.some((w) => w === undefined)) return undefined;
        words = ws as string[];
      } else return undefined;
      if (words.length === 0 && f.kind !== 'args') return { absent: true };
      return { words, mode, oneEntry: true };
    }
    case 'kv': {
      if (typeof value !== 'object' || Array.isArray(value)) return undefined;
      const entries = Object.entries(value as Record<string, unknown>).map(
        ([k, v]) => [k, typeof v === 'boolean' ? String(v) : scalar(v)] as const,
      );
      if (entries.some(([, v]) => v === undefined)) return undefined;
      if (entries.length === 0) return { absent: true };
      return { map: entries as [string, string][], dollar: isMainSection(f) };
    }
  }
}

/** Data maps in a unit's main section are copied into ExecStart, where systemd expands `$`. */
const isMainSection = (f: SpecField) => f.section !== 'Service';

/** A harmless value of the same shape (the same number of lines, words or entries). */
export function placeholderOf(f: SpecField, e: Expected): unknown {
  if ('absent' in e) return null;
  if ('map' in e) return Object.fromEntries(e.map.map((_, i) => [`QM_K${i}`, `v${i}`]));
  if ('words' in e) return e.words.map((_, i) => `w${i}`);
  if (f.kind === 'bool') return e.lines[0] === 'true';
  if (f.kind === 'extra' && (e.lines[0] === 'true' || e.lines[0] === 'false') && e.lines.length === 1) return 'true';
  if (f.kind === 'string') return 'p0';
  return e.lines.map((_, i) => `p${i}`);
}

/** Renders one slot alone (in process) with `value`: home-relative path → text. */
export function renderAlone(s: Slot, value: unknown): Map<string, string> {
  const spec = emptySpec();
  placeSlot(spec, s, value);
  return render(validateSpec(spec)).files;
}

// ---------------------------------------------------------------------------------------------------------
// Comparing

/** Problems of `actual` against the placeholder rendering `base`: anything but the slot's values differing. */
export function compareStructure(actual: string, base: string, section: string, key: string): string[] {
  const a = parseUnitFile(actual);
  const b = parseUnitFile(base);
  const out: string[] = [];
  for (const n of a.nodes) {
    if (n.kind === 'invalid') out.push(`line ${n.line} cannot be read: ${n.reason}`);
    if (n.raw.length !== 1) out.push(`line ${n.line} continues onto ${n.raw.length - 1} more line(s)`);
  }
  if (a.nodes.length !== b.nodes.length) {
    out.push(`${a.nodes.length} lines where the placeholder gives ${b.nodes.length}`);
    return out;
  }
  a.nodes.forEach((n, i) => {
    const m = b.nodes[i]!;
    if (n.kind !== m.kind) {
      out.push(`line ${n.line} is a ${n.kind}, expected a ${m.kind}`);
      return;
    }
    if (n.kind === 'section' && m.kind === 'section' && n.name !== m.name)
      out.push(`line ${n.line}: section [${n.name}], expected [${m.name}]`);
    if (n.kind === 'entry' && m.kind === 'entry') {
      if (n.section !== m.section || n.key !== m.key)
        out.push(`line ${n.line}: ${n.section}.${n.key}, expected ${m.section}.${m.key}`);
      else if (!(n.section === section && n.key === key) && n.value !== m.value)
        out.push(`line ${n.line}: ${n.key}=${JSON.stringify(n.value)}, expected ${JSON.stringify(m.value)}`);
    }
    if ((n.kind === 'comment' || n.kind === 'blank') && n.raw[0] !== m.raw[0]) out.push(`line ${n.line} changed`);
  });
  return out;
}

/** The slot's entries in a file. */
export const entriesOf = (u: UnitFile, section: string, key: string) =>
  u.nodes.filter((n) => n.kind === 'entry' && n.section === section && n.key === key) as {
    value: string;
    line: number;
  }[];

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * What systemd makes of literal text the renderer escaped: `%%` → `%` (specifiers) and, where systemd expands
 * variables (ExecStart), `$$` → `$`. Undefined when a `%` or `$` is not doubled: systemd would expand it.
 */
export function literalOf(s: string, dollar: boolean): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%' || (dollar && c === '$')) {
      if (s[i + 1] !== c) return undefined;
      i++;
    }
    out += c;
  }
  return out;
}

/** Whether the slot's entries in `text` decode to exactly `e`; the problem when they do not. */
export function decodeProblem(text: string, section: string, key: string, e: Expected): string | undefined {
  const entries = entriesOf(parseUnitFile(text), section, key);
  const values = entries.map((x) => x.value);
  if ('absent' in e) return entries.length === 0 ? undefined : `${key} is set (${values.length}×) but was sent empty`;
  if ('lines' in e) {
    return same(values, e.lines)
      ? undefined
      : `${key} reads ${JSON.stringify(values)}, sent ${JSON.stringify(e.lines)}`;
  }
  if ('words' in e) {
    if (entries.length !== 1) return `${key} has ${entries.length} lines, expected 1`;
    const r = splitWords(values[0]!, e.mode);
    if (r.error !== undefined) return `${key} cannot be split: ${r.error}`;
    if (r.ignored !== undefined) return `${key} has an empty word; Podman ignores ${JSON.stringify(r.ignored)}`;
    return same(r.words, e.words)
      ? undefined
      : `${key} splits into ${JSON.stringify(r.words)}, sent ${JSON.stringify(e.words)}`;
  }
  const got = new Map<string, string>();
  for (const v of values) {
    const r = splitWords(v, 'args');
    if (r.error !== undefined || r.ignored !== undefined || r.words.length !== 1) {
      return `${key}=${JSON.stringify(v)} is not one KEY=VALUE word (${r.error ?? r.ignored ?? `${r.words.length} words`})`;
    }
    const decoded = literalOf(r.words[0]!, e.dollar);
    if (decoded === undefined) return `${key}=${JSON.stringify(v)} has a % or $ systemd would expand`;
    const eq = decoded.indexOf('=');
    if (eq <= 0) return `${key}=${JSON.stringify(v)} has no name`;
    got.set(decoded.slice(0, eq), decoded.slice(eq + 1));
  }
  const want = new Map(e.map);
  if (got.size !== want.size || [...want].some(([k, v]) => got.get(k) !== v)) {
    return `${key} reads ${JSON.stringify([...got])}, sent ${JSON.stringify([...want])}`;
  }
  return undefined;
}

/** The spec path of a slot, as issues name it. */
export const slotPath = (s: Slot): string => formatPath(slotTarget(s).path);

/** True when an issue at `issuePath` is about the value at `path` (the value itself or a part of it). */
export const names = (issuePath: string, path: string): boolean =>
  issuePath === path || issuePath.startsWith(`${path}.`) || issuePath.startsWith(`${path}[`);
