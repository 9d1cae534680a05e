/**
 * What every lint rule sees of one unit: its merged view (drop-ins applied), the set it belongs to, the
 * target Podman version, Podman's lookup semantics, and a `report` that routes a diagnostic to the file and
 * line where the offending text really is (the unit itself or one of its drop-ins).
 */
import type { Diagnostic } from '../diagnostics';
import { compareVersions } from '../registry';
import type { PodmanVersion, UnitType } from '../registry/types';
import { getAll, getLast, unquoteLookupValue } from '../unit-file';
import type { EntryNode, SectionNode, UnitFile } from '../unit-file/types';
import { RULES, type RuleCode } from './codes';

export interface SetIndex {
  /** Quadlet units of the set by file name (`web.container` → container). */
  units: ReadonlyMap<string, UnitType>;
  /** Every path in the set (units, drop-ins, other files). */
  paths: ReadonlySet<string>;
  /** Units already found to be rejected by the generator (units are linted in the generator's order). */
  rejected: ReadonlySet<string>;
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

  /** Whether the target Podman version is at least `v`. */
  atLeast(v: PodmanVersion): boolean {
    return compareVersions(this.version, v) >= 0;
  }

  report(r: ReportInput): void {
    const node = r.node;
    const d: Diagnostic = {
      severity: r.severity ?? RULES[r.code].severity,
      code: r.code,
      message: r.message,
      line: node?.line ?? 0,
    };
    const key = r.key ?? (node?.kind === 'entry' ? node.key : undefined);
    if (key !== undefined) d.key = key;
    this.sink(node?.source ?? this.path, d);
  }

  /** The entry Podman's `Lookup` reads: the last assignment of the key in the section. */
  last(section: string, key: string): EntryNode | undefined {
    return getLast(this.file, section, key);
  }

  /** The value as Podman's `Lookup` reads it (last assignment, one pair of quotes stripped), or undefined. */
  value(section: string, key: string): string | undefined {
    const e = this.last(section, key);
    return e === undefined ? undefined : unquoteLookupValue(e.value);
  }

  /** The last value when it is non-empty (Podman treats an empty value as unset for most keys). */
  nonEmpty(section: string, key: string): string | undefined {
    const v = this.value(section, key);
    return v ? v : undefined;
  }

  /** Every effective assignment (an empty assignment resets the list), as Podman's `LookupAll` reads them. */
  all(section: string, key: string): EntryNode[] {
    return getAll(this.file, section, key);
  }

  mainValue(key: string): string | undefined {
    return this.value(this.main, key);
  }

  mainLast(key: string): EntryNode | undefined {
    return this.last(this.main, key);
  }

  mainAll(key: string): EntryNode[] {
    return this.all(this.main, key);
  }
}
