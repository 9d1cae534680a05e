// A unit being built by a converter: Quadlet keys in order, each with the input path it came from and a report
// entry; a key the target Podman lacks falls back to its podman flag in PodmanArgs=, or needs input.

import { compareVersions, findKey, type PodmanVersion } from '@quadletman/quadlet';
import { isObj, lit, type Obj, type Path, type Report } from './common.js';

/** A unit being built: Quadlet keys in order, each with the input path it came from. */
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
