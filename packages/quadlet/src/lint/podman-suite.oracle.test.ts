/**
 * Podman's own Quadlet test suite, scored against the linter: scripts/oracle/fetch-podman-tests.sh takes the
 * case files (test/e2e/quadlet/) and their table (test/e2e/quadlet_test.go) from each Debian suite's podman
 * source package, and every case is linted, strictly, at the version of the tree it came from:
 * - an expected error needs a linter error on the case's file;
 * - an expected success, no error on it;
 * - an expected warning, a warning on it and no error.
 * Where the table gives the message, a linter diagnostic of that severity must also name the reason (share
 * a significant word with it: see sharesReason), counted apart as `podman_suite_reason_agreement_<version>`.
 * The `## assert-…` lines of the cases are about the generated service: the real generator of that version
 * (the oracle) answers for those; here it is run over each case, and its verdict must be the table's (its
 * error text containing the table's message). The linter's job is the verdict and the diagnostics.
 *
 * Prints `TARGET podman_suite_agreement_<version> <agreed>/<total>` per tree, and fails when the agreement
 * drops below the floor recorded in FLOORS for that version (a tree of a version with no floor must agree
 * on every case). QUADLET_PODMAN_TESTS_DIRS (comma-separated folders laid out as the script lays them, with
 * a VERSION file) adds trees from elsewhere. A suite whose source package the mirror does not serve is
 * reported as unavailable and skipped, by name.
 */
// biome-ignore-all lint/style/noRestrictedImports: this test reads the fetched suite and runs the real generator.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ORACLE_SUITES, type Oracle, oracleFor } from '../../../../scripts/oracle/generator';
import { type Diagnostic, hasErrors } from '../diagnostics';
import { parseVersion } from '../registry';
import { lintSet } from './index';
import { caseFiles, type PodmanCase, parsePodmanSuite } from './test-support/podman-suite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * Agreement reached per Podman version (major.minor): a regression below it fails. Reached on 2026-12-03 with
 * the suite at the release tags v5.4.2 (all 247 cases), v5.8.2 (all 297) and on the 6.0 development tree
 * (all 300), the reason named on every agreed error or warning case with a message (20, 36 and 36), since
 * this machine's mirror served no podman source package that day. Debian's 5.4.2, 5.8.6 and 6.1.1 trees are
 * scored the same way wherever it does (6.1 has no floor yet: every case must agree).
 */
const FLOORS: Record<string, { agreed: number; reasons: number }> = {
  '5.4': { agreed: 247, reasons: 20 },
  '5.8': { agreed: 297, reasons: 36 },
  '6.0': { agreed: 300, reasons: 36 },
};

interface Tree {
  label: string;
  dir?: string;
  unavailable?: string;
}

