// The unprivileged server on a real host (inside the sandbox, as root for the set-up): the privileged helper's
// socket and service template as `quadletman install` renders them, started by systemd for each connection;
// the server as the system user `quadletman` under the hardened unit, with no capabilities (/proc proves it).
// Through its API a compartment is created, a container applied and served, planned, explained, its logs read,
// a volume deleted and the compartment deleted. Another user in the socket's group is refused by the helper's
// own peer check (systemd's SO_PEERCRED credentials). Port 18720.
import * as fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureServerUser, renderHelperUnits, renderServiceUnit, serverHardening } from '../../cli/commands/install.js';
import { parseCompartmentId } from '../../core/ids.js';
import { importBusyboxImage } from '../busybox-image.js';
import { hostExec } from '../exec.js';
import { createHostAdapters } from '../index.js';
import { asUser } from '../session.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
// ws (Fastify's WebSocket library) as the client: node 20 has no WebSocket of its own
const WebSocket = createRequire(import.meta.url)('ws') as new (
  url: string,
  o: { headers: Record<string, string> },
) => import('node:events').EventEmitter & { send(d: string): void; terminate(): void };
const PORT = 18_720;
const APP_PORT = 18_721;
const ID = parseCompartmentId('qmt-unpriv');
const UNIT = 'qmt-helper';
const SOCKET = `/run/${UNIT}/helper.sock`;
const DIRS = {
  data: '/var/lib/qmt-unpriv-data',
  homes: '/var/lib/qmt-unpriv-homes',
  volumes: '/var/lib/qmt-unpriv-volumes',
};
const CLI = [
  '/project/bin/quadletman',
  '--data-dir',
  DIRS.data,
  '--homes-dir',
  DIRS.homes,
  '--volumes-dir',
  DIRS.volumes,
];
const base = `http://127.0.0.1:${PORT}`;
const run = (argv: string[], expectCodes = [0]) => hostExec.run(argv, { expectCodes, timeoutMs: 120_000 });

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!onHost)('the server as an unprivileged user, with the privileged helper', () => {
  let headers: Record<string, string> = {};
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(120_000),
    });
    let text = await r.text();
    const json = r.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : undefined;
    if (r.status >= 500) {
      // what the server and the helper said, for the failure's message
      const log = await run([
        'journalctl',
        '-u',
        'qmt-unpriv-server.service',
        '-u',
        `${UNIT}@*`,
        '-n',
        '40',
        '-o',
        'cat',
      ]);
      text += `\n--- journal:\n${log.stdout}`;
    }
    return { status: r.status, json, text };
  };

  beforeAll(async () => {
    // the bundle, built as root: the server's user cannot write into the checkout
    await run(['/project/bin/quadletman', '--version']);
    await ensureServerUser(DIRS.data);
    if ((await run(['getent', 'passwd', 'qmt-intruder'], [0, 2])).code === 2) {
      await run(['useradd', '--system', '--shell', '/usr/sbin/nologin', 'qmt-intruder']);
    }
    // the intruder passes the socket's file mode (its group): only the helper's own check stands in its way
    await run(['usermod', '-a', '-G', 'quadletman', 'qmt-intruder']);
    for (const d of Object.values(DIRS)) await fsp.rm(d, { recursive: true, force: true });
    await fsp.mkdir(DIRS.data, { mode: 0o700 });
    await run(['chown', 'quadletman:quadletman', DIRS.data]);
    const { socket, service } = renderHelperUnits(CLI, SOCKET, 'quadletman');
    await fsp.writeFile(`/run/systemd/system/${UNIT}.socket`, socket);
    await fsp.writeFile(`/run/systemd/system/${UNIT}@.service`, service);
    const server = renderServiceUnit(
      [...CLI, 'serve', '--listen', `127.0.0.1:${PORT}`, '--no-pam', '--helper', SOCKET],
      serverHardening('quadletman', DIRS.data),
    );
    await fsp.writeFile('/run/systemd/system/qmt-unpriv-server.service', server);
    await run(['systemctl', 'daemon-reload']);
    await run(['systemctl', 'start', `${UNIT}.socket`]);
    await run(['systemctl', 'start', 'qmt-unpriv-server.service']);
    await waitFor('the server answers /healthz', async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));
    const token = await waitFor('the setup token in the journal', async () => {
      const log = await run(['journalctl', '-u', 'qmt-unpriv-server.service', '-o', 'cat', '--no-pager']);
      // the newest: the sandbox's journal keeps earlier runs' tokens
      return [...log.stdout.matchAll(/^Setup token \(one use\): (\S+)$/gm)].at(-1)?.[1];
    });
    const r = await fetch(`${base}/api/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, username: 'admin', password: 'a long enough password' }),
    });
    expect(r.status).toBe(200);
    const cookie = r.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    headers = { cookie, 'x-csrf-token': ((await r.json()) as { csrfToken: string }).csrfToken };
  }, 300_000);

  afterAll(async () => {
    await run(['systemctl', 'stop', 'qmt-unpriv-server.service', `${UNIT}.socket`], [0, 5]).catch(() => undefined);
    await run(['nft', 'delete', 'table', 'inet', 'quadletman'], [0, 1]).catch(() => undefined);
    await createHostAdapters({ homeBase: DIRS.homes })
      .users.delete(ID)
      .catch(() => undefined);
    for (const f of [`${UNIT}.socket`, `${UNIT}@.service`, 'qmt-unpriv-server.service']) {
      await fsp.rm(`/run/systemd/system/${f}`, { force: true });
    }
    await run(['systemctl', 'daemon-reload']).catch(() => undefined);
    for (const d of Object.values(DIRS)) await fsp.rm(d, { recursive: true, force: true });
  });

  it('runs as quadletman with no capabilities at all', async () => {
    const pid = (await run(['systemctl', 'show', '-P', 'MainPID', 'qmt-unpriv-server.service'])).stdout.trim();
    const status = await fsp.readFile(`/proc/${pid}/status`, 'utf8');
    const uid = Number((await run(['id', '-u', 'quadletman'])).stdout.trim());
    const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(status)?.[1]?.trim();
    console.log(
      `server pid ${pid}: ${['Uid', 'Gid', 'CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb', 'NoNewPrivs'].map((f) => `${f} ${field(f)}`).join(', ')}`,
    );
    expect(field('Uid')!.split(/\s+/).map(Number)).toEqual([uid, uid, uid, uid]);
    for (const cap of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) expect(BigInt(`0x${field(cap)}`)).toBe(0n);
    expect(field('NoNewPrivs')).toBe('1');
    const db = await fsp.stat(`${DIRS.data}/quadletman.db`);
    expect([db.uid, db.mode & 0o777]).toEqual([uid, 0o600]);
  });

  it('creates, applies, serves, backs up, plans, explains, shows logs, opens a terminal, deletes a volume and the compartment, through the helper', async () => {
    const created = await api('POST', '/api/compartments', { id: ID });
    expect(created.status, created.text).toBe(201);
    const pw = (await run(['getent', 'passwd', `qm-${ID}`])).stdout;
    expect(pw).toContain(`${DIRS.homes}/qm-${ID}`);
    const h = createHostAdapters({ homeBase: DIRS.homes });
    await importBusyboxImage(h.exec, h.podman, await h.users.sessionFor(ID));
    const spec = (scratch: boolean) => ({
      compartment: ID,
      units: {
        'web.container': {
          container: {
            image: 'localhost/busybox:latest',
            exec: ['busybox', 'httpd', '-f', '-vv', '-p', '8080', '-h', '/www'],
            publishPort: [`127.0.0.1:${APP_PORT}:8080`],
            volume: ['data:/data'],
            environmentFile: 'conf/web.env',
          },
          service: { SuccessExitStatus: '143' },
        },
      },
      volumes: scratch ? { data: {}, scratch: {} } : { data: {} },
      files: { 'conf/web.env': { content: 'GREETING=hello\n', mode: '0600' } },
      probes: [{ name: 'web', type: 'http', port: APP_PORT, path: '/', expectStatus: 200, timeoutMs: 2000 }],
      // a provided service: its loopback port is guarded by nftables, which only the helper (root) can load
      ...(scratch ? { provides: { web: 'web:8080' } } : {}),
    });
    const applied = await api('POST', `/api/compartments/${ID}/apply`, { spec: spec(true) });
    if (applied.json?.outcome !== 'applied') {
      const uidText = (await run(['id', '-u', `qm-${ID}`])).stdout.trim();
      const log = await run(['journalctl', `_UID=${uidText}`, '-n', '40', '-o', 'cat', '--no-pager']);
      applied.text += `\n--- the compartment's journal:\n${log.stdout}`;
    }
    expect(applied.json, applied.text).toMatchObject({ outcome: 'applied' });
    expect(await (await fetch(`http://127.0.0.1:${APP_PORT}/`)).text()).toContain('hello from busybox');
    // the files are the compartment user's, written by it
    const env = await fsp.stat(`${DIRS.homes}/qm-${ID}/.config/quadletman/files/conf/web.env`);
    const uid = Number((await run(['id', '-u', `qm-${ID}`])).stdout.trim());
    expect([env.uid, env.mode & 0o777]).toEqual([uid, 0o600]);
    const vol = await fsp.stat(`${DIRS.volumes}/${ID}/scratch`);
    expect([vol.uid, (await fsp.stat(`${DIRS.volumes}/${ID}`)).uid]).toEqual([uid, 0]);
    // the unprivileged server had the helper load the loopback guard: the service's port, open to its user and root
    const guard = (await run(['nft', 'list', 'table', 'inet', 'quadletman'])).stdout;
    const servicePort = /dport (3\d{4}) meta skuid != \{ ([0-9, ]+) \}/.exec(guard);
    expect(servicePort?.[2]?.split(', ').map(Number), guard).toEqual([0, uid]);

    // a backup through the helper: restic as the compartment's user, the password on its stdin, its lines streamed
    const backup = await api('POST', `/api/compartments/${ID}/backups`, { mode: 'live' });
    expect(backup.status, backup.text).toBe(200);
    expect(backup.json?.summary?.snapshotId).toMatch(/^[0-9a-f]{64}$/);

    const plan = await api('GET', `/api/compartments/${ID}/plan`);
    expect(plan.status, plan.text).toBe(200);
    const explain = await api('POST', `/api/compartments/${ID}/explain`, {
      unit: 'web.container',
      files: { 'web.container': '[Container]\nImage=localhost/busybox:latest\nExec=sleep 1\n' },
    });
    expect(explain.json, explain.text).toMatchObject({ ok: true });
    // the journal, read by the server itself as a member of systemd-journal: httpd's line for the request above
    const logs = await api('GET', `/api/compartments/${ID}/logs?unit=web&lines=50`);
    expect(logs.status, logs.text).toBe(200);
    expect(logs.text).toContain('web.service');

    // the terminal: its pty is the helper's, relayed
    const ws = new WebSocket(
      `ws://127.0.0.1:${PORT}/api/compartments/${ID}/containers/systemd-web/terminal?cols=80&rows=24`,
      {
        headers: { cookie: headers.cookie ?? '', origin: base },
      },
    );
    let out = '';
    ws.on('message', (d: Buffer, binary: boolean) => {
      if (binary) out += d.toString('utf8');
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ type: 'resize', cols: 100, rows: 30 }));
    ws.send(JSON.stringify({ type: 'input', data: 'echo sum-$((40+2)); stty size\n' }));
    await waitFor(
      'the terminal computes and resizes',
      async () => (/sum-42/.test(out) && /30 100/.test(out) ? true : undefined),
      20_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; terminal output: ${JSON.stringify(out)}`);
    });
    ws.terminate();

    // sizes are read as the compartment user in its namespace: a folder a container wrote as a mapped UID, closed
    // to the user itself (0700), still counts
    const session = await h.users.sessionFor(ID);
    await h.exec.run(
      asUser(session, [
        'podman',
        'unshare',
        'sh',
        '-c',
        'mkdir -m 0700 "$1/d" && head -c 262144 /dev/zero >"$1/d/f" && chown -R 1000:1000 "$1/d"',
        'sh',
        `${DIRS.volumes}/${ID}/scratch`,
      ]),
    );
    const vols = await api('GET', `/api/compartments/${ID}/volumes`);
    expect(vols.status, vols.text).toBe(200);
    type Vol = { name: string; kind: string; sizeBytes: number | null; owner: string };
    const scratch = (vols.json as { volumes: Vol[] }).volumes.find((v) => v.name === 'scratch' && v.kind === 'host');
    expect(scratch?.sizeBytes, vols.text).toBeGreaterThanOrEqual(262_144);
    expect(scratch?.owner).toBe(`qm-${ID}`);

    await api('POST', `/api/compartments/${ID}/apply`, { spec: spec(false) });
    expect((await run(['nft', 'list', 'table', 'inet', 'quadletman'], [0, 1])).stdout).not.toContain(
      `dport ${servicePort![1]} `,
    );
    const del = await api('DELETE', `/api/compartments/${ID}/volumes/scratch?kind=host`);
    expect(del.status, del.text).toBe(200);
    expect(await fsp.stat(`${DIRS.volumes}/${ID}/scratch`).catch(() => 'gone')).toBe('gone');

    const gone = await api('DELETE', `/api/compartments/${ID}?volumes=true`);
    expect(gone.status, gone.text).toBe(200);
    expect((await run(['getent', 'passwd', `qm-${ID}`], [0, 2])).code).toBe(2);
    expect(await fsp.stat(`${DIRS.volumes}/${ID}`).catch(() => 'gone')).toBe('gone');
  });

  it('refuses a peer that is neither root nor quadletman, though the socket let it connect', async () => {
    const script =
      "const c=require('net').createConnection(process.argv[1]);c.on('data',d=>{process.stdout.write(d);c.end()});" +
      "c.on('connect',()=>c.write(JSON.stringify({id:1,verb:'ping',args:{}})+'\\n'));";
    const r = await run(['runuser', '-u', 'qmt-intruder', '--', process.execPath, '-e', script, SOCKET], [0, 1]);
    const answer = JSON.parse(r.stdout.trim().split('\n')[0]!);
    expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(answer.error.message).toMatch(/may not use quadletman's helper/);
    // and quadletman itself is answered
    const ok = await run(['runuser', '-u', 'quadletman', '--', process.execPath, '-e', script, SOCKET]);
    expect(JSON.parse(ok.stdout.trim())).toMatchObject({ id: 1, ok: true });
  });
});
