/**
 * The Quadlet linter: every diagnostic for every file of a unit set, as Podman's generator and systemd will
 * see them. A set is what one Quadlet directory holds: units, their drop-ins, and files they refer to.
 */
import type { Diagnostic } from '../diagnostics';
import { findSection, NEWEST_PODMAN, parseVersion, unitTypeOfFile } from '../registry';
import { MAIN_SECTION, type PodmanVersion, type UnitType } from '../registry/types';
import { applyDropIns, type DropInConf, dropInDirs, listSections, parseUnitFile } from '../unit-file';
import type { UnitFile } from '../unit-file/types';
import { isGeneratorError, RULES } from './codes';
import { atLeast, type SetIndex, UnitContext } from './context';
import { checkConversion } from './rules/convert';
import { checkReferencedFiles } from './rules/files';
import { checkSectionsAndKeys } from './rules/keys';
import { checkService } from './rules/service';
import { checkValues } from './rules/values';
import type { FileReport, LintFile, LintOptions } from './types';

export { isGeneratorError, RULES, type RuleCode, type Stage, stageOf } from './codes';
export { editDistance, suggest } from './suggest';
export type { FileReport, LintFile, LintOptions } from './types';

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const parentName = (p: string): string => {
  const parts = p.split('/');
  return parts.length >= 2 ? parts[parts.length - 2]! : '';
};

/** A drop-in is a `.conf` file inside a directory whose name ends in `.d`. */
export const isDropIn = (path: string): boolean => path.endsWith('.conf') && parentName(path).endsWith('.d');

/** The unit type of a Quadlet unit file (`web.container` → container); undefined for drop-ins and others. */
export const unitTypeOf = (path: string): UnitType | undefined => (isDropIn(path) ? undefined : unitTypeOfFile(path));

/** Whether Podman's generator at `version` reads files of this unit type at all. */
export function unitTypeSupported(type: UnitType, version: PodmanVersion): boolean {
  const section = findSection(MAIN_SECTION[type]);
  return section !== undefined && atLeast(version, section.since);
}

interface Parsed {
  path: string;
  file: UnitFile;
}

/** A Quadlet unit of a set, known from its path alone. */
export interface SetUnit {
  path: string;
  /** Its file name (`web.container`), by which other units refer to it. */
  name: string;
  type: UnitType;
}

/** One unit's lint, made on the assumption that no unit it refers to is rejected (see {@link SetLinter}). */
export interface UnitLint {
  /** Each diagnostic with the path of the file it is in: the unit's own, or one of its drop-ins. */
  diagnostics: [path: string, diagnostic: Diagnostic][];
  /** Whether the generator rejects the unit. */
  failed: boolean;
  /** Whether Podman can read the unit at all. */
  readable: boolean;
  /** The units whose rejection the lint asked about (each answered "not rejected"). */
  asked: string[];
}

const NOTHING_REJECTED: ReadonlySet<string> = new Set();

/**
 * Lints a unit set in three steps, so that its units can be linted in any order, or on several threads:
 * 1. the set is planned from its paths alone (which files are units, of which type, which are drop-ins);
 * 2. each unit is linted on its own ({@link lintUnit}), assuming that no unit it refers to is rejected, and
 *    noting which ones it asked about;
 * 3. {@link finish} settles the set in the generator's order (images, then volumes and networks, builds,
 *    containers and kube units, pods last). A unit that asked about one found rejected by then is linted
 *    again with the rejected units known. The result is the same as linting the units one by one in that
 *    order, where a unit that refers to one converted earlier can depend on whether that one succeeded.
 */
export class SetLinter {
  readonly version: PodmanVersion;
  /** The set's units in the generator's order. */
  readonly units: readonly SetUnit[];
  /** The drop-ins of the set, in input order: {@link setDropIns} takes their texts in this order. */
  readonly dropInPaths: readonly string[];
  private readonly paths: readonly string[];
  private readonly index: SetIndex;
  private dropIns: Parsed[] = [];