function trees(): Tree[] {
  const out: Tree[] = ORACLE_SUITES.map((suite) => {
    const r = spawnSync(join(root, 'scripts/oracle/fetch-podman-tests.sh'), [suite], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (r.status === 0) return { label: suite, dir: r.stdout.trim() };
    const why = (r.stderr || r.error?.message || '')
      .replace(/[a-z]+:\/\/\S*\//g, '')
      .trim()
      .split('\n')
      .filter(Boolean)
      .slice(-2)
      .join(' / ');
    return { label: suite, unavailable: why || `exit ${r.status}` };
  });
  for (const d of (process.env.QUADLET_PODMAN_TESTS_DIRS ?? '').split(',').filter(Boolean)) {
    out.push({ label: d, dir: d });
  }
  return out;
}

interface Score {
  version: string;
  agreed: number;
  total: number;
  misses: string[];
  /** Of the agreed error and warning cases with a message, those where a linter diagnostic names the reason. */
  reasonAgreed: number;
  reasonTotal: number;
  reasonMisses: string[];
  generatorAgreed: number;
  generatorTotal: number;
  generatorMisses: string[];
}

function score(dir: string, oracle: Oracle | undefined): Score {
  const fullVersion = readFileSync(join(dir, 'VERSION'), 'utf8').trim();
  const version = parseVersion(fullVersion);
  if (!version) throw new Error(`${dir}/VERSION: unexpected ${fullVersion}`);
  const caseDir = join(dir, 'test/e2e/quadlet');
  const cases = parsePodmanSuite(readFileSync(join(dir, 'test/e2e/quadlet_test.go'), 'utf8'));
  const s: Score = {
    version,
    agreed: 0,
    total: 0,
    misses: [],
    reasonAgreed: 0,
    reasonTotal: 0,
    reasonMisses: [],
    generatorAgreed: 0,
    generatorTotal: 0,
    generatorMisses: [],
  };
  for (const c of cases) {
    const files = caseFiles(caseDir, c);
    const report = lintSet(files, { podmanVersion: version });
    const diags = report.find((r) => r.path === c.file)?.diagnostics ?? [];
    const errors = hasErrors(diags);
    const ok =
      c.expect === 'error'
        ? errors
        : c.expect === 'success'
          ? !errors
          : !errors && diags.some((d) => d.severity === 'warning');
    s.total++;
    const lines = (severity?: string) =>
      diags
        .filter((d) => severity === undefined || d.severity === severity)
        .map((d) => `${d.severity} ${d.code}: ${d.message}`)
        .join(' | ') || '(nothing)';
    if (!ok) s.misses.push(`${describeCase(c)}: linter ${lines()}`);
    else if (c.message && c.expect !== 'success') {
      const severity = c.expect === 'error' ? 'error' : 'warning';
      s.reasonTotal++;
      if (
        sharesReason(
          c.message,
          c.file,
          diags.filter((d) => d.severity === severity),
        )
      )
        s.reasonAgreed++;
      else s.reasonMisses.push(`${describeCase(c)}: linter ${lines(severity)}`);
    }
    if (ok) s.agreed++;
    if (oracle) {
      const gen = oracle.run(Object.fromEntries(files.map((f) => [f.path, f.text])));
      const reason = gen.loadErrors.get(c.file) ?? gen.rejected.get(c.file);
      const genOk =
        c.expect === 'error'
          ? reason !== undefined && (!c.message || gen.stderr.includes(c.message.replace(/^converting "[^"]*": /, '')))
          : reason === undefined && !gen.crashed;
      s.generatorTotal++;
      if (genOk) s.generatorAgreed++;
      else s.generatorMisses.push(`${describeCase(c)}: generator ${reason ?? (gen.crashed ? 'crashed' : 'accepts')}`);
    }
  }
  return s;
}

/** Words of a message too common to tell one reason from another. */
const COMMON = new Set(
  'converting specified specifies with along when using only have does exist requested unable cannot more than supported provided should this that which from their file files unit units group warning value values'.split(
    ' ',
  ),
);

/**
 * Whether one of the linter's diagnostics gives the table's reason, loosely: it shares a significant word
 * (four letters or more, a plural as its singular, not the case's own file name, not in COMMON) with the table's message.
 */
function sharesReason(message: string, file: string, diags: readonly Diagnostic[]): boolean {
  const words = (t: string) =>
    new Set(
      t
        .replace(/^converting "[^"]*": /, '')
        .replaceAll(file, '')
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w.length >= 4 && !COMMON.has(w))
        .map((w) => w.replace(/s$/, '')),
    );
  const wanted = words(message);
  return diags.some((d) => [...words(`${d.message} ${d.key ?? ''}`)].some((w) => wanted.has(w)));
}

const describeCase = (c: PodmanCase) =>
  `${c.file} (expects ${c.expect}${c.message ? `: ${JSON.stringify(c.message)}` : ''})`;

describe("Podman's own Quadlet test suite", () => {
  for (const tree of trees()) {
    it(tree.label, (ctx) => {
      if (!tree.dir) {
        // no TARGET line: there is no figure, and a reader of TARGET lines expects one
        console.log(`podman_suite_agreement_${tree.label}: not scored, the suite is unavailable: ${tree.unavailable}`);
        ctx.skip();
        return;
      }
      // The generator of the same major.minor judges the tree (Debian's trees are the generator's own source).
      const version = parseVersion(readFileSync(join(tree.dir, 'VERSION'), 'utf8').trim());
      const oracle = ORACLE_SUITES.map((s) => oracleFor(s)).find((o) => o.version === version);
      const s = score(tree.dir, oracle);
      console.log(`TARGET podman_suite_agreement_${s.version} ${s.agreed}/${s.total}`);
      console.log(`TARGET podman_suite_reason_agreement_${s.version} ${s.reasonAgreed}/${s.reasonTotal}`);
      if (s.reasonMisses.length)
        console.log(`reason not named (Podman ${s.version}):\n  ${s.reasonMisses.join('\n  ')}`);
      if (s.misses.length) console.log(`linter disagrees (Podman ${s.version}):\n  ${s.misses.join('\n  ')}`);
      if (oracle) {
        console.log(`TARGET podman_suite_generator_agreement_${s.version} ${s.generatorAgreed}/${s.generatorTotal}`);
        expect(s.generatorMisses, `the generator ${oracle.fullVersion} against its own suite`).toEqual([]);
      }
      const floor = FLOORS[s.version] ?? { agreed: s.total, reasons: s.reasonTotal };
      expect(s.agreed, `agreement at Podman ${s.version}`).toBeGreaterThanOrEqual(floor.agreed);
      expect(s.reasonAgreed, `reasons named at Podman ${s.version}`).toBeGreaterThanOrEqual(floor.reasons);
    });
  }
});
