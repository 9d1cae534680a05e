/**
 * The linter as the editors use it: one unit (with the other file names of its set, when known) linted with
 * the library's `lintSet`, and its diagnostics sorted by the form field they concern.
 */
import { type Diagnostic, lintSet, type UnitFile } from '@quadletman/quadlet';

export interface UnitLint {
  all: Diagnostic[];
  /** Diagnostics of one field, by `Section/Key`. */
  byField: Map<string, Diagnostic[]>;
  /** Diagnostics that concern the whole file or no field the form shows. */
  general: Diagnostic[];
}

export const fieldId = (section: string, key: string): string => `${section}/${key}`;

export interface LintContext {
  /** The other files of the unit set (for references between units). */
  siblings?: readonly { path: string; text: string }[];
  podmanVersion?: `${number}.${number}`;
}

export function lintUnit(path: string, text: string, file: UnitFile, ctx: LintContext = {}): UnitLint {
  const files = [{ path, text }, ...(ctx.siblings ?? []).filter((f) => f.path !== path)];
  const report = lintSet(files, ctx.podmanVersion ? { podmanVersion: ctx.podmanVersion } : {})[0];
  const all = report?.diagnostics ?? [];
  const sectionAt = new Map<number, string>();
  for (const n of file.nodes) {
    if (n.kind === 'entry') for (let i = 0; i < n.raw.length; i++) sectionAt.set(n.line + i, n.section);
  }
  const byField = new Map<string, Diagnostic[]>();
  const general: Diagnostic[] = [];
  for (const d of all) {
    const section = sectionAt.get(d.line);
    if (d.key && section !== undefined) {
      const id = fieldId(section, d.key);
      byField.set(id, [...(byField.get(id) ?? []), d]);
    } else general.push(d);
  }
  return { all, byField, general };
}
