/**
 * The apply benchmark (run INSIDE the sandbox host as root by bench/apply.sh, `npm run bench:apply`).
 *
 * A compartment of 10 containers (busybox httpd, each with a published port and a verify probe), applied from
 * scratch by `quadletman apply -f` (a CLI process, as a user runs it: process start, store, render, lint, the
 * generator's dry run, the revision and journal, writes, reload, one restart call, settle, probes) against a
 * baseline in the same run that writes the same rendered files, runs one `systemctl --user daemon-reload` and one
 * `systemctl --user start` of the 10 services, as the compartment user (runuser, as host/session.ts does).
 * Between runs everything is stopped and removed (units, files, the Podman network), so every run starts from
 * scratch; the two alternate, so neither gets a warmer machine. Then no-op applies (nothing changed).
 * Medians of BENCH_RUNS runs (default 5). Ends with the TARGET lines.
 */
import { execFileSync } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import {
  cliJson,
  disposeBusybox,
  hostFor,
  importBusybox,
  makeDataDir,
  renderedFiles,
  runCli,
  snapshotCli,
} from '../packages/server/src/cli/host-test-support.js';
import { parseCompartmentId } from '../packages/server/src/core/ids.js';
import { asUser, type CompartmentSession } from '../packages/server/src/host/session.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const NOOP_RUNS = Number(process.env.BENCH_NOOP_RUNS ?? 9);
const ID = 'qmt-bench';
const N = 10;
const PORT0 = 18_330;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sec = (ms: number) => (ms / 1000).toFixed(3);

function spec(): string {
  const units: string[] = [];
  const probes: string[] = [];
  for (let i = 0; i < N; i++) {
    units.push(`  web${i}.container:
    container:
      image: localhost/busybox:latest
      exec: [busybox, httpd, -f, -p, "8080", -h, /www]
      publishPort: ["127.0.0.1:${PORT0 + i}:8080"]
    service: { SuccessExitStatus: "143" }`);
    probes.push(`  - { name: web${i}, type: http, port: ${PORT0 + i}, path: /, expectStatus: 200, timeoutMs: 2000 }`);
  }
  return `compartment: ${ID}\nunits:\n${units.join('\n')}\nprobes:\n${probes.join('\n')}\n`;
}

const services = Array.from({ length: N }, (_, i) => `web${i}.service`);

