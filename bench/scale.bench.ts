/**
 * npm run bench:scale (inside the sandbox host, as root; bench/scale.sh boots it) — what the server's live
 * watching costs while nothing happens, with many compartments.
 *
 *   1. baseline: `quadletman serve` with no compartment, BENCH_BASELINE_S (20) s idle, for information: what the
 *      server costs whatever the number of compartments.
 *   2. BENCH_COMPARTMENTS (100) compartments × BENCH_CONTAINERS (5) idle busybox containers (`sleep`, no
 *      network), made through the real CompartmentService (create + apply), BENCH_PARALLEL (6) at a time.
 *   3. `quadletman serve` (the real server, bin/quadletman, as it runs in production: its live runtime watches
 *      every compartment in the store), settled: its process tree unchanged for 15 s.
 *   4. BENCH_IDLE_S (60) s idle, measured from /proc (nothing talks to the server meanwhile).
 *   5. the check that events still arrive: an SSE client of /api/events, `podman kill` of a container in
 *      BENCH_TRIALS (5) compartments, the time until its `died` event.
 *   6. everything is deleted again (also what an earlier, interrupted run left).
 *
 * What is counted: the server's process (node, the root of the tree) and every process it started, recursively
 * (runuser, journalctl, podman, the file agent…). CPU: utime + stime of each, plus cutime + cstime (children
 * that ended and were reaped inside the tree), from the start to the end of the idle window, in percent of one
 * core. RSS: the sum of VmRSS over that tree at the end of the window (PSS, from smaps_rollup, beside it);
 * `rss_mb_per_compartment` is that sum divided by the number of compartments — the server's own node process
 * included, so it is an upper bound of what watching costs per compartment. Containers, conmon, the compartments'
 * systemd --user and podman's pause processes are not the server's and are not counted.
 *
 * Ends with `TARGET idle_cpu_percent_of_core <x>` (goal < 1) and `TARGET rss_mb_per_compartment <y>` (goal < 8).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AppContext, createApp } from '../packages/server/src/app.js';
import { type CompartmentId, parseCompartmentId } from '../packages/server/src/core/ids.js';
import { buildBusyboxRootfsTar } from '../packages/server/src/host/busybox-image.js';
import { userPodman } from '../packages/server/src/host/session.js';
import { openSse } from '../packages/server/src/http/routes/live-sandbox.js';

const N = Number(process.env.BENCH_COMPARTMENTS ?? 100);
const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 5);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 6);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 60);
const BASELINE_S = Number(process.env.BENCH_BASELINE_S ?? 20);
const TRIALS = Number(process.env.BENCH_TRIALS ?? 5);
const PORT = 18_530;
const PREFIX = 'qmbscale';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'quadletman');
const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

const ids = Array.from({ length: N }, (_, i) => parseCompartmentId(`${PREFIX}${i}`));
const t00 = Date.now();
const elapsed = () => `${((Date.now() - t00) / 1000).toFixed(0)} s`;
const log = (msg: string) => console.log(`[${elapsed()}] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function spec(id: CompartmentId): string {
  const units = Array.from(
    { length: CONTAINERS },
    (_, i) => `  c${i + 1}.container:
    container:
      image: localhost/busybox:latest
      exec: [busybox, sleep, "2147483647"]
      network: none
    service: { SuccessExitStatus: "143" }`,
  );
  return `compartment: ${id}\nnetwork: false\nunits:\n${units.join('\n')}\n`;
}

// ------------------------------------------------------------------------------------------- /proc

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime + cutime + cstime, clock ticks. */
  ticks: number;
}

function readProcs(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      out.set(Number(d), { pid: Number(d), ppid: Number(f[1]), comm, ticks });
    } catch {
      // gone
    }
  }
  return out;
}

/** The process and its descendants. */
function tree(root: number, procs = readProcs()): Proc[] {
  const children = new Map<number, Proc[]>();
  for (const p of procs.values()) {
    const l = children.get(p.ppid) ?? [];
    l.push(p);
    children.set(p.ppid, l);
  }
  const out: Proc[] = [];
  const walk = (pid: number) => {
    const p = procs.get(pid);
    if (!p) return;
    out.push(p);
    for (const c of children.get(pid) ?? []) walk(c.pid);
  };
  walk(root);
  return out;
}

function memKb(pid: number): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  try {
    rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    pss = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    // gone
  }
  return { rss, pss };
}

interface Cost {
  seconds: number;
  cpuPercent: number;
  rssKb: number;
  pssKb: number;
  /** The root process alone. */
  rootCpuPercent: number;
  rootRssKb: number;
  byComm: Map<string, { n: number; ticks: number; rss: number; pss: number }>;
  appeared: string[];
}

