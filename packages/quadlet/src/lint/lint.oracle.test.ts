/**
 * Differential tests: quadletman's linter against the real Quadlet generator. For every unit of every set —
 * the fixture corpus and sets generated at random — the linter's "the generator rejects this file" verdict
 * must equal the generator's own. It runs at every generator ORACLE_SUITES names (Debian trixie 5.4, sid 5.8,
 * experimental 6.1), with the linter's `podmanVersion` set to that generator's major.minor.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GeneratorRun, ORACLE_SUITES, oracleFor } from '../../../../scripts/oracle/generator';
import { type PodmanVersion, parseVersion } from '../registry';
import { lintSet, unitTypeOf } from './index';
import { FIXTURE_SETS, fixtureSetNames, readFixtureSet } from './test-support/fixture-sets';
import { arbitraryUnitSet } from './test-support/unit-set.arbitrary';
import { linterVerdicts } from './test-support/verdicts';
import type { LintFile } from './types';
import { isBool, podmanBool } from './values';

const tally = { accepted: 0, rejected: 0 };

function compare(version: PodmanVersion, files: LintFile[], others: string[], gen: GeneratorRun) {
  const { reports, verdicts: ours } = linterVerdicts(files, { podmanVersion: version, otherFiles: others });
  if (gen.crashed) {
    // A crash stops the generator for every file; the linter must have named the file that crashes it.
    expect(reports.some((r) => r.diagnostics.some((d) => d.code === 'generator-crash'))).toBe(true);
    return;
  }
  // A unit file it cannot load (not a drop-in) makes the generator drop its whole folder: it generates
  // nothing from there, and rejects every unit there without naming it.
  const units = files.filter((f) => unitTypeOf(f.path) !== undefined);
  const dirOf = (p: string) => p.slice(0, Math.max(p.lastIndexOf('/'), 0));
  const nameOf = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  const dropped = new Set(units.filter((f) => gen.loadErrors.has(nameOf(f.path))).map((f) => dirOf(f.path)));
  if (dropped.size > 0 && units.every((f) => dropped.has(dirOf(f.path)))) {
    expect(gen.units.size, 'a folder with an unreadable unit file generates nothing').toBe(0);
  }
  const folderOf = new Map<string, string>();
  for (const f of units) if (!folderOf.has(nameOf(f.path))) folderOf.set(nameOf(f.path), dirOf(f.path));
  const mismatches: string[] = [];
  for (const [name, rejects] of ours) {
    const reason =
      gen.loadErrors.get(name) ??
      gen.rejected.get(name) ??
      (dropped.has(folderOf.get(name)!) ? 'the folder was dropped' : undefined);
    tally[reason === undefined ? 'accepted' : 'rejected']++;
    if ((reason !== undefined) !== rejects) {
      const diags = reports
        .filter((r) => r.path.endsWith(name))
        .flatMap((r) => r.diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`));
      mismatches.push(
        `${name}: generator ${reason === undefined ? 'accepts' : `rejects (${reason})`}, linter ${rejects ? 'rejects' : 'accepts'}\n` +
          `  text: ${JSON.stringify(files.find((f) => f.path.endsWith(name))?.text)}\n  linter: ${diags.join('\n          ') || '(nothing)'}`,
      );
    }
  }
  expect(mismatches, mismatches.join('\n')).toEqual([]);
}

describe.each(ORACLE_SUITES.map((suite) => oracleFor(suite)))(
  `linter verdicts equal the generator's (Debian $suite, Podman $version)`,
  (oracle) => {
    const version = parseVersion(oracle.version)!;
    const sets = fixtureSetNames();
    it.each(sets)('fixture set %s', (set) => {
      const dir = join(FIXTURE_SETS, set);
      const { files, others } = readFixtureSet(dir);
      compare(version, files, others, oracle.runOnDir(dir));
    });

    it('warns about identity keys in [Service] exactly where the generator does', () => {
      for (const key of ['User', 'Group', 'DynamicUser']) {
        const text = `[Container]\nImage=localhost/x\n[Service]\n${key}=${key === 'DynamicUser' ? 'yes' : 'web'}\n`;
        const gen = oracle.run({ 'a.container': text });
        // the generator names the key on a warning line of its standard error
        const generatorWarns = gen.stderr.split('\n').some((l) => /warn/i.test(l) && l.includes(` ${key} `));
        // (a rootful set: a rootless one gets the User= warning at every version, for another reason)
        const [report] = lintSet([{ path: 'a.container', text }], { podmanVersion: version, scope: 'system' });
        const linterWarns = report!.diagnostics.some((d) => d.key === key && d.severity === 'warning');
        expect(linterWarns, `${key}= at Podman ${oracle.version}`).toBe(generatorWarns);
      }
    });

    it('reads the boolean words of Notify= as the generator does, in any case', () => {
      for (const v of ['true', 'True', 'TRUE', 'yes', 'On', '1', 'false', 'Off', 'maybe']) {
        const text = `[Container]\nImage=localhost/x\nNotify=${v}\n`;
        const gen = oracle.run({ 'a.container': text });
        const notifies = /--sdnotify=container\b/.test(gen.stdout);
        const [report] = lintSet([{ path: 'a.container', text }], { podmanVersion: version });
        const flagged = report!.diagnostics.some((d) => d.key === 'Notify');
        expect({ notifies, flagged }, `Notify=${v}`).toEqual({ notifies: podmanBool(v), flagged: !isBool(v) });
      }
    });

    it('random unit sets', () => {
      const before = { ...tally };
      fc.assert(
        fc.property(arbitraryUnitSet(version), (files) => {
          const gen = oracle.run(Object.fromEntries(files.map((f) => [f.path, f.text])));
          compare(version, files, [], gen);
        }),
        { numRuns: Number(process.env.QUADLETMAN_ORACLE_RUNS ?? 150) },
      );
      // The generated sets must exercise both verdicts, or the comparison proves little.
      const accepted = tally.accepted - before.accepted;
      const rejected = tally.rejected - before.rejected;
      console.log(`random sets: ${accepted} units accepted and ${rejected} rejected by the generator, all agreed`);
      expect(Math.min(accepted, rejected)).toBeGreaterThan((accepted + rejected) / 10);
    });
  },
);
