/**
 * SetLinter: units linted in any order (as the CLI's threads do) and settled in the generator's order give
 * exactly what linting them one by one in that order gives (lintSet).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lintSetDetailed, SetLinter, type UnitLint } from './index';
import { FIXTURE_SETS, readFixtureSet } from './test-support/fixture-sets';
import { arbitraryUnitSet } from './test-support/unit-set.arbitrary';
import type { LintFile, LintOptions } from './types';

/** Lints the units in the order `order` gives, then settles; counts how many units finish lints again. */
function lintInOrder(files: readonly LintFile[], options: LintOptions, order: (n: number) => number[]) {
  const linter = new SetLinter(
    files.map((f) => f.path),
    options,
  );
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const text = (i: number) => texts.get(linter.units[i]!.path)!;
  linter.setDropIns(linter.dropInPaths.map((p) => texts.get(p)!));
  const lints: UnitLint[] = [];
  for (const i of order(linter.units.length)) lints[i] = linter.lintUnit(i, text(i));
  let again = 0;
  const result = linter.finish(lints, (i) => {
    again++;
    return text(i);
  });
  return { result, again, linter };
}

const reversed = (n: number) => [...Array(n).keys()].reverse();

describe('SetLinter', () => {
  it('plans a set from its paths: units in the generator order, drop-ins apart', () => {
    const linter = new SetLinter(['web.container', 'app.pod', 'db.volume', 'web.container.d/10.conf', 'x.yaml']);
    expect(linter.units.map((u) => u.path)).toEqual(['db.volume', 'web.container', 'app.pod']);
    expect(linter.dropInPaths).toEqual(['web.container.d/10.conf']);
  });

  it('lints again only the units that referred to a unit found rejected', () => {
    const dir = join(FIXTURE_SETS, 'rejected-refs');
    const { files, others } = readFixtureSet(dir);
    const options: LintOptions = { podmanVersion: '5.4', otherFiles: others };
    const { result, again } = lintInOrder(files, options, reversed);
    expect(result).toEqual(lintSetDetailed(files, options));
    // on-bad-net.container, on-bad-vol.container, on-bad-img.container, mixed.container, on-bad-net.pod
    expect(again).toBe(5);
    expect([...result.rejected].sort()).toEqual([
      'bad.image',
      'bad.network',
      'bad.volume',
      'on-bad-net.container',
      'on-bad-net.pod',
    ]);
  });

  it('gives every fixture set the same reports in any order', () => {
    for (const set of readdirSync(FIXTURE_SETS)) {
      const { files, others } = readFixtureSet(join(FIXTURE_SETS, set));
      const options: LintOptions = { podmanVersion: '5.4', otherFiles: others };
      expect(lintInOrder(files, options, reversed).result, set).toEqual(lintSetDetailed(files, options));
    }
  });

  it('gives generated sets the same reports in any order', () => {
    fc.assert(
      fc.property(
        // a set, and an order of its units: a shuffle of the file indexes, of which the first n are units
        arbitraryUnitSet('5.4').chain((files) =>
          fc.tuple(fc.constant(files), fc.shuffledSubarray([...files.keys()], { minLength: files.length })),
        ),
        ([files, perm]) => {
          const options: LintOptions = { podmanVersion: '5.4' };
          const { result } = lintInOrder(files, options, (n) => perm.filter((i) => i < n));
          expect(result).toEqual(lintSetDetailed(files, options));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses to settle a set with a unit not linted', () => {
    const linter = new SetLinter(['a.container']);
    expect(() => linter.finish([], () => '')).toThrow(/no lint for a\.container/);
  });
});
