/**
 * Drop-ins as Podman's Quadlet generator applies them (cmd/quadlet, parser.GetUnitDropinPaths):
 * - for `foo-bar@i.container` the directories searched are, most specific first: `foo-bar@i.container.d`,
 *   `foo-bar@.container.d`, `foo-@.container.d`, `foo-.container.d`, `container.d` (every `-` prefix of the
 *   name, the template, and the type-wide directory);
 * - every drop-in directory is looked for in every unit directory, and for each `.conf` name the first one
 *   found wins. The order of that search changed in Podman 5.6 (cmd/quadlet/main.go, `loadUnitDropins`: the
 *   two loops swapped in commit 022bac2, PR 26557, issue 26555, first in v5.6.0-rc1; checked on 5.4.2, 5.8.6
 *   and 6.1.1): from 5.6 on the drop-in directories come first, most specific first, and within each the unit
 *   directories in order, so a more specific conf wins wherever it lives (a unit's own conf in a later unit
 *   directory beats a type-wide one of the same name in an earlier one); up to 5.5 the unit directories came
 *   first, so a conf in a higher unit directory won even over a more specific one below it;
 * - the winners are merged in name order (byte order); a merged key adds to lists or overrides single values
 *   exactly as if it had been written at the end of the unit file; an empty assignment resets a list.
 * A conf Podman cannot parse is skipped (the generator reports it and goes on).
 */
import type { PodmanVersion } from '../registry/types';
import { compareVersions, NEWEST_PODMAN } from '../registry/version';
import { fatalNodes } from './query';
import type { UnitFile, UnitNode } from './types';
import { compareCodePoints } from './whitespace';

/** Drop-in directory names for a unit file name, most specific first. */
export function dropInDirs(unitFileName: string): string[] {
  const dot = unitFileName.lastIndexOf('.');
  const ext = dot === -1 ? '' : unitFileName.slice(dot);
  const base = unitFileName.slice(0, unitFileName.length - ext.length);
  const at = base.indexOf('@');
  const unitName = at === -1 ? base : base.slice(0, at);
  const instance = at === -1 ? '' : base.slice(at + 1);
  const isTemplate = at !== -1;
  const dropInExt = `${ext}.d`;

  const dirs = [dropInExt.startsWith('.') ? dropInExt.slice(1) : dropInExt];
  const parts = unitName.split('-');
  for (let i = 0; i < parts.length - 1; i++) {
    const prefix = `${parts.slice(0, i + 1).join('-')}-`;
    dirs.push(prefix + dropInExt);
    if (isTemplate) dirs.push(`${prefix}@${dropInExt}`);
  }
  if (instance !== '') dirs.push(`${unitName}@${dropInExt}`);
  dirs.push(`${unitFileName}.d`);
  return dirs.reverse();
}

/** Whether Podman `version` searches drop-in directories before unit directories (5.6 on; see the module comment). */
const dropInDirsFirst = (version: PodmanVersion): boolean => compareVersions(version, '5.6') >= 0;

/**
 * Every directory to search, in the order of Podman `version` (default the newest): from 5.6 on each drop-in
 * directory in turn, most specific first, and it in each unit directory; up to 5.5 each unit directory in
 * turn, and in it each drop-in directory.
 */
export function dropInSearchPaths(
  unitFileName: string,
  unitDirs: readonly string[],
  version: PodmanVersion = NEWEST_PODMAN,
): string[] {
  const names = dropInDirs(unitFileName);
  const join = (d: string, n: string) => `${d.replace(/\/+$/, '')}/${n}`;
  return dropInDirsFirst(version)
    ? names.flatMap((n) => unitDirs.map((d) => join(d, n)))
    : unitDirs.flatMap((d) => names.map((n) => join(d, n)));
}

export interface DropInConf {
  /** The drop-in directory: its bare name (`foo.container.d`) or a path ending in it. */
  dir: string;
  /** The file name (`10-limits.conf`). */
  name: string;
  file: UnitFile;
  /** Where the conf lives, recorded on its nodes as `source`; defaults to `dir/name`. */
  path?: string;
}

