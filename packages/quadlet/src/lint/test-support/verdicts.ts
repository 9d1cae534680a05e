/**
 * Test helper (not part of the library's API): the linter's per-unit verdicts in the shape the differential
 * tests compare with the generator's.
 */
import { lintSetDetailed, unitTypeOf } from '../index';
import type { FileReport, LintFile, LintOptions } from '../types';

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** Lints a set; per unit file name, whether the linter says the generator rejects it. */
export function linterVerdicts(
  files: readonly LintFile[],
  options: LintOptions,
): { reports: FileReport[]; verdicts: Map<string, boolean> } {
  const { reports, rejected } = lintSetDetailed(files, options);
  const verdicts = new Map<string, boolean>();
  for (const f of files) if (unitTypeOf(f.path)) verdicts.set(baseName(f.path), rejected.has(baseName(f.path)));
  return { reports, verdicts };
}
