/**
 * Test helper (not part of the library's API): reading the fixture corpus of unit sets, and attributing
 * drop-in diagnostics to the units they apply to, so verdicts can be compared per unit.
 */

import { dropInDirs } from '../unit-file';
import { isGeneratorError } from './codes';
import { isDropIn, unitTypeOf } from './index';
import type { FileReport } from './types';

const parentName = (p: string): string => p.split('/').slice(-2, -1)[0] ?? '';
const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** Per unit file of the set: whether the linter says the generator rejects it (its drop-ins included). */
export function linterVerdicts(reports: readonly FileReport[]): Map<string, boolean> {
  const verdicts = new Map<string, boolean>();
  const dropInErrors = reports.filter((r) => isDropIn(r.path) && r.diagnostics.some(isGeneratorError));
  for (const r of reports) {
    if (!unitTypeOf(r.path)) continue;
    const dirs = dropInDirs(baseName(r.path));
    const viaDropIn = dropInErrors.some((d) => dirs.includes(parentName(d.path)));
    verdicts.set(baseName(r.path), viaDropIn || r.diagnostics.some(isGeneratorError));
  }
  return verdicts;
}
