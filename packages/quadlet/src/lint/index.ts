/**
 * The Quadlet linter: every diagnostic for every file of a unit set, as Podman's generator and systemd will
 * see them. A set is what one Quadlet directory holds: units, their drop-ins, and files they refer to.
 */
import type { Diagnostic } from '../diagnostics';
import { findKey, findSection, NEWEST_PODMAN, parseVersion, systemdUnitTypeOfFile, unitTypeOfFile } from '../registry';
import { MAIN_SECTION, type PodmanVersion, type UnitType } from '../registry/types';
import { applyDropIns, type DropInConf, dropInDirs, parseUnitFile } from '../unit-file';
import type { UnitFile } from '../unit-file/types';
import { isGeneratorError, RULES } from './codes';
import { atLeast, type SetIndex, UnitContext } from './context';
import { checkConversion } from './rules/convert';
import { checkReferencedFiles } from './rules/files';
import { checkSectionsAndKeys } from './rules/keys';
import { checkService } from './rules/service';
import { lintSystemdDropIn, lintSystemdUnit } from './rules/systemd';
import { checkValues } from './rules/values';
import type { FileReport, LintFile, LintOptions } from './types';

export { isGeneratorError, RULES, type RuleCode, type Stage, stageOf } from './codes';
export { editDistance, suggest } from './suggest';
export type { FileReport, LintFile, LintOptions, LintScope } from './types';
export { type PortMapping, parsePublishPort } from './values';

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const parentName = (p: string): string => {
  const parts = p.split('/');
  return parts.length >= 2 ? parts[parts.length - 2]! : '';
};

/** A drop-in is a `.conf` file inside a directory whose name ends in `.d`. */
export const isDropIn = (path: string): boolean => path.endsWith('.conf') && parentName(path).endsWith('.d');

/** The unit type of a Quadlet unit file (`web.container` → container); undefined for drop-ins and others. */
export const unitTypeOf = (path: string): UnitType | undefined => (isDropIn(path) ? undefined : unitTypeOfFile(path));

/** Whether a file is a systemd unit the linter knows besides Quadlet's: a service, socket, timer, target or path
 * unit (`api.service`, `api.socket`, `backup.timer`, `stack.target`, `inbox.path`). */
export const isSystemdUnitFile = (path: string): boolean =>
  !isDropIn(path) && systemdUnitTypeOfFile(baseName(path)) !== undefined;

/** A drop-in of a systemd unit (`api.socket.d/10-port.conf`, `service.d/10-all.conf`): systemd reads it, not
 * Podman. */
const isSystemdDropIn = (path: string): boolean => isDropIn(path) && systemdUnitTypeOfFile(path) !== undefined;

/** Whether Podman's generator at `version` reads files of this unit type at all. */
export function unitTypeSupported(type: UnitType, version: PodmanVersion): boolean {
  const section = findSection(MAIN_SECTION[type]);
  return section !== undefined && atLeast(version, section.since);
}

interface Parsed {
  path: string;
  file: UnitFile;
}

/** A unit file before parsing: each is parsed when its turn comes and dropped after, so a large set never
 * holds every syntax tree at once. */
interface UnitRef {
  path: string;
  text: string;
  type: UnitType;
  name: string;
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
  const version = (options.podmanVersion && parseVersion(options.podmanVersion)) || NEWEST_PODMAN;
  const reports = new Map<string, Diagnostic[]>();
  const sink = (path: string, d: Diagnostic) => {
    const list = reports.get(path);
    if (list) list.push(d);
    else reports.set(path, [d]);
  };

  const units: UnitRef[] = [];
  const dropIns: Parsed[] = [];
  // systemd's own units and their drop-ins: the generator reads none of them
  const systemdUnits: LintFile[] = [];
  const systemdDropIns: Parsed[] = [];
  for (const f of files) {
    if (isSystemdDropIn(f.path)) {
      systemdDropIns.push({ path: f.path, file: parseUnitFile(f.text) });
      continue;
    }
    if (isDropIn(f.path)) {
      dropIns.push({ path: f.path, file: parseUnitFile(f.text) });
      continue;
    }
    if (isSystemdUnitFile(f.path)) {
      systemdUnits.push(f);
      continue;
    }
    const type = unitTypeOfFile(f.path);
    if (type) units.push({ path: f.path, name: baseName(f.path), type, text: f.text });
  }

  // Podman reads every unit file before it converts any. A file it cannot read is not loaded: it is no unit the
  // others can refer to. (A file of a type the version does not know is not even read.)
  const unreadable = new Map<string, string>();
  const unreadablePaths = new Set<string>();
  for (const u of units) {
    if (!unitTypeSupported(u.type, version)) continue;
    if (checkSyntax({ path: u.path, file: parseUnitFile(u.text) }, sink, false, version)) continue;
    unreadablePaths.add(u.path);
    if (!unreadable.has(u.name)) unreadable.set(u.name, u.path);
  }
  const unitIndex = new Map<string, UnitType>();
  for (const u of units) {
    if (unitTypeSupported(u.type, version) && !unreadable.has(u.name) && !unitIndex.has(u.name)) {
      unitIndex.set(u.name, u.type);
    }
  }
  const paths = new Set<string>();
  for (const f of files) paths.add(f.path);
  for (const p of options.otherFiles ?? []) paths.add(p);
  const rejected = new Set<string>();
  const set: SetIndex = { units: unitIndex, unreadable, paths, rejected, scope: options.scope ?? 'user' };

  for (const p of dropIns) checkSyntax(p, sink, true, version);

