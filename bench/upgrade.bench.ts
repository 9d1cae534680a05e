/**
 * The upgrade benchmark (run INSIDE the sandbox host as root by bench/upgrade.sh, `npm run bench:upgrade`).
 *
 * Two compartments run the same unit: the registry's demo/web (busybox httpd) under a tag of their own, with a
 * health check and Notify=healthy; one has AutoUpdate=registry. A client polls each app every 10 ms. Each round
 * pushes v2 under both tags (after v1 was running again) and upgrades one with `quadletman upgrade` (the
 * application's UpgradeService) and the other with `podman auto-update` as its user; the two take turns going
 * first. The time the app did not answer is measured by the client (from one answer to the next, whatever
 * came between: refused connections, or a request held until the new container answered). Then v3 (starts, no /health) is pushed and
 * quadletman's upgrade rolls it back: the time from the failed health check to v2 answering again, and the
 * requests that failed after the roll back finished (polled for 3 s more). Medians of BENCH_RUNS rounds.
 * Ends with the TARGET lines: upgrade_downtime_vs_autoupdate (quadletman's downtime / auto-update's),
 * rollback_restore_s and requests_failed_after_rollback.
 */
import { execFileSync } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import { createApp } from '../packages/server/src/app.js';
import { parseCompartmentId } from '../packages/server/src/core/ids.js';
import { copyTag, type RegistryAccount, registryAccount } from '../packages/server/src/host/registry.test-support.js';
import { asUser } from '../packages/server/src/host/session.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DATA = '/var/lib/quadletman-bench-upgrade';
const SETTLE_MS = 3000;
const QM = parseCompartmentId('qmt-bu-qm');
const PA = parseCompartmentId('qmt-bu-pa');
const PORTS = { [QM]: 18_361, [PA]: 18_362 } as Record<string, number>;
const TAGS = { [QM]: 'bench-qm', [PA]: 'bench-pa' } as Record<string, string>;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const spec = (id: string, registry: string, autoUpdate: boolean) => `
compartment: ${id}
units:
  web.container:
    container:
      image: "${registry}/demo/web:${TAGS[id]}"
      publishPort: ["127.0.0.1:${PORTS[id]}:8080"]
      healthCmd: "wget -q -O /dev/null http://127.0.0.1:8080/health"
      HealthInterval: 2s
      Notify: healthy
${autoUpdate ? '      AutoUpdate: registry\n' : ''}    service: { SuccessExitStatus: "143" }
`;

interface Sample {
  at: number;
  /** When the answer (or the failure) came. */
  end: number;
  ok: boolean;
  body: string;
}

