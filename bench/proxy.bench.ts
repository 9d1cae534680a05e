/**
 * The edge benchmark (run INSIDE the sandbox host as root by bench/proxy.sh, `npm run bench:proxy`).
 *
 * quadletman's Caddy (quadletman-edge.service, Debian's caddy) routes a compartment's web container (busybox
 * httpd) by host name over HTTPS with the internal CA. Measured:
 *   - route_live_p95_s: BENCH_CHANGES (20) applies that each add a route under a new host name; for each, the
 *     time from the apply returning to the first request through the edge, for the new name, that the app
 *     answers (polled every 5 ms). The apply itself ends with such a request, so this is what a client that
 *     starts right after it sees; the apply's own duration is printed too.
 *   - proxy_rps_vs_direct: requests per second through Caddy (HTTPS, keep-alive) over requests straight to the
 *     container's loopback port (plain HTTP, keep-alive on the client; busybox httpd closes each connection), at
 *     50 connections for BENCH_SECONDS (10) each, with the CPU time Caddy and the app used (their cgroups).
 * Ends with the TARGET lines route_live_p95_s and proxy_rps_vs_direct.
 */
import { appendFile, chmod, readFile, rm } from 'node:fs/promises';
import autocannon from 'autocannon';
import { createApp } from '../packages/server/src/app.js';
import { parseCompartmentId } from '../packages/server/src/core/ids.js';
import { parseSpecText } from '../packages/server/src/core/spec.js';
import { importBusyboxImage } from '../packages/server/src/host/busybox-image.js';
import { requestThroughEdge } from '../packages/server/src/host/caddy-admin.js';
import { EDGE_ADMIN_SOCKET, EDGE_UNIT, installEdge } from '../packages/server/src/host/edge-unit.js';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DATA = '/var/lib/quadletman-bench-proxy';
const ID = parseCompartmentId('qmt-bench-proxy');
const HTTPS = 18_543;
const HTTP = 18_580;
const HOST = 'bench.qm.test';

const spec = (hosts: string[]) => `
compartment: ${ID}
units:
  web.container:
    container:
      image: localhost/busybox:latest
      exec: [sh, -c, "mkdir -p /www && head -c 2048 /dev/zero | tr '\\\\0' x > /www/index.html && exec httpd -f -p 8080 -h /www"]
      runInit: true
routes: [${hosts.map((h) => `{ host: ${h}, to: "web:8080" }`).join(', ')}]
`;

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;

/** CPU time (µs) a cgroup has used. */
async function cpuUsec(cgroup: string): Promise<number> {
  const text = await readFile(`/sys/fs/cgroup/${cgroup}/cpu.stat`, 'utf8').catch(() => '');
  return Number(/^usage_usec (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

async function main(): Promise<void> {
  if (!(await installEdge())) throw new Error('caddy is not installed in the sandbox');
  await rm(DATA, { recursive: true, force: true });
  const app = createApp({ dataDir: DATA, volumesRoot: `${DATA}/volumes`, locksDir: `${DATA}/locks` });
  await chmod(DATA, 0o711);
  await app.host.users.delete(ID).catch(() => undefined);
  // the benchmark's names resolve to the loopback (the sandbox's own hosts file)
  const names = [HOST, ...Array.from({ length: CHANGES }, (_, i) => `r${i}.qm.test`)];
  const hosts = await readFile('/etc/hosts', 'utf8');
  if (!hosts.includes(`${HOST}\n`)) await appendFile('/etc/hosts', names.map((n) => `127.0.0.1 ${n}\n`).join(''));
  try {
    for (let i = 0; i < 100 && !(await readFile(EDGE_ADMIN_SOCKET).catch((e) => e.code !== 'ENOENT')); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await app.edge.configure({ httpPort: HTTP, httpsPort: HTTPS });
    await app.compartments.create({ id: ID });
    const session = await app.host.users.sessionFor(ID);
    await importBusyboxImage(app.host.exec, app.host.podman, session);
    const first = await app.compartments.applyState(parseSpecText(spec([HOST])), { actor: 'bench' });
    if (first.outcome !== 'applied') throw new Error(first.message);
    const ca = await app.edge.rootCertificate();

    // route_live: each apply adds one more host name; time until a request for it is answered
    const live: number[] = [];
    const applyMs: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const t0 = performance.now();
      const r = await app.compartments.applyState(parseSpecText(spec([HOST, `r${i}.qm.test`])), { actor: 'bench' });
      const t1 = performance.now();
      if (r.outcome !== 'applied') throw new Error(r.message);
      for (;;) {
        const got = await requestThroughEdge({ host: `r${i}.qm.test`, path: '/' }, HTTPS, ca, 2000);
        if (got.ok && got.status === 200) break;
        if (performance.now() - t1 > 30_000) throw new Error(`r${i}.qm.test never answered: ${got.detail}`);
        await new Promise((res) => setTimeout(res, 5));
      }
      live.push((performance.now() - t1) / 1000);
      applyMs.push(t1 - t0);
    }
    console.log(
      `route changes: ${CHANGES}; live after the apply returned: p95 ${p95(live).toFixed(3)} s, ` +
        `max ${Math.max(...live).toFixed(3)} s; the apply itself: p95 ${(p95(applyMs) / 1000).toFixed(2)} s`,
    );

    // throughput: through Caddy (HTTPS) and straight to the loopback port
    const port = app.store.edge.allRoutes().find((r) => r.host === HOST)!.port!;
    const uid = session.uid;
    const appCgroup = `user.slice/user-${uid}.slice/user@${uid}.service/app.slice/web.service`;
    const caddyCgroup = `system.slice/${EDGE_UNIT}`;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'; // (the load client only: TLS is still negotiated and used)
    const load = async (name: string, url: string) => {
      const c0 = await cpuUsec(caddyCgroup);
      const a0 = await cpuUsec(appCgroup);
      const r = await autocannon({ url, connections: 50, duration: SECONDS });
      const caddy = ((await cpuUsec(caddyCgroup)) - c0) / 1e6;
      const web = ((await cpuUsec(appCgroup)) - a0) / 1e6;
      console.log(
        `${name}: ${r.requests.average.toFixed(0)} req/s, p99 ${r.latency.p99} ms, errors ${r.errors}, non-2xx ${r.non2xx}; ` +
          `CPU over ${SECONDS} s: Caddy ${caddy.toFixed(1)} s, app ${web.toFixed(1)} s`,
      );
      return r.requests.average;
    };
    const direct = await load('direct (loopback port)', `http://127.0.0.1:${port}/`);
    const proxied = await load('through Caddy (HTTPS)', `https://${HOST}:${HTTPS}/`);

    console.log(`TARGET route_live_p95_s ${p95(live).toFixed(3)} s`);
    console.log(`TARGET proxy_rps_vs_direct ${(proxied / direct).toFixed(2)} ratio`);
  } finally {
    await app.compartments.delete(ID).catch(() => undefined);
    await app.host.users.delete(ID).catch(() => undefined);
    app.close();
    await rm(DATA, { recursive: true, force: true });
    await app.host.exec.run(['systemctl', 'stop', EDGE_UNIT]).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