  // The generator converts images first, then volumes and networks, builds, containers and kube units, and
  // pods last; a unit that references one converted earlier can depend on whether that one succeeded.
  // (A unit it cannot read counts as rejected only after all conversions, as in the generator.)
  const loaded: { path: string; name: string }[] = [];
  const services = new Set<string>();
  for (const ref of generatorOrder(units)) {
    const type = ref.type;
    // The generator does not even read a file of a type it does not know: whatever its text, it is ignored
    // (and so cannot make the generator drop its folder).
    if (!unitTypeSupported(type, version)) {
      sink(ref.path, {
        severity: 'warning',
        code: 'unit-type-unsupported',
        message: `Podman ${version} does not know .${type} units and ignores this file.`,
        line: 0,
      });
      continue;
    }
    // Podman stops at a file it cannot read, before converting anything: nothing more to say about it.
    if (unreadablePaths.has(ref.path)) continue;
    const u = { path: ref.path, name: ref.name, file: parseUnitFile(ref.text) };
    const confs = dropIns.length > 0 ? dropInsFor(u.name, dropIns) : [];
    loaded.push({ path: u.path, name: u.name });
    const merged =
      confs.length > 0 ? applyDropIns(u.file, confs, { unitName: u.name, podmanVersion: version }) : u.file;
    let failed = false;
    const track = (path: string, d: Diagnostic) => {
      if (isGeneratorError(d)) failed = true;
      sink(path, d);
    };
    const ctx = new UnitContext(u.path, type, MAIN_SECTION[type], merged, version, set, track);
    lintUnit(ctx);
    if (failed) rejected.add(u.name);
    services.add(serviceOf(ctx));
  }
  // systemd's own units, each with its drop-ins merged in; each drop-in's lines are checked once, on its own
  const systemdNames = new Set(systemdUnits.map((f) => baseName(f.path)));
  for (const t of systemdUnits) {
    const name = baseName(t.path);
    // systemd skips the lines of a drop-in it cannot read, not the whole drop-in as Podman does
    const confs = (systemdDropIns.length > 0 ? dropInsFor(name, systemdDropIns) : []).map((c) => ({
      ...c,
      file: { ...c.file, nodes: c.file.nodes.map((n) => (n.kind === 'invalid' ? { ...n, ignored: true } : n)) },
    }));
    const file = parseUnitFile(t.text);
    lintSystemdUnit(
      t.path,
      confs.length > 0 ? applyDropIns(file, confs, { unitName: name }) : file,
      { services, units: systemdNames, paths },
      sink,
      t.text.length === 0,
    );
  }
  for (const p of systemdDropIns) lintSystemdDropIn(p.path, p.file, sink);

  for (const name of unreadable.keys()) rejected.add(name);
  if (unreadable.size > 0 && atLeast(version, '4.7')) abortFolders(units, unreadablePaths, loaded, rejected, sink);
  return {
    reports: files.map((f) => {
      const ds = reports.get(f.path);
      return { path: f.path, diagnostics: ds ? sortDiagnostics(ds) : [] };
    }),
    rejected,
  };
}

/** The service a unit becomes: `ServiceName=` where the version knows it, else `web.service` for containers
 * and kube units and `db-volume.service` (and the like) for the others. */
function serviceOf(ctx: UnitContext): string {
  const def = findKey(ctx.main, 'ServiceName');
  const custom = def && ctx.atLeast(def.since) ? ctx.mainValue('ServiceName') : undefined;
  if (custom) return `${custom}.service`;
  const name = baseName(ctx.path);
  const base = name.slice(0, name.lastIndexOf('.'));
  return ctx.type === 'container' || ctx.type === 'kube' ? `${base}.service` : `${base}-${ctx.type}.service`;
}

const dirName = (p: string): string => p.slice(0, Math.max(p.lastIndexOf('/'), 0));

/** From 4.7 on, a unit file Podman cannot read makes the generator drop every unit of its folder: it
 * generates nothing from there (before, it skipped that file alone). */
function abortFolders(
  units: readonly UnitRef[],
  unreadable: ReadonlySet<string>,
  loaded: readonly { path: string; name: string }[],
  rejected: Set<string>,
  sink: (path: string, d: Diagnostic) => void,
): void {
  const culprits = new Map<string, string>();
  for (const u of units) {
    if (unreadable.has(u.path) && !culprits.has(dirName(u.path))) culprits.set(dirName(u.path), u.path);
  }
  for (const u of loaded) {
    const culprit = culprits.get(dirName(u.path));
    if (culprit === undefined) continue;
    rejected.add(u.name);
    sink(u.path, {
      severity: RULES['unit-set-aborted'].severity,
      code: 'unit-set-aborted',
      message: `Podman cannot read ${baseName(culprit)}, and then the generator produces no unit from its whole folder: none for this file either.`,
      line: 0,
    });
  }
}

function lintUnit(ctx: UnitContext): void {
  if (ctx.sections.length === 0 && ctx.entries.length === 0) {
    ctx.report({ code: 'empty-file', message: `The file is empty.` });
  } else if (!ctx.sections.includes(ctx.main)) {
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
function checkSyntax(
  p: Parsed,
  sink: (path: string, d: Diagnostic) => void,
  dropIn: boolean,
  version: PodmanVersion,
): boolean {
  const consequence = dropIn
    ? 'Podman cannot read this drop-in and skips it: none of its settings apply.'
    : atLeast(version, '4.7')
      ? 'Podman cannot read the file, and the generator then produces no unit from the whole directory.'
      : 'Podman cannot read the file and skips it.';
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

/** Units in the generator's order, and in their given order within a type. */
function generatorOrder(units: readonly UnitRef[]): UnitRef[] {
  const byOrder: UnitRef[][] = [[], [], [], [], [], []];
  for (const u of units) byOrder[ORDER[u.type]]!.push(u);
  return byOrder.flat();
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) => a.line - b.line || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