  /** `paths` are every file linted (units, drop-ins; other files only get an empty report). */
  constructor(paths: readonly string[], options: LintOptions = {}) {
    this.version = (options.podmanVersion && parseVersion(options.podmanVersion)) || NEWEST_PODMAN;
    this.paths = paths;
    const units: SetUnit[] = [];
    const dropIns: string[] = [];
    for (const path of paths) {
      if (isDropIn(path)) dropIns.push(path);
      else {
        const type = unitTypeOfFile(path);
        if (type) units.push({ path, name: baseName(path), type });
      }
    }
    this.units = units.sort((a, b) => ORDER[a.type] - ORDER[b.type]); // stable: input order within a type
    this.dropInPaths = dropIns;
    const unitIndex = new Map<string, UnitType>();
    for (const u of units) {
      if (unitTypeSupported(u.type, this.version) && !unitIndex.has(u.name)) unitIndex.set(u.name, u.type);
    }
    this.index = {
      units: unitIndex,
      paths: new Set([...paths, ...(options.otherFiles ?? [])]),
      rejected: NOTHING_REJECTED,
    };
  }

  /** The drop-ins' texts, in the order of {@link dropInPaths}; needed before units with drop-ins are linted. */
  setDropIns(texts: readonly string[]): void {
    this.dropIns = this.dropInPaths.map((path, i) => ({ path, file: parseUnitFile(texts[i] ?? '') }));
  }

  /** Lints `units[i]` from its text, with the units in `rejected` taken as rejected (none by default). */
  lintUnit(i: number, text: string, rejected: ReadonlySet<string> = NOTHING_REJECTED): UnitLint {
    const ref = this.units[i]!;
    const diagnostics: UnitLint['diagnostics'] = [];
    const asked: string[] = [];
    const result: UnitLint = { diagnostics, failed: false, readable: true, asked };
    const u = { path: ref.path, name: ref.name, file: parseUnitFile(text) };
    result.readable = checkSyntax(u, (path, d) => diagnostics.push([path, d]), false);
    if (!unitTypeSupported(ref.type, this.version)) {
      diagnostics.push([
        u.path,
        {
          severity: 'warning',
          code: 'unit-type-unsupported',
          message: `Podman ${this.version} does not know .${ref.type} units and ignores this file.`,
          line: 0,
        },
      ]);
      return result;
    }
    // Podman stops at a file it cannot read, before converting anything: nothing more to say about it.
    if (!result.readable) return result;
    const confs = this.dropIns.length > 0 ? dropInsFor(u.name, this.dropIns) : [];
    const merged = confs.length > 0 ? applyDropIns(u.file, confs, { unitName: u.name }) : u.file;
    const set: SetIndex = {
      ...this.index,
      rejected: {
        has: (name: string) => {
          asked.push(name);
          return rejected.has(name);
        },
      },
    };
    const track = (path: string, d: Diagnostic) => {
      if (isGeneratorError(d)) result.failed = true;
      diagnostics.push([path, d]);
    };
    lintUnit(new UnitContext(u.path, ref.type, MAIN_SECTION[ref.type], merged, this.version, set, track));
    return result;
  }

  /** The set's reports from every unit's lint (`lints[i]` of `units[i]`); `text(i)` gives a unit's text
   * again for the few that must be linted again. */
  finish(lints: readonly UnitLint[], text: (i: number) => string): SetLintResult {
    const reports = new Map<string, Diagnostic[]>(this.paths.map((p) => [p, []]));
    const sink = (path: string, d: Diagnostic) => {
      const list = reports.get(path);
      if (list) list.push(d);
      else reports.set(path, [d]);
    };
    for (const p of this.dropIns) checkSyntax(p, sink, true);
    const rejected = new Set<string>();
    const unreadable: string[] = [];
    this.units.forEach((u, i) => {
      let lint = lints[i];
      if (!lint) throw new Error(`no lint for ${u.path}`);
      if (lint.asked.some((name) => rejected.has(name))) lint = this.lintUnit(i, text(i), rejected);
      for (const [path, d] of lint.diagnostics) sink(path, d);
      if (!lint.readable) unreadable.push(u.name);
      else if (lint.failed) rejected.add(u.name);
    });
    // A unit the generator cannot read counts as rejected only after all conversions, as in the generator.
    for (const name of unreadable) rejected.add(name);
    return {
      reports: this.paths.map((path) => ({ path, diagnostics: sortDiagnostics(reports.get(path) ?? []) })),
      rejected,
    };
  }
}

