/**
 * npm run bench:api — the HTTP API under load. Seeds a store with 50 compartments × 10 containers
 * (bench/api-seed.ts, through the real apply engine over a fake host), bundles bench/api-server.ts with esbuild
 * as `quadletman serve` is bundled, and starts it with node in its own process (the real server with auth,
 * host calls faked at the adapter); then loads it from this process with autocannon, authenticated with an API
 * token:
 *
 * 1. at 500 req/s for 10 s each: `GET /api/compartments` (the dashboard list with unit counts by state) and
 *    `GET /api/compartments/c07` (one compartment's detail) — latency p50/p99;
 * 2. as fast as it goes for 5 s each (the same two) — the throughput the server sustains.
 *
 * The server's RSS is sampled from /proc every 100 ms throughout; the peak is reported, and so is the server's
 * CPU time per request (from /proc: what the latencies would be on a machine nobody else is using). The
 * server runs with NODE_FLAGS (below). BENCH_TOKEN_MEMO=1 makes the server remember resolved API tokens for a second
 * (a measurement aid: it shows what token resolution costs per request). Ends with the TARGET
 * lines: api_p99_ms (the worse p99 at 500 req/s), api_rps (the lower sustained throughput), rss_mb (peak).
 * The event-latency target (`TARGET event_latency_p95_s`) is measured in the sandbox by
 * bench/event-latency.bench.ts, not here.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const RATE = Number(process.env.BENCH_RATE ?? 500);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CAPACITY_DURATION = Number(process.env.BENCH_CAPACITY_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
/**
 * V8 flags of the server process. `--optimize-for-size` keeps the heap near its live size (RSS ~115 MB
 * instead of ~200 MB under this load, for ~20 % more CPU per request): the setting for a control plane that
 * should stay small beside the containers it runs. BENCH_NODE_FLAGS='' measures V8's defaults.
 */
const NODE_FLAGS = process.env.BENCH_NODE_FLAGS ?? '--optimize-for-size';

interface Ready {
  port: number;
  token: string;
  pid: number;
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The server as one ES module (native addons stay in node_modules), in the repository so they resolve. */
async function bundleServer(): Promise<string> {
  const outdir = join(ROOT, '.cache', 'bench-api');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'api-server.mjs');
  await build({
    entryPoints: [join(ROOT, 'bench', 'api-server.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    external: ['better-sqlite3', 'authenticate-pam', 'node-pty', '@node-rs/*'],
    banner: {
      js: "import { createRequire as __qmRequire } from 'node:module'; const require = __qmRequire(import.meta.url);",
    },
  });
  return outfile;
}

/** CPU time the process has used (user + system), ms (from /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

async function startServer(bundle: string, dataDir: string): Promise<{ ready: Ready; stop: () => Promise<void> }> {
  const flags = NODE_FLAGS.split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, bundle, dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<Ready>((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`the server exited (${code}) before it listened`)));
    lines.on('line', (l) => {
      if (l.startsWith('{')) ok(JSON.parse(l) as Ready);
    });
  });
  return {
    ready,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

interface Run {
  name: string;
  rps: number;
  /** Server CPU time per request, ms (independent of how busy the machine is). */
  cpu: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
}

async function load(
  name: string,
  url: string,
  token: string,
  options: { rate?: number; duration: number; pid: number },
) {
  const cpu0 = cpuMs(options.pid);
  const r = await autocannon({
    url,
    headers: { authorization: `Bearer ${token}` },
    connections: CONNECTIONS,
    duration: options.duration,
    ...(options.rate ? { overallRate: options.rate } : {}),
  });
  const run: Run = {
    name,
    rps: r.requests.average,
    cpu: (cpuMs(options.pid) - cpu0) / Math.max(1, r.requests.total),
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
  return run;
}

const fmt = (n: number, d = 1) => n.toFixed(d);

const dataDir = mkdtempSync(join(tmpdir(), 'qm-bench-api-'));
const seedStart = performance.now();
const seeded = spawnSync(process.execPath, ['--import', 'tsx', join('bench', 'api-seed.ts'), dataDir], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (seeded.status !== 0) throw new Error('seeding failed');
const seedMs = Math.round(performance.now() - seedStart);
const { ready, stop } = await startServer(await bundleServer(), dataDir);
let peakRss = rssMb(ready.pid);
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, rssMb(ready.pid));
}, 100);
const base = `http://127.0.0.1:${ready.port}`;
const targets = [
  { name: 'GET /api/compartments', url: `${base}/api/compartments` },
  { name: 'GET /api/compartments/c07', url: `${base}/api/compartments/c07` },
];
try {
  console.log(`50 compartments × 10 containers seeded in ${seedMs} ms; server pid ${ready.pid}`);
  console.log(`server RSS at start: ${fmt(rssMb(ready.pid))} MB (node ${NODE_FLAGS || 'without flags'})`);
  // warm up (caches, JIT)
  for (const t of targets) await load(`warm-up ${t.name}`, t.url, ready.token, { duration: 2, pid: ready.pid });

  const atRate: Run[] = [];
  for (const t of targets)
    atRate.push(await load(t.name, t.url, ready.token, { rate: RATE, duration: DURATION, pid: ready.pid }));
  const capacity: Run[] = [];
  for (const t of targets)
    capacity.push(await load(t.name, t.url, ready.token, { duration: CAPACITY_DURATION, pid: ready.pid }));

  const table = (title: string, runs: Run[]) => {
    console.log(`\n${title}`);
    console.log('  route                          req/s    p50 ms   p99 ms   max ms  cpu ms/req  errors  non-2xx');
    for (const r of runs) {
      console.log(
        `  ${r.name.padEnd(30)} ${fmt(r.rps).padStart(7)} ${fmt(r.p50).padStart(8)} ${fmt(r.p99).padStart(8)} ${fmt(r.max).padStart(8)} ${fmt(r.cpu, 2).padStart(11)} ${String(r.errors).padStart(7)} ${String(r.non2xx).padStart(8)}`,
      );
    }
  };
  table(`at ${RATE} req/s for ${DURATION} s each (${CONNECTIONS} connections):`, atRate);
  table(`as fast as it goes for ${CAPACITY_DURATION} s each (${CONNECTIONS} connections):`, capacity);
  peakRss = Math.max(peakRss, rssMb(ready.pid));
  console.log(`\nserver RSS: peak ${fmt(peakRss)} MB, now ${fmt(rssMb(ready.pid))} MB`);

  const failed = [...atRate, ...capacity].filter((r) => r.errors > 0 || r.non2xx > 0);
  if (failed.length > 0) {
    console.error(`requests failed in: ${failed.map((r) => r.name).join(', ')}`);
    process.exitCode = 1;
  }
  const p99 = Math.max(...atRate.map((r) => r.p99));
  const rps = Math.min(...capacity.map((r) => r.rps));
  console.log('');
  console.log(`TARGET api_p99_ms ${fmt(p99)} ms`);
  console.log(`TARGET api_rps ${Math.round(rps)} req/s`);
  console.log(`TARGET rss_mb ${fmt(peakRss)} MB`);
} finally {
  clearInterval(sampler);
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
}