/** Measures the tree of `root` over `seconds` of idle. */
async function measure(root: number, seconds: number): Promise<Cost> {
  const before = new Map(tree(root).map((p) => [p.pid, p]));
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const after = tree(root);
  const secs = (performance.now() - t0) / 1000;
  const sum = (ps: Iterable<Proc>) => [...ps].reduce((a, p) => a + p.ticks, 0);
  const ticks = sum(after) - sum(before.values());
  const byComm = new Map<string, { n: number; ticks: number; rss: number; pss: number }>();
  let rssKb = 0;
  let pssKb = 0;
  for (const p of after) {
    const m = memKb(p.pid);
    rssKb += m.rss;
    pssKb += m.pss;
    const c = byComm.get(p.comm) ?? { n: 0, ticks: 0, rss: 0, pss: 0 };
    c.n += 1;
    c.ticks += p.ticks - (before.get(p.pid)?.ticks ?? 0);
    c.rss += m.rss;
    c.pss += m.pss;
    byComm.set(p.comm, c);
  }
  const r0 = before.get(root)?.ticks ?? 0;
  const r1 = after.find((p) => p.pid === root)?.ticks ?? r0;
  return {
    seconds: secs,
    cpuPercent: (ticks / TICK / secs) * 100,
    rssKb,
    pssKb,
    rootCpuPercent: ((r1 - r0) / TICK / secs) * 100,
    rootRssKb: memKb(root).rss,
    byComm,
    appeared: after.filter((p) => !before.has(p.pid)).map((p) => `${p.pid} ${p.comm}`),
  };
}

function report(label: string, c: Cost): void {
  log(
    `${label}: ${c.cpuPercent.toFixed(2)} % of a core over ${c.seconds.toFixed(0)} s; RSS ${(c.rssKb / 1024).toFixed(1)} MB, PSS ${(c.pssKb / 1024).toFixed(1)} MB (server process alone: ${c.rootCpuPercent.toFixed(2)} %, ${(c.rootRssKb / 1024).toFixed(1)} MB RSS)`,
  );
  for (const [comm, v] of [...c.byComm].sort((a, b) => b[1].rss - a[1].rss)) {
    console.log(
      `    ${comm.padEnd(16)} ×${String(v.n).padStart(4)}  cpu ${((v.ticks / TICK / c.seconds) * 100).toFixed(2).padStart(6)} %  rss ${(v.rss / 1024).toFixed(1).padStart(7)} MB  pss ${(v.pss / 1024).toFixed(1).padStart(7)} MB`,
    );
  }
  if (c.appeared.length > 0) console.log(`    started during the window: ${c.appeared.slice(0, 20).join(', ')}`);
}

/** Waits until the tree of `root` has kept the same processes for `quietMs` (at most `maxMs`). */
async function settle(root: number, quietMs: number, maxMs: number): Promise<void> {
  const t0 = Date.now();
  let last = '';
  let since = Date.now();
  for (;;) {
    const now = tree(root)
      .map((p) => p.pid)
      .sort((a, b) => a - b)
      .join(',');
    if (now !== last) {
      last = now;
      since = Date.now();
    }
    if (Date.now() - since >= quietMs) return;
    if (Date.now() - t0 > maxMs) {
      log(`the server's processes did not settle within ${maxMs / 1000} s; measuring anyway`);
      return;
    }
    await sleep(500);
  }
}

// ------------------------------------------------------------------------------------------- the server

function cli(dataDir: string, args: string[], input?: string): string {
  const r = spawnSync(BIN, ['--data-dir', dataDir, ...args], { input, encoding: 'utf8', cwd: ROOT });
  if (r.status !== 0) throw new Error(`quadletman ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

interface Server {
  pid: number;
  base: string;
  logFile: string;
  stop(): Promise<void>;
}

async function startServer(dataDir: string, name: string): Promise<Server> {
  const logFile = path.join(dataDir, `${name}.log`);
  const out = await fsp.open(logFile, 'w');
  const child = spawn(
    BIN,
    ['--data-dir', dataDir, 'serve', '--listen', `127.0.0.1:${PORT}`, '--no-pam', '--session-idle', '600'],
    {
      cwd: ROOT,
      stdio: ['ignore', out.fd, out.fd],
      env: { ...process.env, QUADLETMAN_LOG_LEVEL: 'warn' },
    },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const base = `http://127.0.0.1:${PORT}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}); see ${logFile}`);
    try {
      if ((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1_000) })).ok) break;
    } catch {
      // not yet
    }
    if (i > 600) throw new Error('the server did not answer /healthz within 60 s');
    await sleep(100);
  }
  return {
    pid: child.pid!,
    base,
    logFile,
    stop: async () => {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(t);
      await out.close();
    },
  };
}

