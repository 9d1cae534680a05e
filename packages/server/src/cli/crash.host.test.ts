// Crash test of apply through the CLI (runs inside the sandbox host as root). Each trial starts
// `quadletman apply -f` of the version of a stack that is NOT on disk (two versions that differ in both
// containers, so every apply writes files, reloads and restarts units), kills the process with SIGKILL after a
// random delay spread over the whole apply (a few ms … past its end, measured first), then runs `status` (every
// CLI run first recovers applies a crash interrupted) and checks that the compartment converged:
//   - no revision is left `pending` (history), nothing is left in the apply journal;
//   - no temporary file (`.*.qm-tmp-*`) in the managed folders; no dry-run staging folder of an earlier killed
//     process (the next dry run removes those of dead processes);
//   - the managed folders hold exactly one version's full set of files (never a mix), and the stored desired
//     state matches it (`plan` has nothing to do);
//   - every unit is active and the page answers.
// It prints how many trials the kill hit in each phase of the apply (the last progress step the process printed)
// and in which journal phase recovery found them.

import * as fsp from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevisionInfo, UnitInfo } from '../core/service/compartments.js';
import {
  type CliRun,
  cliJson,
  disposeBusybox,
  fetchPage,
  filesOnDisk,
  importBusybox,
  makeDataDir,
  renderedFiles,
  runCli,
  sameFiles,
  snapshotCli,
  stackSpec,
  startCli,
} from './host-test-support.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const ID = 'qmt-crash';
const PORT = 18_311;
const URL = `http://127.0.0.1:${PORT}/`;
const TRIALS = Number(process.env.QUADLETMAN_CRASH_TRIALS ?? 30);
const VERSIONS = ['a', 'b'] as const;
type Version = (typeof VERSIONS)[number];

/** The steps that targeted kills aim at. */
const TARGETS = ['validate', 'write', 'reload', 'start', 'verify'] as const;

/** Where the apply was when it died: the last progress step it printed (text format, on stderr). */
function phaseOf(stderr: string, finished: boolean): string {
  const steps = [...stderr.matchAll(/^[…✓✗] (\w+):/gm)].map((m) => m[1]!);
  const last = steps.at(-1);
  if (finished) return last === 'done' ? 'finished (not killed)' : `finished at ${last ?? 'start'}`;
  if (!last) return 'process start (no step yet)';
  return last;
}

