// What the conversion's parts share: the report, the unit being built (with the target version's fallbacks to
// PodmanArgs=), the conversion's state, and small readers of compose values.

import { compareVersions, findKey, type PodmanVersion } from '@quadletman/quadlet';
import { escapeDollar, escapePercent } from '../../values.js';
import type { ReadFile } from './load.js';
import { isObj, type Obj } from './merge.js';

export type Disposition = 'mapped' | 'podman-args' | 'dropped' | 'needs-input';

export interface ReportEntry {
  /** Dotted path in the compose model: `services.web.deploy.replicas`. */
  path: string;
  disposition: Disposition;
  note: string;
}

export type Path = readonly string[];
export const dotted = (p: Path) => p.join('.');

/** The literal form of a value that lands in ExecStart: `%` and `$` escaped for systemd. */
export const lit = (s: string) => escapeDollar(escapePercent(s));
export const str = (v: unknown) =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

export class Report {
  readonly entries: ReportEntry[] = [];
  add(path: Path, disposition: Disposition, note = ''): void {
    this.entries.push({ path: dotted(path), disposition, note });
  }
  mapped = (path: Path, note = '') => this.add(path, 'mapped', note);
  dropped = (path: Path, note: string) => this.add(path, 'dropped', note);
  needs = (path: Path, note: string) => this.add(path, 'needs-input', note);
}

/** A unit being built: Quadlet keys in order, each with the compose path it came from. */
export class UnitBuilder {
  readonly main: [key: string, value: unknown, path: Path][] = [];
  readonly unit: Record<string, string | string[]> = {};
  readonly service: Record<string, string> = {};
  constructor(
    readonly section: string,
    readonly version: PodmanVersion,
    readonly report: Report,
  ) {}
  /** Sets a main-section key; if the target Podman lacks it, its flag goes to PodmanArgs, or it needs input. */
  put(key: string, value: boolean | string | string[] | Record<string, string>, path: Path, note = ''): void {
    this.place(key, value, path, note || `${this.section} ${key}=`, true);
  }
  /** As put, with no report entry when the key is available (for what the conversion adds by itself). */
  implicit(key: string, value: string[], path: Path): void {
    this.place(key, value, path, '', false);
  }
  private place(
    key: string,
    value: boolean | string | string[] | Record<string, string>,
    path: Path,
    note: string,
    report: boolean,
  ): void {
    const def = findKey(this.section, key);
    if (def && compareVersions(def.since, this.version) <= 0) {
      this.main.push([key, value, path]);
      if (report) this.report.mapped(path, note);
      return;
    }
    if (def?.flag) {
      const values = Array.isArray(value)
        ? value
        : typeof value === 'string' || typeof value === 'boolean'
          ? [String(value)]
          : Object.entries(value).map(([k, v]) => `${k}=${v}`);
      // (text was escaped by the caller; a data map, which the renderer would have escaped, is escaped here)
      const quoted = isObj(value) ? values.map(lit) : values;
      this.args(
        quoted.map((v) => `${def.flag}=${v}`),
        path,
        `Podman ${this.version} has no ${key}=`,
      );
      return;
    }
    this.report.needs(path, `Podman ${this.version} has no ${this.section} ${key}= and no flag for it`);
  }
  /** Adds podman flags (already escaped) to PodmanArgs=. */
  args(words: string[], path: Path, note: string): void {
    this.main.push(['PodmanArgs', words, path]);
    this.report.add(path, 'podman-args', `${note ? `${note}: ` : ''}PodmanArgs=${words.join(' ')}`);
  }
  /** Adds a unit to a [Unit] list (Requires=, After=, …). */
  addUnit(key: string, value: string): void {
    const prev = this.unit[key];
    const list = Array.isArray(prev) ? prev : [];
    if (!list.includes(value)) this.unit[key] = [...list, value];
  }
  /** The unit as a spec entry (Quadlet spellings; lists gathered). */
  toSpec(prop: string): Obj {
    const main: Obj = {};
    for (const [key, value] of this.main) {
      const prev = main[key];
      if (prev === undefined) main[key] = value;
      else if (Array.isArray(prev)) main[key] = [...prev, ...(Array.isArray(value) ? value : [value])];
      else if (isObj(prev) && isObj(value)) main[key] = { ...prev, ...value };
      else main[key] = value;
    }
    const out: Obj = {};
    if (Object.keys(this.unit).length > 0) out.unit = { ...this.unit };
    out[prop] = main;
    if (Object.keys(this.service).length > 0) out.service = { ...this.service };
    return out;
  }
}

export interface Ctx {
  project: string;
  version: PodmanVersion;
  report: Report;
  readFile: ReadFile;
  lookup: (name: string) => string | undefined;
  model: Obj;
  services: Record<string, Obj>;
  spec: {
    units: Obj;
    volumes: Obj;
    files: Obj;
    secrets: string[];
  };
  /** Volumes declared at the top level (compose name → how a service refers to it). */
  volumeRefs: Map<string, string>;
  /** Networks declared at the top level (compose name → Network= value). */
  networkRefs: Map<string, string>;
  usesDefaultNetwork: boolean;
  /** Services others wait for until healthy (Notify=healthy), or until they have run once (one-shots). */
  healthy: Set<string>;
  oneshot: Set<string>;
}

export function subkeys(
  obj: unknown,
  path: Path,
  ctx: Ctx,
  handlers: Record<string, (v: unknown, path: Path) => void>,
  what = 'no equivalent',
): void {
  if (obj === null || obj === undefined) return;
  if (!isObj(obj)) {
    ctx.report.needs(path, 'must be a mapping');
    return;
  }
  for (const [k, v] of Object.entries(obj)) {
    const h = handlers[k];
    // a key with no value (`environment:`, `[]`, `{}`) says nothing (but `build: {}` builds the project folder)
    if (k !== 'build' && (v === null || (typeof v === 'object' && Object.keys(v).length === 0))) {
      ctx.report.dropped([...path, k], 'empty');
    } else if (h) h(v, [...path, k]);
    else if (k.startsWith('x-')) ctx.report.dropped([...path, k], 'an extension field');
    else ctx.report.needs([...path, k], what);
  }
}

export const kvMap = (v: unknown): Record<string, string> => {
  if (Array.isArray(v)) {
    return Object.fromEntries(
      v.map((x) => {
        const s = String(x);
        const eq = s.indexOf('=');
        return eq < 0 ? [s, ''] : [s.slice(0, eq), s.slice(eq + 1)];
      }),
    );
  }
  return isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, str(x)])) : {};
};

/** A handler that sets `target[field]` (text, or a map for labels) and reports it mapped as `note`. */
export const assign =
  (target: Obj, field: string, note: string, ctx: Ctx, read: (x: unknown) => unknown = str) =>
  (x: unknown, p: Path): void => {
    target[field] = read(x);
    ctx.report.mapped(p, note);
  };

/** The report as text, one entry a line: `disposition  path  note`. */
export function reportText(report: readonly ReportEntry[]): string {
  return report.map((e) => `${e.disposition.padEnd(11)} ${e.path}${e.note ? `  ${e.note}` : ''}\n`).join('');
}