function asCompartment(s: CompartmentSession, argv: string[], allowFail = false): void {
  const full = asUser(s, argv);
  try {
    execFileSync(full[0]!, full.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    if (!allowFail) throw e;
  }
}

const systemctl = (s: CompartmentSession, args: string[], allowFail = false) =>
  asCompartment(s, ['systemctl', '--user', '--no-pager', ...args], allowFail);

async function main(): Promise<void> {
  const { argv: cli, dispose } = await snapshotCli();
  const data = await makeDataDir('qmt-bench');
  const text = spec();
  const specFile = `${data}/bench.yaml`;
  await fsp.writeFile(specFile, text);
  const files = renderedFiles(text, data);
  try {
    await cliJson(cli, data, ['compartment', 'create', ID]);
    await importBusybox(data, ID);
    const h = hostFor(data);
    const session = await h.users.sessionFor(parseCompartmentId(ID));
    const all = [...services, `${ID}-network.service`];

    /** Back to nothing: units stopped and forgotten, files removed, the network gone, the manager reloaded. */
    const clean = async () => {
      systemctl(session, ['stop', '--', ...all], true);
      for (const dir of ['.config/containers/systemd', '.config/systemd/user', '.config/quadletman/files']) {
        await fsp.rm(path.join(session.home, dir), { recursive: true, force: true });
      }
      systemctl(session, ['daemon-reload']);
      systemctl(session, ['reset-failed'], true);
      // Quadlet names the network systemd-<file name> (no NetworkName= here)
      asCompartment(session, ['podman', 'network', 'rm', '-f', `systemd-${ID}`], true);
      // let the containers' cleanup processes (podman, conmon) finish: the next run starts on a quiet machine
      for (let i = 0; i < 100; i++) {
        try {
          execFileSync('pgrep', ['-u', String(session.uid), '-x', 'podman|conmon|netavark|pasta|catatonit'], {
            stdio: 'ignore',
          });
        } catch {
          break; // pgrep exits 1: none left
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 300));
    };

    const baseSteps: Record<string, number[]> = {};
    const baseline = async (): Promise<number> => {
      const t0 = performance.now();
      const lap = (() => {
        let prev = t0;
        return (name: string) => {
          const now = performance.now();
          baseSteps[name] = [...(baseSteps[name] ?? []), now - prev];
          prev = now;
        };
      })();
      for (const [rel, body] of files) {
        const abs = path.join(session.home, rel);
        await fsp.mkdir(path.dirname(abs), { recursive: true });
        await fsp.writeFile(abs, body);
        await fsp.chown(abs, session.uid, session.uid);
      }
      await fsp.chown(path.join(session.home, '.config/containers'), session.uid, session.uid);
      await fsp.chown(path.join(session.home, '.config/containers/systemd'), session.uid, session.uid);
      lap('write');
      systemctl(session, ['daemon-reload']);
      lap('reload');
      systemctl(session, ['start', '--', ...services]);
      lap('start');
      return performance.now() - t0;
    };

    const steps: Record<string, number[]> = {};
    const addStep = (name: string, ms: number) => {
      steps[name] = [...(steps[name] ?? []), ms];
    };
    const quadletman = async (): Promise<number> => {
      const r = await runCli(cli, data, ['apply', '-f', specFile]);
      if (r.code !== 0) throw new Error(`apply failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
      // where the time goes: the moment each step began (progress lines on stderr)
      let prev = 0;
      let prevName = 'process start';
      for (const { ms, line } of r.stderrLines) {
        const m = /^… (\w+):/.exec(line) ?? /^✓ (done):/.exec(line);
        if (!m) continue;
        addStep(prevName, ms - prev);
        prev = ms;
        prevName = m[1]!;
      }
      addStep('exit after done', r.ms - prev);
      return r.ms;
    };

    await clean();
    const base: number[] = [];
    const qm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? (['baseline', 'quadletman'] as const) : (['quadletman', 'baseline'] as const);
      for (const which of order) {
        const ms = which === 'baseline' ? await baseline() : await quadletman();
        (which === 'baseline' ? base : qm).push(ms);
        console.log(`run ${i + 1} ${which}: ${sec(ms)} s`);
        await clean();
      }
    }

    // no-op: the stack applied once more, then the same spec again and again
    await quadletman();
    const noop: number[] = [];
    const noopSteps: string[] = [];
    for (let i = 0; i < NOOP_RUNS; i++) {
      const r = await runCli(cli, data, ['apply', '-f', specFile]);
      if (r.code !== 0 || !/Nothing to change/.test(r.stdout)) throw new Error(`no-op apply: ${r.stdout}${r.stderr}`);
      noop.push(r.ms);
      noopSteps.push(r.stderrLines.map((l) => `${Math.round(l.ms)}ms ${l.line.slice(0, 12)}`).join(' | '));
    }
    // what a process that does nothing costs here
    const bare: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      execFileSync(cli[0]!, [...cli.slice(1), '--version']);
      bare.push(performance.now() - t0);
    }
    await clean();

    const b = median(base);
    const q = median(qm);
    console.log('');
    console.log(`10 containers from scratch, median of ${RUNS}:`);
    console.log(`  baseline (write, daemon-reload, one start)  ${sec(b)} s   [${base.map(sec).join(' ')}]`);
    console.log(`  quadletman apply -f                          ${sec(q)} s   [${qm.map(sec).join(' ')}]`);
    console.log(`  ratio                                        ${(q / b).toFixed(2)}`);
    console.log('  baseline, median time per step:');
    for (const [k, v] of Object.entries(baseSteps)) console.log(`    ${k.padEnd(16)} ${sec(median(v))} s`);
    console.log('  quadletman, median time per step (from its progress lines):');
    for (const [k, v] of Object.entries(steps)) console.log(`    ${k.padEnd(16)} ${sec(median(v))} s`);
    console.log(`no-op apply, median of ${NOOP_RUNS}: ${sec(median(noop))} s   [${noop.map(sec).join(' ')}]`);
    console.log(`  e.g. ${noopSteps[0]}`);
    console.log(`  node + CLI bundle, --version only: ${sec(median(bare))} s`);
    console.log(`TARGET apply_vs_baseline ${(q / b).toFixed(3)} ratio`);
    console.log(`TARGET noop_apply_s ${sec(median(noop))} s`);
  } finally {
    await runCli(cli, data, ['compartment', 'delete', ID, '--volumes']).catch(() => undefined);
    await fsp.rm(data, { recursive: true, force: true });
    await dispose();
    await disposeBusybox();
  }
}

await main();
