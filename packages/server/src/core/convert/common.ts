// What every converter into a compartment spec shares (compose/, run/): the report of what became of each part
// of the input, the literal form of a value that lands in ExecStart, and the compartment id made of a name.

import { escapeDollar, escapePercent } from '../values.js';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export type Disposition = 'mapped' | 'podman-args' | 'dropped' | 'needs-input';

export interface ReportEntry {
  /** Where in the input: a dotted path in the compose model (`services.web.deploy.replicas`), or a container's
   * option of a run command (`web.--publish.0`). */
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

/** The report as text, one entry a line: `disposition  path  note`. */
export function reportText(report: readonly ReportEntry[]): string {
  return report.map((e) => `${e.disposition.padEnd(11)} ${e.path}${e.note ? `  ${e.note}` : ''}\n`).join('');
}

/** A compartment id from a name: lowercase, a-z 0-9 and -, starting with a letter, ≤ 32. */
export function projectName(name: string): string | undefined {
  const id = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 32)
    .replace(/-+$/, '');
  return id === '' ? undefined : id;
}
