/**
 * The linter on the fixture corpus (fixtures/sets/*): each set's expect.json lists, per file, the codes of
 * the diagnostics it must get — no more, no fewer. The oracle tests check the same sets against Podman.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintSet } from './index';
import { FIXTURE_SETS, fixtureSetNames, readFixtureSet } from './test-support/fixture-sets';

const sets = fixtureSetNames();

describe('fixture corpus', () => {
  it.each(sets)('%s gets exactly the expected diagnostics', (set) => {
    const dir = join(FIXTURE_SETS, set);
    const { files, others } = readFixtureSet(dir);
    const expected = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8')) as Record<string, string[]>;
    const reports = lintSet(files, { podmanVersion: '5.4', otherFiles: others });
    const actual = Object.fromEntries(
      reports.map((r) => [r.path, [...new Set(r.diagnostics.map((d) => d.code))].sort()]),
    );
    expect(actual).toEqual(expected);
  });

  it('points a diagnostic from a drop-in at the drop-in file and line', () => {
    const reports = lintSet([
      { path: 'web.container', text: '[Container]\nImage=localhost/x\n' },
      { path: 'web.container.d/10-x.conf', text: '# note\n[Container]\nImgae=y\n' },
    ]);
    expect(reports[0]!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(reports[1]!.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'unknown-key', line: 3, key: 'Imgae', severity: 'error' }),
    );
  });

  it('gates keys by the target Podman version', () => {
    const text = '[Container]\nImage=localhost/x\nReloadSignal=SIGHUP\n';
    const old = lintSet([{ path: 'a.container', text }], { podmanVersion: '5.4' })[0]!;
    const recent = lintSet([{ path: 'a.container', text }], { podmanVersion: '5.6' })[0]!;
    expect(old.diagnostics.map((d) => d.code)).toContain('key-too-new');
    expect(recent.diagnostics.map((d) => d.code)).not.toContain('key-too-new');
  });

  it('ignores unit types the target version does not know', () => {
    const r = lintSet([{ path: 'app.pod', text: '[Pod]\n' }], { podmanVersion: '4.9' })[0]!;
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unit-type-unsupported']);
  });
});

describe('version-dependent references', () => {
  const set = (network: string) => [
    { path: 'a.container', text: `[Container]\nImage=localhost/x\nNetwork=${network}\n` },
    { path: 'b.container', text: '[Container]\nImage=localhost/x\n' },
  ];
  it('resolves Network=b.container from 5.3 on and warns before', () => {
    const codes = (v: '5.2' | '5.3') =>
      lintSet(set('b.container'), { podmanVersion: v })[0]!.diagnostics.map((d) => d.code);
    expect(codes('5.3')).not.toContain('bad-value');
    expect(codes('5.2')).toContain('bad-value');
  });
});
