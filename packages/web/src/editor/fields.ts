/**
 * What the form shows, generated from the key registry: for a unit type, its sections (the main one, then
 * [Quadlet], [Unit], [Service], [Install], then any other section the file has), and in each section the fields
 * to show (the registry's common keys, then every other key the file sets, in file order) and the keys that
 * "add setting" offers (every other key the registry knows for the section).
 */
import {
  findKey,
  findSystemdKey,
  getEntries,
  listSections,
  MAIN_SECTION,
  SYSTEMD_SECTIONS,
  sectionsForUnitType,
  type UnitFile,
  type UnitType,
  type ValueKind,
} from '@quadletman/quadlet';

export interface FieldSpec {
  section: string;
  key: string;
  /** How the value looks; undefined for systemd keys without a kind and for keys the registry does not know. */
  kind: ValueKind | undefined;
  repeat: boolean;
  summary: string;
  /** Podman release that introduced the key (Quadlet keys only). */
  since?: string;
  values?: readonly string[];
  common: boolean;
  required: boolean;
  deprecated?: string;
  /** False for keys the registry does not know (kept and editable as plain text). */
  known: boolean;
  /** The unit types a reference may name (`unit-ref`, `volume` and `mount` keys), the likeliest first. */
  refs?: readonly UnitType[];
}

export interface SectionSpec {
  name: string;
  /** The fields the form shows, common first. */
  shown: FieldSpec[];
  /** Keys "add setting" offers. */
  addable: FieldSpec[];
}

/** systemd keys shown without "add setting" (the registry marks common keys for Quadlet sections only). */
const SYSTEMD_COMMON: Readonly<Record<string, readonly string[]>> = {
  Unit: ['Description', 'After', 'Wants'],
  Service: ['Restart'],
  Install: ['WantedBy'],
};

function quadletSpecs(section: string, type: UnitType): FieldSpec[] {
  const def = sectionsForUnitType(type).find((s) => s.name === section);
  if (!def) return [];
  return def.keys.map((k) => ({
    section,
    key: k.key,
    kind: k.kind,
    repeat: k.repeat,
    summary: k.summary,
    since: k.since,
    ...(k.values ? { values: k.values } : {}),
    common: k.common === true || k.required === true,
    required: k.required === true && (k.oneOf === undefined || k.oneOf.length <= 1),
    ...(k.deprecated ? { deprecated: k.deprecated } : {}),
    known: true,
    ...(k.refs ? { refs: k.refs } : {}),
  }));
}

function systemdSpecs(section: string): FieldSpec[] {
  const def = SYSTEMD_SECTIONS.find((s) => s.name === section);
  if (!def) return [];
  const common = SYSTEMD_COMMON[section] ?? [];
  return def.keys.map((k) => ({
    section,
    key: k.key,
    kind: k.kind,
    repeat: k.repeat,
    summary: k.summary,
    ...(k.values ? { values: k.values } : {}),
    common: common.includes(k.key),
    required: false,
    ...(k.deprecated ? { deprecated: k.deprecated } : {}),
    known: true,
  }));
}

/** The registry's description of one key, or a plain-text field for keys it does not know. */
export function specFor(type: UnitType, section: string, key: string): FieldSpec {
  const known = [...quadletSpecs(section, type), ...systemdSpecs(section)].find((s) => s.key === key);
  if (known) return known;
  const quadlet = findKey(section, key);
  const def = quadlet ?? findSystemdKey(section, key);
  return {
    section,
    key,
    kind: def?.kind,
    repeat: true,
    summary: def?.summary ?? '',
    common: false,
    required: false,
    known: def !== undefined,
    ...(quadlet?.refs ? { refs: quadlet.refs } : {}),
  };
}

/** The sections of the form for a unit of `type` holding `file`. */
export function formSections(type: UnitType, file: UnitFile): SectionSpec[] {
  const main = MAIN_SECTION[type];
  const fixed = [main, 'Quadlet', 'Unit', 'Service', 'Install'];
  const names = [...fixed, ...listSections(file).filter((s) => !fixed.includes(s))];
  return names.map((name) => {
    const registry = name === main || name === 'Quadlet' ? quadletSpecs(name, type) : systemdSpecs(name);
    const present = [...new Set(getEntries(file, name).map((e) => e.key))];
    const shown = registry.filter((s) => s.common);
    for (const key of present) {
      if (!shown.some((s) => s.key === key))
        shown.push(registry.find((s) => s.key === key) ?? specFor(type, name, key));
    }
    const addable = registry.filter((s) => !shown.includes(s)).sort((a, b) => a.key.localeCompare(b.key));
    return { name, shown, addable };
  });
}

/** The input hint for a kind (a catalogue key suffix). */
const PLACEHOLDERS: Partial<Record<ValueKind, string>> = {
  port: '8080:80',
  duration: '30s',
  size: '512m',
  kv: 'NAME=value',
  path: '/path',
  volume: 'name.volume:/data',
  mount: 'type=bind,source=/src,destination=/dst',
  int: '0',
  signal: 'SIGTERM',
  ip: '10.0.0.2',
  subnet: '10.89.0.0/24',
};

/**
 * The example shown in an empty input of a key: by its kind, and for a reference by the unit it names first
 * (`name.image` for Image=, `name.pod` for Pod=, `name.network` for Network=).
 */
export function placeholderFor(spec: Pick<FieldSpec, 'kind' | 'refs'>): string | undefined {
  if (spec.kind === 'unit-ref') return spec.refs?.[0] ? `name.${spec.refs[0]}` : undefined;
  return spec.kind ? PLACEHOLDERS[spec.kind] : undefined;
}

/**
 * A boolean as Podman reads it (1/yes/true/on, 0/no/false/off in any case, as the linter's `isBool`);
 * undefined for anything else, which the form then shows as text so the linter's message can be read and fixed.
 */
export function parseBool(v: string): boolean | undefined {
  const s = v.toLowerCase();
  if (['1', 'yes', 'true', 'on'].includes(s)) return true;
  if (['0', 'no', 'false', 'off'].includes(s)) return false;
  return undefined;
}
