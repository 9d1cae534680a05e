// The live routes on a real host (inside the sandbox, as root): a compartment runs a busybox httpd container;
// `podman kill` of it (as the compartment user) shows up on /api/events as `died` and the unit as `failed`
// within 1 s; the journal stream carries httpd's lines for a request; stats report CPU (memory null where the
// cgroup has no memory controller); the terminal runs a command in the container and its shell is gone
// after the socket closes. Ports 18510-18511.
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userPodman } from '../../host/session.js';
import { type LiveSandbox, openSse, startLiveSandbox } from './live-sandbox.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const PORT = 18_510;

describe.skipIf(!onHost)('live routes on a real host', () => {
  let sb: LiveSandbox;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-live-'));
    sb = await startLiveSandbox('qmt-live', PORT, dataDir);
  }, 240_000);
  afterAll(async () => {
    await sb?.close();
    await fsp.rm(dataDir, { recursive: true, force: true });
  });

  it('shows a killed container as died within a second, then its unit going down and failed; then started again', async () => {
    const sse = await openSse(`${sb.base}/api/events?compartment=${sb.id}`);
    try {
      const t0 = performance.now();
      await sb.app.host.exec.run(userPodman(sb.session, ['kill', sb.container]));
      const killed = performance.now();
      const ev = (m: { data: string }) => JSON.parse(m.data || '{}');
      const died = await sse.waitFor((m) => {
        const e = ev(m);
        return e.kind === 'container' && e.name === sb.container && e.state === 'died';
      }, 5_000);
      const down = await sse.waitFor((m) => ev(m).kind === 'unit' && ev(m).state === 'deactivating', 10_000);
      const failed = await sse.waitFor((m) => ev(m).kind === 'unit' && ev(m).state === 'failed', 10_000);
      const after = (m: { at: number }) => `${(m.at - t0).toFixed(0)} ms`;
      console.log(
        `kill took ${(killed - t0).toFixed(0)} ms; died after ${after(died)}; unit deactivating after ${after(down)}, failed after ${after(failed)}`,
      );
      expect(ev(died)).toMatchObject({ compartment: sb.id, exitCode: 137, unit: 'web.service' });
      expect(ev(down)).toMatchObject({ name: 'web.service', exitCode: 137 });
      expect(ev(failed)).toMatchObject({ name: 'web.service', result: 'exit-code', exitCode: 137 });
      expect(died.id).toMatch(/^[0-9a-z]+-\d+$/);
      // the container's death: within a second of `podman kill`
      expect(died.at - t0).toBeLessThan(1_000);
      // the unit's side is systemd's pace: its main process (conmon) exits after the container, then journald
      // delivers on its 250 ms timer; `failed` waits for ExecStopPost (podman rm). 0.3-1.2 s measured under load.
      expect(down.at - t0).toBeLessThan(5_000);
      expect(failed.at - t0).toBeLessThan(10_000);
    } finally {
      await sb.app.compartments.control(sb.id, 'start', ['web']).catch(() => undefined);
    }
    try {
      const ev = (m: { data: string }) => JSON.parse(m.data || '{}');
      await sse.waitFor((m) => ev(m).kind === 'container' && ev(m).state === 'started', 10_000);
      await sse.waitFor((m) => ev(m).kind === 'unit' && ev(m).state === 'active', 10_000);
    } finally {
      await sse.close();
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(sb.rt.hub.subscriberCount).toBe(0);
  });

  it('streams the container’s journal lines for a request', async () => {
    const logs = await openSse(`${sb.base}/api/compartments/${sb.id}/logs?unit=web&lines=0&follow=1`);
    try {
      await new Promise((r) => setTimeout(r, 1_500)); // journalctl -f starts
      const t0 = performance.now();
      const body = await (await fetch(`http://127.0.0.1:${PORT}/`, { signal: AbortSignal.timeout(3_000) })).text();
      expect(body).toContain('hello from busybox');
      const line = await logs.waitFor((m) => m.event === 'message' && /url:\/|response:200|GET/.test(m.data), 5_000);
      console.log(`log line after ${(line.at - t0).toFixed(0)} ms: ${line.data}`);
      expect(JSON.parse(line.data)).toMatchObject({ unit: 'web.service' });
      expect(line.id).toBeTruthy();
    } finally {
      await logs.close();
    }

    const past = await openSse(`${sb.base}/api/compartments/${sb.id}/logs?unit=web.service&lines=20`);
    await past.waitFor((m) => m.event === 'end', 10_000);
    expect(past.messages.filter((m) => m.event === 'message').length).toBeGreaterThan(0);
    await past.close();
  });

  it('reports CPU of the running container; memory is null when the cgroup has no memory controller', async () => {
    const r = await fetch(`${sb.base}/api/compartments/${sb.id}/stats`);
    expect(r.status).toBe(200);
    const st = (await r.json()) as {
      memoryAvailable: boolean;
      containers: { name: string; cpuPercent: number; cpuNanos: number; memoryBytes: number | null }[];
    };
    console.log(`stats: ${JSON.stringify(st)}`);
    const web = st.containers.find((c) => c.name === sb.container);
    expect(web).toBeDefined();
    expect(web!.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(web!.cpuNanos).toBeGreaterThan(0);
    if (st.memoryAvailable) expect(web!.memoryBytes).toBeGreaterThan(0);
    else expect(web!.memoryBytes).toBeNull();
  });

  it('runs a command in the container through the terminal, and ends the shell when the socket closes', async () => {
    const ws = await sb.server.injectWS(
      `/api/compartments/${sb.id}/containers/${sb.container}/terminal?cols=80&rows=24`,
    );
    let out = '';
    ws.on('message', (d: Buffer, binary: boolean) => {
      if (binary) out += d.toString('utf8');
    });
    const t0 = performance.now();
    ws.send(JSON.stringify({ type: 'resize', cols: 100, rows: 30 }));
    ws.send(JSON.stringify({ type: 'input', data: 'echo hello; echo sum-$((40+2)); stty size\n' }));
    const until = async (re: RegExp) => {
      const start = Date.now();
      while (!re.test(out)) {
        if (Date.now() - start > 15_000) throw new Error(`terminal output so far: ${JSON.stringify(out)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await until(/\r\nhello\r\n/);
    await until(/sum-42/); // computed by the shell, not echoed input
    await until(/30 100/); // the resize reached the pty
    console.log(`terminal answered after ${(performance.now() - t0).toFixed(0)} ms`);
    expect(sb.audits.some((a) => a.action === 'container.terminal' && a.result === 'ok')).toBe(true);
    ws.terminate();
    // the shell (and its podman exec) must be gone
    const t1 = Date.now();
    let shells: string[] = [];
    for (;;) {
      const ps = await sb.app.host.exec.run(userPodman(sb.session, ['exec', sb.container, 'ps', '-o', 'pid,args']));
      shells = ps.stdout.split('\n').filter((l) => /\ssh$/.test(l.trim()) || / sh$/.test(l));
      if (shells.length === 0 || Date.now() - t1 > 8_000) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(shells).toEqual([]);
  });
});
