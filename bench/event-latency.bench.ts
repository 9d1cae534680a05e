/**
 * npm run bench:events (inside the sandbox host; bench/event-latency.sh boots it) — how long after `podman kill`
 * of a container a client of `GET /api/events` sees it `died`: a compartment runs a busybox httpd container
 * (Quadlet unit through the real CompartmentService), the live routes serve with their real watchers, and
 * each trial kills the container as the compartment user and waits for the event on the SSE stream, then
 * starts the unit again. p95 over BENCH_TRIALS (default 20) trials, nearest rank; the unit's `deactivating`
 * (main process exited) and `failed` events are reported alongside. Ends with `TARGET event_latency_p95_s <v> s` (target: under 1 s).
 */
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { userPodman } from '../packages/server/src/host/session.js';
import { openSse, startLiveSandbox } from '../packages/server/src/http/routes/live-sandbox.js';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 20);
const PORT = 18_520;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** Starts the unit again; a start right after a failure can race the old container's removal: retry. */
async function startAgain(sb: Awaited<ReturnType<typeof startLiveSandbox>>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await sb.app.compartments.control(sb.id, 'start', ['web']);
      return;
    } catch (err) {
      if (attempt >= 4) throw err;
      console.log(`  (start failed, attempt ${attempt}; retrying)`);
      await sb.app.host.systemd.resetFailed(sb.session, ['web.service' as never]).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

async function main(): Promise<void> {
  if (process.env.QUADLETMAN_SANDBOX !== '1') {
    console.error('bench:events runs inside the sandbox host: use `npm run bench:events` (bench/event-latency.sh)');
    process.exit(2);
  }
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-bench-events-'));
  const sb = await startLiveSandbox('qmb-events', PORT, dataDir);
  const died: number[] = [];
  const down: number[] = [];
  const failed: number[] = [];
  try {
    const sse = await openSse(`${sb.base}/api/events?compartment=${sb.id}`);
    const ev = (m: { data: string }) => JSON.parse(m.data || '{}') as { kind?: string; name?: string; state?: string };
    for (let i = 0; i < TRIALS; i++) {
      const from = sse.messages.length;
      const after = (pred: (e: ReturnType<typeof ev>) => boolean) => (m: { data: string }) =>
        sse.messages.indexOf(m as never) >= from && pred(ev(m));
      const t0 = performance.now();
      await sb.app.host.exec.run(userPodman(sb.session, ['kill', sb.container]));
      const d = await sse.waitFor(
        after((e) => e.kind === 'container' && e.name === sb.container && e.state === 'died'),
        10_000,
      );
      const g = await sse.waitFor(
        after((e) => e.kind === 'unit' && e.name === 'web.service' && e.state === 'deactivating'),
        10_000,
      );
      const f = await sse.waitFor(
        after((e) => e.kind === 'unit' && e.name === 'web.service' && e.state === 'failed'),
        10_000,
      );
      died.push(d.at - t0);
      down.push(g.at - t0);
      failed.push(f.at - t0);
      console.log(
        `trial ${String(i + 1).padStart(2)}: died after ${ms(d.at - t0)}, unit deactivating after ${ms(g.at - t0)}, failed after ${ms(f.at - t0)}`,
      );
      const mark = sse.messages.length;
      await startAgain(sb);
      await sse.waitFor(
        (m) => sse.messages.indexOf(m) >= mark && ev(m).kind === 'unit' && ev(m).state === 'active',
        15_000,
      );
      // stay clear of systemd's start rate limit (5 starts in 10 s by default)
      await new Promise((r) => setTimeout(r, 1_000));
    }
    await sse.close();
  } finally {
    await sb.close();
    await fsp.rm(dataDir, { recursive: true, force: true });
  }
  console.log(
    `died:        p50 ${ms(pct(died, 50))}  p95 ${ms(pct(died, 95))}  max ${ms(Math.max(...died))}  (${died.length} trials)`,
  );
  console.log(`unit deactivating: p50 ${ms(pct(down, 50))}  p95 ${ms(pct(down, 95))}  max ${ms(Math.max(...down))}`);
  console.log(`unit failed: p50 ${ms(pct(failed, 50))}  p95 ${ms(pct(failed, 95))}  max ${ms(Math.max(...failed))}`);
  const p95 = pct(died, 95) / 1000;
  console.log(`target: under 1 s — ${p95 < 1 ? 'met' : 'NOT met'}`);
  console.log(`TARGET event_latency_p95_s ${p95.toFixed(3)} s`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
