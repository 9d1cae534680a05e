/**
 * npm run bench:lint — quadletman's linter against Podman's own Quadlet generator on the same folder of
 * 1,000 .container files (10+ keys, continuation lines, references), 1,000 .volume files and one .network.
 * Times: the library in-process (reading the files included), `quadletman lint` as a process, and the
 * generator's dry run; each the median of several runs. Ends with the TARGET lines.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { oraclePath, oracleVersion } from '../scripts/oracle/generator';

const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const N = 1000;

function container(i: number): string {
  return [
    '[Unit]',
    `Description=Service number ${i}`,
    '',
    '[Container]',
    `Image=registry.internal/team/app-${i % 17}:1.${i % 5}`,
    `ContainerName=app-${i}`,
    `Exec=/usr/bin/app --port 8080 \\`,
    `  --name "instance ${i}" \\`,
    '  --verbose',
    `PublishPort=127.0.0.1:${20000 + i}:8080`,
    'Network=bench.network',
    `Volume=data-${i}.volume:/var/lib/app:Z`,
    `Environment=APP_ID=${i} "APP_TITLE=App ${i}"`,
    `Label=app=bench tier=${i % 3}`,
    'HealthCmd=/usr/bin/app health',
    'HealthInterval=30s',
    'RunInit=true',
    'NoNewPrivileges=true',
    'DropCapability=ALL',
    'AddCapability=NET_BIND_SERVICE',
    '',
    '[Service]',
    'Restart=on-failure',
    'TimeoutStartSec=120',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

const volume = (i: number) => `[Volume]\nLabel=app=bench\nUser=${1000 + (i % 3)}\nGroup=1000\n`;
const network = '[Network]\nSubnet=10.90.0.0/16\nGateway=10.90.0.1\nLabel=app=bench\n';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

// Measure the library as it ships: the bundle scripts/build.mjs makes (no test-runner transforms).
execFileSync('node', [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
const { lintSet } = (await import(
  pathToFileURL(join(ROOT, 'dist/quadlet.mjs')).href
)) as typeof import('../packages/quadlet/src/index');

const dir = mkdtempSync(join(tmpdir(), 'qm-bench-lint-'));
try {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < N; i++) {
    writeFileSync(join(dir, `app-${i}.container`), container(i));
    writeFileSync(join(dir, `data-${i}.volume`), volume(i));
  }
  writeFileSync(join(dir, 'bench.network'), network);
  const version = oracleVersion();
  const generator = oraclePath();
  // The CLI as a user runs it: bin/quadletman, which runs the bundle built just above. A source edit during
  // the run would make it rebuild inside a measurement; the bundle's mtime is checked at the end for that.
  const cli = join(ROOT, 'bin/quadletman');
  const bundle = join(ROOT, 'dist/cli/quadletman.cjs');
  const builtAt = statSync(bundle).mtimeMs;

  let errors = -1;
  const inProcess = () => {
    const files = readdirSync(dir).map((path) => ({ path, text: readFileSync(join(dir, path), 'utf8') }));
    const reports = lintSet(files, { podmanVersion: version as `${number}.${number}` });
    errors = reports.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'error').length, 0);
  };
  let cliOut = '';
  const runCli = () => {
    const r = spawnSync(cli, ['lint', '--podman-version', version, '--format', 'json', dir], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`quadletman lint exited ${r.status}: ${r.stderr.slice(0, 500)}`);
    cliOut = r.stdout;
  };
  let generated = 0;
  const runGenerator = () => {
    const r = spawnSync(generator, ['-dryrun', '-user'], {
      env: { ...process.env, QUADLET_UNIT_DIRS: dir },
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    });
    generated = (r.stdout.match(/^---.*---$/gm) ?? []).length;
  };

  // what a CLI process costs before it lints anything: node's start and the command's code
  const runBare = () => {
    const r = spawnSync(cli, ['--version'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`quadletman --version exited ${r.status}`);
  };

  // warm-up: page cache, JIT
  inProcess();
  runCli();
  runGenerator();
  // the CLI's report is whole: one entry per file
  const reported = (JSON.parse(cliOut) as { files: unknown[] }).files.length;
  if (reported !== 2 * N + 1) throw new Error(`quadletman lint reported ${reported} files, not ${2 * N + 1}`);
  const tIn: number[] = [];
  const tCli: number[] = [];
  const tGen: number[] = [];
  const tBare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    tGen.push(time(runGenerator));
    tIn.push(time(inProcess));
    tCli.push(time(runCli));
    tBare.push(time(runBare));
  }
  if (statSync(bundle).mtimeMs !== builtAt) throw new Error('the CLI was rebuilt during the run (a source changed)');
  const gen = median(tGen);
  const inp = median(tIn);
  const cliT = median(tCli);
  console.log(
    `files: ${2 * N + 1} (${N} .container, ${N} .volume, 1 .network); generator units: ${generated}; lint errors: ${errors}`,
  );
  console.log(`generator dry run (Podman ${version}): ${gen.toFixed(1)} ms (median of ${RUNS})`);
  console.log(`library in-process:              ${inp.toFixed(1)} ms`);
  console.log(`quadletman lint (process):       ${cliT.toFixed(1)} ms`);
  console.log(`  of which a bare CLI process (--version): ${median(tBare).toFixed(1)} ms`);
  console.log(`ratio in-process / generator:    ${(inp / gen).toFixed(3)} (target ≤ 0.5)`);
  console.log(`ratio CLI / generator:           ${(cliT / gen).toFixed(3)} (target ≤ 1.5)`);
  console.log(`TARGET lint_inprocess_vs_generator ${(inp / gen).toFixed(3)} ratio`);
  console.log(`TARGET lint_cli_vs_generator ${(cliT / gen).toFixed(3)} ratio`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