describe.skipIf(!onHost)('apply killed at random points converges', () => {
  let cli: string[];
  let disposeCli: () => Promise<void>;
  let data: string;
  let home: string;
  const files = {} as Record<Version, string>;
  const rendered = {} as Record<Version, Map<string, string>>;
  let applyMs = 0;
  /** How long each step of a normal apply takes (the longest seen). */
  const stepMs = new Map<string, number>();

  beforeAll(async () => {
    ({ argv: cli, dispose: disposeCli } = await snapshotCli());
    data = await makeDataDir('qmt-cli-crash');
    home = `${data}/home/qm-${ID}`;
    for (const v of VERSIONS) {
      const text = stackSpec({ id: ID, port: PORT, version: v });
      files[v] = `${data}/${v}.yaml`;
      await fsp.writeFile(files[v], text);
      rendered[v] = renderedFiles(text, data);
    }
    await cliJson(cli, data, ['compartment', 'create', ID]);
    await importBusybox(data, ID);
    const first = await cliJson<{ outcome: string }>(cli, data, ['apply', '-f', files.a]);
    expect(first.json.outcome).toBe('applied');
    // a normal apply's duration (b, then back to a), process start included
    const durations: number[] = [];
    for (const v of ['b', 'a'] as const) {
      const r = await runCli(cli, data, ['apply', '-f', files[v]]);
      expect(r.code, r.stderr).toBe(0);
      durations.push(r.ms);
      const steps = r.stderrLines.map((l) => `${Math.round(l.ms)} ms ${l.line}`);
      console.log(`normal apply of ${v}: ${Math.round(r.ms)} ms\n  ${steps.join('\n  ')}`);
      const begins = r.stderrLines.filter((l) => l.line.startsWith('… '));
      begins.forEach((l, k) => {
        const step = /^… (\w+):/.exec(l.line)![1]!;
        const end = begins[k + 1]?.ms ?? r.ms;
        stepMs.set(step, Math.max(stepMs.get(step) ?? 0, end - l.ms));
      });
    }
    applyMs = Math.max(...durations);
  }, 180_000);

  afterAll(async () => {
    if (process.env.QUADLETMAN_CRASH_KEEP === '1') return; // to look around after a failure
    await runCli(cli, data, ['compartment', 'delete', ID, '--volumes']).catch(() => undefined);
    await fsp.rm(data, { recursive: true, force: true });
    await disposeCli();
    await disposeBusybox();
  }, 120_000);

  it(`converges after ${TRIALS} kills`, async () => {
    const phases = new Map<string, number>();
    const recoveredPhases = new Map<string, number>();
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    let onDisk: Version = 'a';
    let targetedSoFar = 0;
    for (let i = 0; i < TRIALS; i++) {
      const next: Version = onDisk === 'a' ? 'b' : 'a';
      // Every third trial kills after a delay drawn over [5 ms, 1.25 × a normal apply] (stratified: process
      // start, plan and dry run, units settling, past the end); the others kill at a random point inside one step
      // (validate, write, reload, start, verify in turn): when the process announces the step, after a random
      // part of that step's normal duration. Timing alone rarely lands in the short steps (a write takes ~20 ms),
      // and the machine is shared, so a step's start time varies by seconds.
      const targeted = i % 3 !== 0 ? TARGETS[targetedSoFar++ % TARGETS.length] : undefined;
      const span = applyMs * 1.25;
      const slot = Math.floor(i / 3);
      const delay = Math.round(
        targeted
          ? Math.random() * (stepMs.get(targeted) ?? 50)
          : 5 + ((slot + Math.random()) / Math.ceil(TRIALS / 3)) * span,
      );
      let timer: NodeJS.Timeout | undefined;
      let armed = false;
      const p = startCli(cli, ['--data-dir', data, 'apply', '-f', files[next]], {
        onStderrLine: (line) => {
          if (targeted && !armed && line.startsWith(`… ${targeted}:`)) {
            armed = true;
            timer = setTimeout(() => p.kill('SIGKILL'), delay);
          }
        },
      });
      if (!targeted) timer = setTimeout(() => p.kill('SIGKILL'), delay);
      const killed: CliRun = await p.done;
      clearTimeout(timer);
      const finished = killed.signal === null;
      const phase = phaseOf(killed.stderr, finished);
      bump(phases, phase);

      const where = `trial ${i + 1} (${next}, kill ${targeted ? `${delay} ms into ${targeted}` : `${delay} ms after start`}, hit: ${phase})`;
      const status = await cliJson<UnitInfo[]>(cli, data, ['status', ID]);
      const recovered = /interrupted while (\w+)/.exec(status.run.stderr);
      if (recovered) bump(recoveredPhases, recovered[1]!);
      const states = status.json.map((u) => `${u.unit}=${u.status?.activeState}`);
      const history = (await cliJson<RevisionInfo[]>(cli, data, ['history', ID])).json;
      const disk = await filesOnDisk(home);
      const plan = (await cliJson<{ plan: { noop: boolean } }>(cli, data, ['plan', ID])).json.plan;
      const staging = await fsp.readdir(`${home}/.cache/quadletman`).catch(() => [] as string[]);
      const version = VERSIONS.find((v) => sameFiles(disk, rendered[v]));
      console.log(
        `${where}: exit ${killed.code ?? killed.signal}; ${recovered ? `recovered (${recovered[1]})` : 'nothing to recover'}; ` +
          `on disk: ${version ?? 'A MIX'}; ${states.join(' ')}`,
      );

      expect(
        history.filter((r) => r.result === 'pending'),
        where,
      ).toEqual([]);
      expect(
        [...disk.keys()].filter((k) => k.includes('.qm-tmp-')),
        where,
      ).toEqual([]);
      // a dry run's staging folder (outside the managed folders) may be left by the process just killed; the next
      // dry run removes it, so none may be left by an earlier one
      expect(
        staging.filter((n) => n.startsWith('dryrun-') && !n.startsWith(`dryrun-${p.pid}-`)),
        where,
      ).toEqual([]);
      expect(version, `${where}: files on disk are one version's full set`).toBeDefined();
      expect(plan.noop, `${where}: the stored desired state matches the files on disk`).toBe(true);
      expect(states.every((s) => s.endsWith('=active')) && states.length === 3, `${where}: ${states.join(' ')}`).toBe(
        true,
      );
      expect(await fetchPage(URL, 10_000)).toContain('hello from busybox');
      onDisk = version!;
    }
    console.log(
      `kills by phase of the apply: ${[...phases].map(([k, n]) => `${k}: ${n}`).join(', ')}\n` +
        `recoveries by journal phase: ${[...recoveredPhases].map(([k, n]) => `${k}: ${n}`).join(', ') || 'none'}`,
    );
    // the kills must have hit the host-changing phases, not only the edges
    const hit = (s: string) => phases.get(s) ?? 0;
    expect(hit('write') + hit('reload') + hit('start') + hit('verify')).toBeGreaterThanOrEqual(Math.floor(TRIALS / 3));
  }, 1_800_000);
});
