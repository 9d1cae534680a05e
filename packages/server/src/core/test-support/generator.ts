/**
 * The real Quadlet generator's verdict on a rendered set, for the oracle tests: nothing fails to load or is
 * rejected, the linter agrees, and every Quadlet file's service comes out.
 */
import { expect } from 'vitest';
import { runGenerator } from '../../../../../scripts/oracle/generator';
import { areaOf, pathInArea } from '../layout.js';
import { lintRendered } from '../lint.js';
import { serviceOf } from '../plan.js';
import type { RenderedSet } from '../render.js';

export function expectGeneratorAccepts(set: RenderedSet, podmanVersion: string | null) {
  const quadlet: Record<string, string> = {};
  for (const [p, text] of set.files) if (areaOf(p) === 'quadlet') quadlet[pathInArea(p)] = text;
  const gen = runGenerator(quadlet);
  expect(gen.crashed, gen.stderr).toBe(false);
  expect([...gen.loadErrors], gen.stderr).toEqual([]);
  expect([...gen.rejected], gen.stderr).toEqual([]);
  expect(lintRendered(set.files, { podmanVersion }).ok).toBe(true);
  for (const [name, text] of Object.entries(quadlet)) {
    const svc = serviceOf(name, text);
    if (svc !== undefined) expect(gen.units.has(svc), `${name} → ${svc}`).toBe(true);
  }
  return { quadlet, gen };
}