function warnings(logFile: string): string[] {
  try {
    return readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => /"level":(40|50|60)/.test(l));
  } catch {
    return [];
  }
}

// ------------------------------------------------------------------------------------------- compartments

async function createAll(app: AppContext): Promise<void> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-bench-scale-tar-'));
  const tar = path.join(dir, 'rootfs.tar');
  await buildBusyboxRootfsTar(app.host.exec, tar);
  let done = 0;
  try {
    await eachLimit(ids, PARALLEL, async (id) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await app.compartments.create({ id });
          const s = await app.host.users.sessionFor(id);
          await app.host.podman.importTarball(s, tar, 'localhost/busybox:latest', ['CMD=["/bin/sh"]']);
          const r = await app.compartments.applySpecText(spec(id), 'bench:scale', { actor: 'bench', create: false });
          if (r.outcome !== 'applied') throw new Error(`apply: ${r.outcome}: ${r.message}`);
          break;
        } catch (err) {
          log(`${id}: attempt ${attempt} failed: ${err instanceof Error ? err.message.slice(0, 300) : String(err)}`);
          await removeOne(app, id);
          if (attempt >= 3) throw err;
        }
      }
      done += 1;
      if (done % 5 === 0 || done === N) log(`created ${done}/${N} compartments`);
    });
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Deletes a compartment (its store record, units, user…); the error, if any. */
async function removeOne(app: AppContext, id: CompartmentId): Promise<string | undefined> {
  await app.compartments.delete(id).catch(() => undefined);
  try {
    await app.host.users.delete(id);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message.slice(0, 300) : String(err);
  }
}

/** Compartment users of this benchmark that exist (an interrupted run leaves some behind). */
function leftovers(): CompartmentId[] {
  const r = spawnSync('getent', ['passwd'], { encoding: 'utf8' });
  const re = new RegExp(`^qm-(${PREFIX}\\d+):`);
  return r.stdout
    .split('\n')
    .map((l) => re.exec(l)?.[1])
    .filter((x): x is string => x !== undefined)
    .map((x) => parseCompartmentId(x));
}

/** Deletes every compartment of the benchmark: a few at a time, then what is left one by one, up to 3 rounds. */
async function removeAll(app: AppContext, known: readonly CompartmentId[] = ids): Promise<void> {
  let todo = [...new Set([...known, ...leftovers()])];
  for (let round = 1; round <= 3 && todo.length > 0; round++) {
    let done = 0;
    const errors = new Map<CompartmentId, string>();
    await eachLimit(todo, round === 1 ? 4 : 1, async (id) => {
      const err = await removeOne(app, id);
      if (err) errors.set(id, err);
      done += 1;
      if (done % 20 === 0) log(`deleted ${done}/${todo.length}`);
    });
    for (const [id, err] of [...errors].slice(0, 5)) log(`  ${id}: ${err}`);
    todo = leftovers();
    if (todo.length > 0) log(`round ${round}: ${todo.length} users left; again`);
  }
  if (todo.length > 0) log(`WARNING: users left behind: ${todo.join(' ')}`);
  else log('no compartment of the benchmark is left');
}

// ------------------------------------------------------------------------------------------- events

async function eventCheck(app: AppContext, server: Server, token: string): Promise<number[]> {
  const sse = await openSse(`${server.base}/api/events`, { authorization: `Bearer ${token}` });
  const out: number[] = [];
  try {
    await sleep(1_000);
    for (let k = 0; k < TRIALS; k++) {
      const id = ids[Math.floor((k * N) / TRIALS)]!;
      const s = await app.host.users.sessionFor(id);
      const ps = await app.host.podman.ps(s);
      const name = ps.find((c) => c.unit === 'c1.service' && c.state === 'running')?.name;
      if (!name) throw new Error(`${id}: no running container of c1.service`);
      const from = sse.messages.length;
      const t0 = performance.now();
      await app.host.exec.run(userPodman(s, ['kill', name]));
      const m = await sse.waitFor((x) => {
        if (sse.messages.indexOf(x) < from) return false;
        const e = JSON.parse(x.data || '{}') as { compartment?: string; kind?: string; name?: string; state?: string };
        return e.compartment === id && e.kind === 'container' && e.name === name && e.state === 'died';
      }, 10_000);
      out.push(m.at - t0);
      log(`event check ${k + 1}/${TRIALS}: ${id}/${name} died -> /api/events after ${(m.at - t0).toFixed(0)} ms`);
    }
  } finally {
    await sse.close();
  }
  return out;
}

