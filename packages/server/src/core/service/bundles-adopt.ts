/**
 * Adopting a folder of Quadlet files (pure part): which source file becomes what in a compartment's spec, the
 * names refused, and the warnings about what the files point at outside the folder.
 *
 * Where adopted files land (so the generator still finds each file where the units expect it):
 * - a Quadlet unit at the top of the folder (`web.container`, `app.network`, …) → a raw `text` unit, written
 *   verbatim to `.config/containers/systemd/<name>`;
 * - a `.timer` at the top → a raw `text` unit, written to `.config/systemd/user/<name>` (where systemd reads
 *   timers; in a Quadlet folder it did nothing);
 * - everything else — drop-ins (`web.container.d/10-x.conf`, `container.d/…`), kube YAML, env files, units in
 *   sub-folders, plain `.service` files — → a `files` entry `in: quadlet` at the same relative path, so it is
 *   written beside the units exactly where it was (relative references such as `Yaml=app.yaml` or
 *   `EnvironmentFile=app.env` keep working: Quadlet resolves them against the unit's folder). Its mode is kept,
 *   with owner read/write added.
 */
import { isDropIn, parseUnitFile, unitTypeOf } from '@quadletman/quadlet';
import { UnitNameSchema } from '../ids.js';
import { serviceOf } from '../plan.js';
import { relativePathProblem, textProblem } from '../values.js';

/** One file read from the adopted folder (host/adopt-source.ts). */
export interface SourceFile {
  /** Relative to the folder, `/`-separated. */
  path: string;
  content: string;
  mode: number;
}

export interface AdoptedSet {
  units: Record<string, { text: string }>;
  files: Record<string, { content: string; mode: string; in: 'quadlet' }>;
  warnings: string[];
  /** The services and timers the source user's systemd runs from these files. */
  services: string[];
}

/** Keys whose value is a file the unit reads. */
const FILE_KEYS = new Set([
  'EnvironmentFile',
  'Yaml',
  'ConfigMap',
  'SeccompProfile',
  'AuthFile',
  'ContainersConfModule',
  'File',
]);

const octal = (m: number) => `0${m.toString(8).padStart(3, '0')}`;

/** Why a source file cannot be adopted under its name, or undefined. */
export function adoptNameProblem(path: string): string | undefined {
  if (/[\0\r\n]/.test(path)) return 'its name contains a line break or NUL';
  const p = relativePathProblem(path);
  if (p) return `its name is not a valid file name (${p})`;
  const top = !path.includes('/');
  if (top && (unitTypeOf(path) !== undefined || path.endsWith('.timer'))) {
    const r = UnitNameSchema.safeParse(path);
    if (!r.success) return `not a valid unit name (${r.error.issues.map((i) => i.message).join('; ')})`;
  }
  return undefined;
}

/** Values that point outside the adopted folder: absolute paths and `%` specifiers in file keys and Volume=. */
function outsideReferences(path: string, text: string): string[] {
  const out: string[] = [];
  for (const n of parseUnitFile(text).nodes) {
    if (n.kind !== 'entry') continue;
    const v = n.value.trim().replace(/^"(.*)"$/, '$1');
    const source = n.key === 'Volume' ? v.split(':')[0]! : FILE_KEYS.has(n.key) ? v : undefined;
    if (source === undefined || !(source.startsWith('/') || source.startsWith('%') || source.startsWith('~'))) continue;
    out.push(
      `${path}:${n.line}: ${n.key}=${n.value} is outside the adopted folder; the compartment's user must be able to read it` +
        (source.startsWith('%') ? ` (and ${source.slice(0, 2)} now expands for the compartment's user)` : ''),
    );
  }
  return out;
}

/** The unit the source user's systemd runs from a file (ServiceName= honoured; templates have none). */
const serviceName = (name: string, text: string): string | undefined =>
  name.endsWith('.timer') ? name : serviceOf(name, text);

/**
 * Sorts the source files into units and files. Throws nothing: `problems` lists every file that cannot be
 * adopted, with the reason (the caller refuses the whole folder when there is one).
 */
export function adoptFiles(files: readonly SourceFile[]): AdoptedSet & { problems: string[] } {
  const out: AdoptedSet & { problems: string[] } = { units: {}, files: {}, warnings: [], services: [], problems: [] };
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of sorted) {
    const shown = JSON.stringify(f.path);
    const nameProblem = adoptNameProblem(f.path);
    if (nameProblem) {
      out.problems.push(`${shown}: ${nameProblem}`);
      continue;
    }
    const tp = textProblem(f.content);
    if (tp) {
      out.problems.push(`${shown}: its content ${tp}`);
      continue;
    }
    const top = !f.path.includes('/');
    const isUnit = unitTypeOf(f.path) !== undefined;
    if (top && (isUnit || f.path.endsWith('.timer'))) {
      out.units[f.path] = { text: f.content };
      const svc = serviceName(f.path, f.content);
      if (svc) out.services.push(svc);
    } else {
      out.files[f.path] = { content: f.content, mode: octal((f.mode & 0o777) | 0o600), in: 'quadlet' };
      if (top && /\.(service|socket|target|path|mount|slice)$/.test(f.path)) {
        out.warnings.push(`${f.path}: a plain systemd unit does nothing in a Quadlet folder; kept there as a file`);
      }
    }
    if (isUnit || isDropIn(f.path)) out.warnings.push(...outsideReferences(f.path, f.content));
  }
  out.services.sort();
  return out;
}
