/**
 * What every lint rule sees of one unit: its merged view (drop-ins applied), the set it belongs to, the
 * target Podman version, Podman's lookup semantics, and a `report` that routes a diagnostic to the file and
 * line where the offending text really is (the unit itself or one of its drop-ins).
 */
import type { Diagnostic } from '../diagnostics';
import { compareVersions } from '../registry';
import type { PodmanVersion, UnitType } from '../registry/types';
import { unquoteLookupValue } from '../unit-file';
import type { EntryNode, SectionNode, UnitFile } from '../unit-file/types';
import { RULES, type RuleCode } from './codes';
import type { LintScope } from './types';

const NONE: readonly EntryNode[] = [];
const NO_NAMES: readonly string[] = [];
const NO_KEYS: ReadonlyMap<string, readonly EntryNode[]> = new Map();

interface SectionIndex {
  entries: EntryNode[];
  /** Each key's assignments in file order (keys in order of first assignment). */
  keys: Map<string, EntryNode[]>;
  /** Keys assigned more than once, in order of their second assignment. */
  repeated: string[];
}

interface UnitIndex {
  entries: EntryNode[];
  sectionNames: string[];
  sections: Map<string, SectionIndex>;
}

/** The value of the last assignment as Podman `version`'s `Lookup` reads it, or undefined. */
function lookupValue(list: readonly EntryNode[], version: PodmanVersion): string | undefined {
  const e = list[list.length - 1];
  return e === undefined ? undefined : unquoteLookupValue(e.value, version);
}

/** The assignments after the last empty one (which resets the list). */
function effective(list: readonly EntryNode[]): readonly EntryNode[] {
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.value === '') return list.slice(i + 1);
  return list;
}

/** Indexes a unit in one pass over its nodes: the rules ask for its entries, sections and keys many times. */
function indexUnit(file: UnitFile): UnitIndex {
  const entries: EntryNode[] = [];
  const sectionNames: string[] = [];
  const sections = new Map<string, SectionIndex>();
  const nodes = file.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.kind === 'section') {
      if (!sectionNames.includes(n.name)) sectionNames.push(n.name);
    } else if (n.kind === 'entry') {
      entries.push(n);
      let section = sections.get(n.section);
      if (!section) {
        section = { entries: [], keys: new Map(), repeated: [] };
        sections.set(n.section, section);
      }
      section.entries.push(n);
      const list = section.keys.get(n.key);
      if (!list) section.keys.set(n.key, [n]);
      else if (list.push(n) === 2) section.repeated.push(n.key);
    }
  }
  return { entries, sectionNames, sections };
}

const gates = new Map<string, Map<string, boolean>>();

/** Whether `version` is at least `since`, memoized: the linter asks this for every key of every unit. */
export function atLeast(version: PodmanVersion, since: PodmanVersion): boolean {
  let byVersion = gates.get(version);
  if (!byVersion) {
    byVersion = new Map();
    gates.set(version, byVersion);
  }
  let v = byVersion.get(since);
  if (v === undefined) {
    v = compareVersions(version, since) >= 0;
    byVersion.set(since, v);
  }
  return v;
}

export interface SetIndex {
  /** Quadlet units of the set by file name (`web.container` → container). */
  units: ReadonlyMap<string, UnitType>;
  /** Unit files of the set Podman cannot read, by file name (the path of the first): not loaded, so no units. */
  unreadable: ReadonlyMap<string, string>;
  /** Every path in the set (units, drop-ins, other files). */
  paths: ReadonlySet<string>;
  /** Units already found to be rejected by the generator (units are linted in the generator's order). */
  rejected: ReadonlySet<string>;
  /** Whose systemd manager runs the set: a user's (rootless Podman) or the system's (rootful). */
  scope: LintScope;
}

export interface ReportInput {
  code: RuleCode;
  message: string;
  /** The node the problem is about (its file and line are used). */
  node?: EntryNode | SectionNode;
  key?: string;
  /** Overrides the rule's default severity. */
  severity?: Diagnostic['severity'];
}

export type Sink = (path: string, d: Diagnostic) => void;