/** Lints a unit set. Reports come back in input order, one per file, each with its diagnostics by line. */
export function lintSet(files: readonly LintFile[], options: LintOptions = {}): FileReport[] {
  return lintSetDetailed(files, options).reports;
}

export interface SetLintResult {
  /** One report per input file, in input order. */
  reports: FileReport[];
  /** File names of the units the generator will reject (their own errors or their drop-ins'). */
  rejected: ReadonlySet<string>;
}

/** {@link lintSet}, plus which units the generator will reject. */
export function lintSetDetailed(files: readonly LintFile[], options: LintOptions = {}): SetLintResult {
  const linter = new SetLinter(
    files.map((f) => f.path),
    options,
  );
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const text = (i: number) => texts.get(linter.units[i]!.path) ?? '';
  linter.setDropIns(linter.dropInPaths.map((p) => texts.get(p) ?? ''));
  // Each syntax tree is made when its unit's turn comes and dropped after, so a large set never holds
  // every tree at once.
  return linter.finish(
    linter.units.map((_, i) => linter.lintUnit(i, text(i))),
    text,
  );
}

function lintUnit(ctx: UnitContext): void {
  if (ctx.entries.length === 0 && ctx.file.nodes.every((n) => n.kind !== 'section')) {
    ctx.report({ code: 'empty-file', message: `The file is empty.` });
  } else if (!listSections(ctx.file).includes(ctx.main)) {
    ctx.report({
      code: 'missing-main-section',
      message: `There is no [${ctx.main}] section; a .${ctx.type} unit keeps its settings there.`,
    });
  }
  checkSectionsAndKeys(ctx);
  checkValues(ctx);
  checkConversion(ctx);
  checkService(ctx);
  checkReferencedFiles(ctx);
}

/** Syntax problems make Podman's generator stop before it converts anything in the directory.
 * Returns whether Podman can read the file. */
function checkSyntax(p: Parsed, sink: (path: string, d: Diagnostic) => void, dropIn: boolean): boolean {
  const consequence = dropIn
    ? 'Podman cannot read this drop-in and skips it: none of its settings apply.'
    : 'Podman cannot read the file, and the generator then produces no unit from the whole directory.';
  let readable = true;
  for (const n of p.file.nodes) {
    if (n.kind !== 'invalid') continue;
    if (n.ignored) {
      sink(p.path, { severity: 'warning', code: 'ignored-line', message: `${capitalize(n.reason)}.`, line: n.line });
    } else {
      readable = false;
      const code = dropIn ? 'dropin-skipped' : 'parse-error';
      sink(p.path, {
        severity: RULES[code].severity,
        code,
        message: `${capitalize(n.reason)}. ${consequence}`,
        line: n.line,
      });
    }
  }
  return readable;
}

/** The drop-ins that apply to a unit, by directory name, in the generator's search order. */
function dropInsFor(unitName: string, dropIns: readonly Parsed[]): DropInConf[] {
  const dirs = dropInDirs(unitName);
  return dropIns
    .filter((d) => dirs.includes(parentName(d.path)))
    .map((d) => ({ dir: parentName(d.path), name: baseName(d.path), path: d.path, file: d.file }));
}

const ORDER: Record<UnitType, number> = {
  image: 1,
  artifact: 1,
  volume: 2,
  network: 2,
  build: 3,
  container: 4,
  kube: 4,
  pod: 5,
};

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) => a.line - b.line || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