/** A client asking the app every 10 ms until stop(). */
function poll(port: number): { samples: Sample[]; stop: () => Promise<void> } {
  const samples: Sample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = performance.now();
      try {
        const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
        const body = (await r.text()).trim();
        samples.push({ at, end: performance.now(), ok: r.ok, body });
      } catch {
        samples.push({ at, end: performance.now(), ok: false, body: '' });
      }
      await new Promise((res) => setTimeout(res, 10));
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/**
 * The time the app did not answer: between two answers, whatever came between (failed requests, or one that
 * waited for the new container), less what a normal poll takes (10 ms pause and the request: 20 ms in all).
 */
function downtimeMs(samples: readonly Sample[]): number {
  let total = 0;
  let last: number | undefined;
  for (const s of samples) {
    if (!s.ok) continue;
    if (last !== undefined) total += Math.max(0, s.end - last - 20);
    last = s.end;
  }
  return total;
}

async function main(): Promise<void> {
  const account: RegistryAccount = await registryAccount();
  await fsp.rm(DATA, { recursive: true, force: true });
  const app = createApp({
    dataDir: DATA,
    volumesRoot: `${DATA}/volumes`,
    locksDir: `${DATA}/locks`,
    engine: { settleMs: 500, verifyTimeoutMs: 15_000 },
    upgrades: { settleMs: SETTLE_MS, healthTimeoutMs: 60_000 },
  });
  const push = (id: string, from: string) => copyTag(app.host.exec, account, 'demo/web', from, TAGS[id]!);
  const autoUpdate = async () => {
    const s = await app.host.users.sessionFor(PA);
    const argv = asUser(s, ['podman', 'auto-update', '--format', '{{.Unit}} {{.Image}} {{.Updated}}']);
    const out = execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 300_000 });
    if (process.env.BENCH_VERBOSE) console.log(`podman auto-update: ${out.trim()}`);
  };
  const served = async (id: string) => {
    const r = await fetch(`http://127.0.0.1:${PORTS[id]}/`, { signal: AbortSignal.timeout(2000) });
    return (await r.text()).trim();
  };
  try {
    for (const id of [QM, PA]) {
      await app.host.users.delete(id).catch(() => undefined);
      await app.compartments.create({ id });
      await app.resources.login(id, account.registry, account.user, account.password);
      await push(id, 'v1');
      const r = await app.compartments.applySpecText(spec(id, account.registry, id === PA), 'bench', {
        actor: 'bench',
        create: false,
      });
      if (r.outcome !== 'applied') throw new Error(`${id}: ${r.message}`);
    }
    const downtime: Record<string, number[]> = { [QM]: [], [PA]: [] };
    const upgradeBy = {
      [QM]: async () => {
        const r = await app.upgrades.upgrade(QM, { units: ['web'] }, { actor: 'bench' });
        if (r.outcome !== 'applied' && r.outcome !== 'noop')
          throw new Error(`quadletman upgrade: ${r.outcome}: ${r.message}`);
      },
      [PA]: autoUpdate,
    } as Record<string, () => Promise<void>>;
    for (let round = 0; round < RUNS; round++) {
      // back on v1 (untimed), then v2 pushed and upgraded (timed by the client)
      for (const id of [QM, PA]) {
        await push(id, 'v1');
        await upgradeBy[id]!();
        // (a unit is taken as settled once it has answered v1 for 3 s)
        await new Promise((r) => setTimeout(r, 3000));
        if ((await served(id)) !== 'demo web v1') throw new Error(`${id} is not back on v1`);
      }
      const order = round % 2 === 0 ? [QM, PA] : [PA, QM];
      for (const id of order) {
        await push(id, 'v2');
        const client = poll(PORTS[id]!);
        await new Promise((r) => setTimeout(r, 300));
        await upgradeBy[id]!();
        // until the client has seen v2 answer
        const deadline = Date.now() + 30_000;
        while (!client.samples.some((s) => s.body === 'demo web v2') && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 300));
        await client.stop();
        const ms = downtimeMs(client.samples);
        if (process.env.BENCH_VERBOSE) {
          const bodies = client.samples.map((x) => (x.ok ? x.body.slice(-2) : 'x'));
          console.log(`  samples: ${bodies.filter((b, i) => i === 0 || b !== bodies[i - 1]).join(' ')}`);
        }
        downtime[id]!.push(ms);
        console.log(
          `round ${round + 1}: ${id === QM ? 'quadletman upgrade' : 'podman auto-update'}: ${ms.toFixed(0)} ms without an answer`,
        );
      }
    }

    // the roll back: v3 pushed; quadletman's gate fails and v2 answers again
    const restore: number[] = [];
    const failedAfter: number[] = [];
    for (let round = 0; round < RUNS; round++) {
      await push(QM, 'v2');
      await app.upgrades.upgrade(QM, { units: ['web'] }, { actor: 'bench' });
      await push(QM, 'v3');
      const t0 = Date.now() - performance.now();
      const client = poll(PORTS[QM]!);
      const r = await app.upgrades.upgrade(QM, { units: ['web'] }, { actor: 'bench' });
      if (r.outcome !== 'rolled-back' || !r.failedAt || !r.restoredAt)
        throw new Error(`the upgrade to v3 was not rolled back: ${r.outcome}: ${r.message}`);
      await new Promise((res) => setTimeout(res, 3000));
      await client.stop();
      const failedAt = r.failedAt.getTime() - t0;
      const restoredAt = r.restoredAt.getTime() - t0;
      const back = client.samples.find((s) => s.at > failedAt && s.body === 'demo web v2');
      if (!back) throw new Error('v2 never answered again');
      restore.push((back.at - failedAt) / 1000);
      failedAfter.push(client.samples.filter((s) => s.at > restoredAt && !s.ok).length);
      console.log(
        `roll back ${round + 1}: v2 answering ${((back.at - failedAt) / 1000).toFixed(2)} s after the failed health check; ${failedAfter.at(-1)} requests failed after it`,
      );
    }

    const qm = median(downtime[QM]!);
    const pa = median(downtime[PA]!);
    console.log(`median downtime: quadletman ${qm.toFixed(0)} ms, podman auto-update ${pa.toFixed(0)} ms`);
    console.log(`settle window ${SETTLE_MS / 1000} s (goal for rollback_restore_s: at most ${SETTLE_MS / 1000 + 3} s)`);
    console.log(`TARGET upgrade_downtime_vs_autoupdate ${(qm / Math.max(pa, 1)).toFixed(3)} ratio`);
    console.log(`TARGET rollback_restore_s ${median(restore).toFixed(2)} s`);
    console.log(`TARGET requests_failed_after_rollback ${Math.max(...failedAfter)} requests`);
  } finally {
    for (const id of [QM, PA]) {
      await app.compartments.delete(id).catch(() => undefined);
      await app.host.users.delete(id).catch(() => undefined);
    }
    app.close();
    await fsp.rm(DATA, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
