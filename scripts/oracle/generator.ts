/**
 * Runs the real Quadlet generator (fetched by fetch-quadlet.sh) in dry-run mode over a set of unit files,
 * for the differential tests and the benchmarks. Writes only under a fresh temporary directory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GeneratorResult, parseGeneratorOutput } from '../../packages/quadlet/src/generator-output';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

let cached: string | undefined;
/** Path of the oracle binary, fetching it on first use. */
export function oraclePath(): string {
  if (!cached) {
    cached = execFileSync(join(root, 'scripts/oracle/fetch-quadlet.sh'), { encoding: 'utf8' }).trim();
  }
  return cached;
}

/** The oracle's Podman version, `major.minor`. */
export function oracleVersion(): string {
  const out = execFileSync(oraclePath(), ['-version'], { encoding: 'utf8' }).trim();
  const m = /^(\d+)\.(\d+)/.exec(out);
  if (!m) throw new Error(`unexpected quadlet -version output: ${out}`);
  return `${m[1]}.${m[2]}`;
}

/** Runs the generator over a directory that already holds the unit files. */
export function runGeneratorOnDir(dir: string): GeneratorResult & { stdout: string; stderr: string } {
  const r = spawnSync(oraclePath(), ['-dryrun', '-user'], {
    env: { ...process.env, QUADLET_UNIT_DIRS: dir },
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: 120_000,
  });
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return { ...parseGeneratorOutput(stdout, stderr), stdout, stderr };
}

/** Writes `files` (relative paths → text; drop-in paths like `a.container.d/x.conf` allowed) and runs it. */
export function runGenerator(files: Record<string, string>): GeneratorResult & { stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'qm-oracle-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    return runGeneratorOnDir(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