// ------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  if (process.env.QUADLETMAN_SANDBOX !== '1') {
    console.error('bench:scale runs inside the sandbox host: use `npm run bench:scale` (bench/scale.sh)');
    process.exit(2);
  }
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing`);
  log(`bench:scale: ${N} compartments × ${CONTAINERS} containers, ${IDLE_S} s idle; ${os.cpus().length} cores`);
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-bench-scale-'));
  const app = createApp({
    dataDir,
    locksDir: path.join(dataDir, 'locks'),
    engine: { settleMs: 500, verifyTimeoutMs: 30_000 },
  });
  let server: Server | undefined;
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (process.env.BENCH_CLEANUP_ONLY === '1') {
    await removeAll(app, []);
    app.close();
    await fsp.rm(dataDir, { recursive: true, force: true });
    return;
  }
  try {
    const old = leftovers();
    if (old.length > 0) {
      log(`removing ${old.length} compartment users an earlier run left behind`);
      await removeAll(app, []);
    }
    cli(dataDir, ['user', 'add', 'bench', '--password-stdin', '--role', 'admin'], 'bench-scale-password-1\n');
    const token = cli(dataDir, ['user', 'token', 'create', 'bench', 'bench', '--role', 'viewer']).trim();

    // 1. baseline: the server with no compartment
    server = await startServer(dataDir, 'baseline');
    await sleep(10_000); // past the start's own work (compiling, the first syncs)
    await settle(server.pid, 5_000, 60_000);
    const base = await measure(server.pid, BASELINE_S);
    report('baseline (no compartment)', base);
    await server.stop();
    server = undefined;

    // 2. the compartments
    log(`creating ${N} compartments, ${PARALLEL} at a time`);
    await createAll(app);
    if (interrupted) throw new Error('interrupted');

    // 3. the server watching them all
    log('starting quadletman serve');
    server = await startServer(dataDir, 'serve');
    const t0 = Date.now();
    await settle(server.pid, 15_000, 600_000);
    // everything the tree did since it started (its processes are all younger than that)
    const startCpu = tree(server.pid).reduce((a, p) => a + p.ticks, 0) / TICK;
    log(
      `settled ${((Date.now() - t0) / 1000).toFixed(0)} s after /healthz answered; ${startCpu.toFixed(1)} s of CPU since the start`,
    );

    // 4. idle
    const idle = await measure(server.pid, IDLE_S);
    report(`idle with ${N} compartments × ${CONTAINERS} containers`, idle);
    const marginalCpu = (idle.cpuPercent - base.cpuPercent) / N;
    const marginalRss = (idle.rssKb - base.rssKb) / 1024 / N;
    const children = idle.rssKb - idle.rootRssKb;
    log(
      `per compartment: ${(idle.rssKb / 1024 / N).toFixed(2)} MB RSS (all counted), ${(children / 1024 / N).toFixed(2)} MB without the server process, ${marginalRss.toFixed(2)} MB above the baseline; ${marginalCpu.toFixed(4)} % of a core above the baseline`,
    );

    // 5. events still arrive
    const lat = await eventCheck(app, server, token);
    const max = Math.max(...lat);
    log(
      `event check: max ${max.toFixed(0)} ms over ${lat.length} kills — ${max < 1_000 ? 'under' : 'NOT under'} a second`,
    );
    const w = warnings(server.logFile);
    log(`server warnings: ${w.length}`);
    for (const l of w.slice(0, 10)) console.log(`    ${l.slice(0, 400)}`);

    console.log(`TARGET idle_cpu_percent_of_core ${idle.cpuPercent.toFixed(3)}`);
    console.log(`TARGET rss_mb_per_compartment ${(idle.rssKb / 1024 / N).toFixed(2)}`);
    console.log(`INFO baseline_idle_cpu_percent_of_core ${base.cpuPercent.toFixed(3)}`);
    console.log(`INFO baseline_rss_mb ${(base.rssKb / 1024).toFixed(1)}`);
    console.log(`INFO event_latency_max_ms ${max.toFixed(0)}`);
    console.log(`INFO start_cpu_s ${startCpu.toFixed(1)}`);
  } finally {
    await server?.stop().catch(() => undefined);
    log('deleting the compartments');
    await removeAll(app).catch((err: unknown) => log(`cleanup failed: ${String(err)}`));
    app.close();
    await fsp.rm(dataDir, { recursive: true, force: true });
    log('done');
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