export class UnitContext {
  constructor(
    /** Path of the unit in the set (`web.container`). */
    readonly path: string,
    readonly type: UnitType,
    /** The unit's main section (`Container`). */
    readonly main: string,
    /** The merged view: the unit with its drop-ins applied. */
    readonly file: UnitFile,
    readonly version: PodmanVersion,
    readonly set: SetIndex,
    private readonly sink: Sink,
  ) {}

  private index: UnitIndex | undefined;

  /** The unit's sections, entries and keys, indexed in one pass when a rule first asks. */
  private indexed(): UnitIndex {
    if (!this.index) this.index = indexUnit(this.file);
    return this.index;
  }

  /** Every entry of the merged view, in file order. */
  get entries(): readonly EntryNode[] {
    return this.indexed().entries;
  }

  /** The sections that have a header, in order of their first header (Podman's `ListGroups`). */
  get sections(): readonly string[] {
    return this.indexed().sectionNames;
  }

  /** A section's entries in file order. */
  sectionEntries(section: string): readonly EntryNode[] {
    return this.indexed().sections.get(section)?.entries ?? NONE;
  }

  /** The keys of a section assigned more than once. */
  repeatedKeys(section: string): readonly string[] {
    return this.indexed().sections.get(section)?.repeated ?? NO_NAMES;
  }

  /** Whether the target Podman version is at least `v`. */
  atLeast(v: PodmanVersion): boolean {
    return atLeast(this.version, v);
  }

  report(r: ReportInput): void {
    const node = r.node;
    // A diagnostic found while checking this unit but located in a drop-in names the unit: a type-wide
    // drop-in (container.d/) applies to several units.
    const inDropIn = node?.source !== undefined && node.source !== this.path;
    const d: Diagnostic = {
      severity: r.severity ?? RULES[r.code].severity,
      code: r.code,
      message: inDropIn ? `${this.path}: ${r.message}` : r.message,
      line: node?.line ?? 0,
    };
    const key = r.key ?? (node?.kind === 'entry' ? node.key : undefined);
    if (key !== undefined) d.key = key;
    this.sink(node?.source ?? this.path, d);
  }

  /** Every assignment of a key in a section, in file order. */
  private assignments(section: string, key: string): readonly EntryNode[] {
    return this.keysOf(section).get(key) ?? NONE;
  }

  private mainKeys: ReadonlyMap<string, readonly EntryNode[]> | undefined;

  /** Every assignment of a key in the main section (the rules ask this most; it is kept at hand). */
  private mainAssignments(key: string): readonly EntryNode[] {
    if (this.mainKeys === undefined) this.mainKeys = this.keysOf(this.main);
    return this.mainKeys.get(key) ?? NONE;
  }

  /** A section's keys, each with its assignments in file order. */
  keysOf(section: string): ReadonlyMap<string, readonly EntryNode[]> {
    return this.indexed().sections.get(section)?.keys ?? NO_KEYS;
  }

  /** The entry Podman's `Lookup` reads: the last assignment of the key in the section. */
  last(section: string, key: string): EntryNode | undefined {
    const list = this.assignments(section, key);
    return list[list.length - 1];
  }

  /** The value as Podman's `Lookup` reads it at the target version (last assignment, quotes stripped as that
   * version does: see `LookupQuoting`), or undefined. */
  value(section: string, key: string): string | undefined {
    return lookupValue(this.assignments(section, key), this.version);
  }

  /** The last value when it is non-empty (Podman treats an empty value as unset for most keys). */
  nonEmpty(section: string, key: string): string | undefined {
    const v = this.value(section, key);
    return v ? v : undefined;
  }

  /** Every effective assignment (an empty assignment resets the list), as Podman's `LookupAll` reads them. */
  all(section: string, key: string): readonly EntryNode[] {
    return effective(this.assignments(section, key));
  }

  mainValue(key: string): string | undefined {
    return lookupValue(this.mainAssignments(key), this.version);
  }

  mainLast(key: string): EntryNode | undefined {
    const list = this.mainAssignments(key);
    return list[list.length - 1];
  }

  mainAll(key: string): readonly EntryNode[] {
    return effective(this.mainAssignments(key));
  }
}
