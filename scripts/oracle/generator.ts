/**
 * Runs the real Quadlet generator (fetched by fetch-quadlet.sh) in dry-run mode over a set of unit files,
 * for the differential tests and the benchmarks. Writes only under a fresh temporary directory.
 *
 * One generator per Debian suite: trixie (Podman 5.4, the default), sid (5.8), experimental (6.1).
 * `ORACLE_SUITES` are the suites the oracle tests run at (QUADLET_ORACLE_SUITES, comma-separated, else all
 * three; QUADLET_ORACLE_SUITE alone narrows them to that one).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GeneratorResult, parseGeneratorOutput } from '../../packages/quadlet/src/generator-output';
import { joinWords, splitWords } from '../../packages/quadlet/src/unit-file/words';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const DEFAULT_SUITE = process.env.QUADLET_ORACLE_SUITE || 'trixie';
export const ORACLE_SUITES: readonly string[] = (
  process.env.QUADLET_ORACLE_SUITES ??
  (process.env.QUADLET_ORACLE_SUITE || 'trixie,sid,experimental')
)
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

export type GeneratorRun = GeneratorResult & { stdout: string; stderr: string };

/** The generator of one Debian suite. */
export interface Oracle {
  suite: string;
  /** Path of the `quadlet` binary. */
  path: string;
  /** Its Podman version, `major.minor` (from `quadlet -version`). */
  version: string;
  /** The full `quadlet -version` output, e.g. `5.8.6`. */
  fullVersion: string;
  /** Runs it over a directory that already holds the unit files. */
  runOnDir(dir: string): GeneratorRun;
  /** Writes `files` (relative paths → text; drop-in paths like `a.container.d/x.conf` allowed) and runs it. */
  run(files: Record<string, string>): GeneratorRun;
}

const oracles = new Map<string, Oracle>();

/** The generator of `suite`, fetching it on first use. */
export function oracleFor(suite: string = DEFAULT_SUITE): Oracle {
  let o = oracles.get(suite);
  if (o) return o;
  const path = execFileSync(join(root, 'scripts/oracle/fetch-quadlet.sh'), [suite], { encoding: 'utf8' }).trim();
  const fullVersion = execFileSync(path, ['-version'], { encoding: 'utf8' }).trim();
  const m = /^(\d+)\.(\d+)/.exec(fullVersion);
  if (!m) throw new Error(`unexpected quadlet -version output: ${fullVersion}`);
  const runOnDir = (dir: string) => runBinary(path, dir);
  o = {
    suite,
    path,
    version: `${m[1]}.${m[2]}`,
    fullVersion,
    runOnDir,
    run: (files) => withFiles(files, runOnDir),
  };
  oracles.set(suite, o);
  return o;
}

function runBinary(bin: string, dir: string): GeneratorRun {
  const r = spawnSync(bin, ['-dryrun', '-user'], {
    env: { ...process.env, QUADLET_UNIT_DIRS: dir },
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: 120_000,
  });
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return { ...parseGeneratorOutput(stdout, stderr), stdout, stderr };
}

/** Writes `files` under a fresh temporary directory, calls `fn` on it, and removes it. */
export function withFiles<T>(files: Record<string, string>, fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'qm-oracle-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Path of the default oracle binary (trixie unless QUADLET_ORACLE_SUITE says otherwise). */
export const oraclePath = (): string => oracleFor().path;
/** The default oracle's Podman version, `major.minor`. */
export const oracleVersion = (): string => oracleFor().version;
/** Runs the default oracle over a directory that already holds the unit files. */
export const runGeneratorOnDir = (dir: string): GeneratorRun => oracleFor().runOnDir(dir);
/** Runs the default oracle over `files`. */
export const runGenerator = (files: Record<string, string>): GeneratorRun => oracleFor().run(files);

/** The flags of Quadlet's `KEY=VALUE` keys (Environment=, Label=, Annotation=, Options=, BuildArg=). */
const KEY_VALUE_FLAGS = new Set(['--annotation', '--build-arg', '--env', '--label', '--opt']);

/**
 * A generated `ExecStart=` line with each run of key-value flag pairs (`--env A=1 --label x=y …`) put in one
 * order, flag by flag, the pairs of each flag as they were; any other line unchanged. From Podman 5.6 on the
 * generator emits these groups by walking a Go map (`lookupAndAddKeyVals` in pkg/systemd/quadlet/quadlet.go,
 * commit 633f727, PR 25975, first in v5.6.0-rc1), whose order Go varies from run to run: one file gives
 * `--env a --label x` on one run and `--label x --env a` on the next. Within a group the keys are sorted, so
 * comparing two runs needs only the groups put in order. Up to 5.5 the order was fixed in the code.
 */
export function normalizeKeyValueOrder(line: string): string {
  if (!line.startsWith('ExecStart=')) return line;
  const words = splitWords(line.slice('ExecStart='.length)).words;
  const out: string[] = [];
  for (let i = 0; i < words.length; ) {
    const pairs: [string, string][] = [];
    while (i + 1 < words.length && KEY_VALUE_FLAGS.has(words[i]!)) {
      pairs.push([words[i]!, words[i + 1]!]);
      i += 2;
    }
    if (pairs.length === 0) out.push(words[i++]!);
    // Array.prototype.sort is stable: the pairs of one flag keep their order.
    else out.push(...pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).flat());
  }
  return `ExecStart=${joinWords(out)}`;
}