export interface DropInOptions {
  /** The unit's file name: confs in directories that do not apply to it are left out, the rest ranked exactly. */
  unitName?: string;
  /** Unit directories in priority order, when confs come from several (their `dir` must then be paths). */
  unitDirs?: readonly string[];
  /** The Podman version whose search order counts (default the newest; see the module comment). */
  podmanVersion?: PodmanVersion;
}

export interface DropInPlan {
  /** The confs that apply, in merge order. */
  applied: DropInConf[];
  /** Confs hidden by a higher-priority conf of the same name. */
  shadowed: { conf: DropInConf; by: DropInConf }[];
  /** Confs Podman cannot parse (skipped) or that do not apply (not `.conf`, other unit). */
  rejected: { conf: DropInConf; reason: string }[];
}

const baseName = (p: string) => p.replace(/\/+$/, '').split('/').pop() ?? '';
const parentDir = (p: string) => {
  const t = p.replace(/\/+$/, '');
  const i = t.lastIndexOf('/');
  return i === -1 ? '' : t.slice(0, i);
};
const hasConfExt = (name: string) => {
  const dot = name.lastIndexOf('.');
  return dot !== -1 && name.slice(dot) === '.conf';
};

/** Decides which confs count and in which order they merge (see the module comment). */
export function planDropIns(confs: readonly DropInConf[], options: DropInOptions = {}): DropInPlan {
  const plan: DropInPlan = { applied: [], shadowed: [], rejected: [] };
  const names = options.unitName === undefined ? undefined : dropInDirs(options.unitName);
  const ranked: { conf: DropInConf; unitDir: number; dirRank: number; order: number }[] = [];
  confs.forEach((conf, order) => {
    const dirName = baseName(conf.dir);
    // Without the unit's name, a longer directory name is a more specific one (true of every list above).
    const dirRank = names ? names.indexOf(dirName) : -dirName.length;
    const unitDir = options.unitDirs ? options.unitDirs.indexOf(parentDir(conf.dir)) : 0;
    let reason: string | undefined;
    if (!hasConfExt(conf.name)) reason = 'only *.conf files are read';
    else if (dirRank === -1) reason = `${dirName} does not apply to ${options.unitName}`;
    else if (unitDir === -1) reason = `${conf.dir} is not in a unit directory`;
    if (reason === undefined) ranked.push({ conf, unitDir, dirRank, order });
    else plan.rejected.push({ conf, reason });
  });
  if (dropInDirsFirst(options.podmanVersion ?? NEWEST_PODMAN)) {
    ranked.sort((a, b) => a.dirRank - b.dirRank || a.unitDir - b.unitDir || a.order - b.order);
  } else ranked.sort((a, b) => a.unitDir - b.unitDir || a.dirRank - b.dirRank || a.order - b.order);

  const winners = new Map<string, DropInConf>();
  for (const { conf } of ranked) {
    const by = winners.get(conf.name);
    if (by) plan.shadowed.push({ conf, by });
    else winners.set(conf.name, conf);
  }
  for (const name of [...winners.keys()].sort(compareCodePoints)) {
    const conf = winners.get(name)!;
    const fatal = fatalNodes(conf.file)[0];
    if (fatal) plan.rejected.push({ conf, reason: `line ${fatal.line}: ${fatal.reason}` });
    else plan.applied.push(conf);
  }
  return plan;
}

/**
 * The merged view of a unit and its drop-ins. Nodes of each applied conf follow the unit's own nodes and
 * carry `source` (the conf's path) and their line in that conf, so a diagnostic on a merged key points at the
 * right file and line. Queries on the result give what the generator sees.
 */
export function applyDropIns(base: UnitFile, confs: readonly DropInConf[], options: DropInOptions = {}): UnitFile {
  const { applied } = planDropIns(confs, options);
  const nodes: UnitNode[] = [...base.nodes];
  for (const conf of applied) {
    const source = conf.path ?? `${conf.dir.replace(/\/+$/, '')}/${conf.name}`;
    for (const n of conf.file.nodes) nodes.push({ ...n, source });
  }
  return { ...base, nodes };
}
