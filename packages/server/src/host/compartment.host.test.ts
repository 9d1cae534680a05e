// Real host integration test (runs inside the sandbox host as root): a compartment's whole life —
// user + subids + linger, image import, Quadlet dry-run, units started, page served, journal, events,
// a second compartment, and deletion that leaves nothing behind.

import * as fsp from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandError } from '../core/errors.js';
import { type CompartmentId, parseCompartmentId, parseUnitName } from '../core/ids.js';
import { type CompartmentAccount, createHostAdapters, importBusyboxImage, parseSubid, UnitFiles } from './index.js';
import { parseJournalFields } from './journal.js';
import { podmanEventOf, podmanMatches } from './watch-podman.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const h = createHostAdapters();
const A = parseCompartmentId('qmt-alpha');
// the longest id allowed (32): user names of 35 characters must work for useradd, logind and runuser
const B = parseCompartmentId('qmt-beta-abcdefghijklmnopqrstuvw');
const PORT = 18_101;

const readOr = (p: string) => fsp.readFile(p, 'utf8').catch(() => '');
const exists = (p: string) =>
  fsp.lstat(p).then(
    () => true,
    () => false,
  );

async function fetchText(url: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return await r.text();
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const WEB_CONTAINER = `[Unit]
Description=qmt web

[Container]
Image=localhost/busybox:latest
ContainerName=qmt-web
Exec=busybox httpd -f -p 8080 -h /www
PublishPort=127.0.0.1:${PORT}:8080
Network=web.network
Volume=data.volume:/data
RunInit=true

[Service]
# a stop makes the container exit 143 (SIGTERM); without this the unit ends failed/exit-code/143
SuccessExitStatus=143

[Install]
WantedBy=default.target
`;

describe.skipIf(!onHost)('compartment lifecycle on a real host', () => {
  let a: CompartmentAccount;
  let b: CompartmentAccount;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    // leftovers of an aborted run
    await h.users.delete(A);
    await h.users.delete(B);
  }, 120_000);

  afterAll(async () => {
    await h.users.delete(A).catch(() => {});
    await h.users.delete(B).catch(() => {});
    console.log('timings (ms):', JSON.stringify(timings));
  }, 120_000);

  it('creates a compartment: system user, subid range, linger, running user manager, storage.conf', async () => {
    const t0 = performance.now();
    a = await h.users.create(A);
    timings.createCompartment = Math.round(performance.now() - t0);
    timings.t0 = t0;
    expect(a.user).toBe('qm-qmt-alpha');
    const passwd = await readOr('/etc/passwd');
    expect(passwd).toMatch(
      new RegExp(`^qm-qmt-alpha:x:${a.uid}:${a.gid}:quadletman compartment:${a.home}:/usr/sbin/nologin$`, 'm'),
    );
    expect(await readOr('/etc/group')).toMatch(/^qm-qmt-alpha:x:/m);
    expect(a.uid).toBeLessThan(1000);
    for (const f of ['/etc/subuid', '/etc/subgid']) {
      expect(parseSubid(await readOr(f)).filter((e) => e.owner === a.user)).toEqual([
        { owner: a.user, start: a.subids.start, count: 65536 },
      ]);
    }
    expect(await exists('/var/lib/systemd/linger/qm-qmt-alpha')).toBe(true);
    expect(await exists(`/run/user/${a.uid}/bus`)).toBe(true);
    expect(await readOr(`${a.home}/.config/containers/storage.conf`)).toContain('driver = "overlay"');
    expect((await h.exec.run(['systemctl', 'is-active', `user@${a.uid}.service`])).stdout.trim()).toBe('active');
    // idempotent
    const again = await h.users.create(A);
    expect(again.subids).toEqual(a.subids);
    expect(again.uid).toBe(a.uid);
  }, 120_000);

  it('imports localhost/busybox:latest from busybox-static', async () => {
    const t0 = performance.now();
    const id = await importBusyboxImage(h.exec, h.podman, a.session);
    timings.importImage = Math.round(performance.now() - t0);
    expect(id).toMatch(/^(sha256:)?[0-9a-f]{64}$/);
    const imgs = await h.podman.images(a.session);
    expect(imgs.some((i) => i.names.includes('localhost/busybox:latest'))).toBe(true);
  }, 120_000);

  it('dry-runs the Quadlet generator as the user: per-file verdicts from stderr, units split', async () => {
    const t0 = performance.now();
    const r = await h.generator.dryRun(a.session, {
      'web.container': WEB_CONTAINER,
      'web.network': '[Network]\n',
      'data.volume': '[Volume]\n',
      'broken.container': '[Container]\nExec=sleep 1\n',
    });
    timings.dryRun = Math.round(performance.now() - t0);
    const byFile = Object.fromEntries(r.verdicts.map((v) => [v.file, v]));
    expect(byFile['web.container']).toMatchObject({ status: 'ok', units: ['web.service'] });
    expect(byFile['web.network']).toMatchObject({ status: 'ok', units: ['web-network.service'] });
    expect(byFile['data.volume']).toMatchObject({ status: 'ok', units: ['data-volume.service'] });
    expect(byFile['broken.container']?.status).toBe('error');
    expect(byFile['broken.container']?.messages.join(' ')).toMatch(/no Image or Rootfs key specified/);
    expect(r.exitCode).toBe(1);
    expect(r.units['web.service']).toContain('PublishPort');
    expect(Object.keys(r.units)).toEqual(['data-volume.service', 'web-network.service', 'web.service']);
    // the staging folder is gone
    expect(await readOr(`${a.home}/.cache/quadletman`)).toBe('');
    const staged = await fsp.readdir(`${a.home}/.cache/quadletman`).catch(() => []);
    expect(staged).toEqual([]);
  }, 60_000);

  it('writes units, reloads, starts, and serves the page on the published port', async () => {
    const files = new UnitFiles(h.exec, a.session);
    await files.write(parseUnitName('web.container'), WEB_CONTAINER);
    await files.write(parseUnitName('web.network'), '[Network]\n');
    await files.write(parseUnitName('data.volume'), '[Volume]\n');
    expect(await files.list()).toEqual(['data.volume', 'web.container', 'web.network']);
    const st = await fsp.stat(`${files.path}/web.container`);
    expect([st.uid, st.mode & 0o777]).toEqual([a.uid, 0o644]);

    const t1 = performance.now();
    await h.systemd.daemonReload(a.session);
    const web = parseUnitName('web.service');
    await h.systemd.start(a.session, [web]);
    timings.reloadAndStart = Math.round(performance.now() - t1);
    const [state] = await h.systemd.unitStates(a.session, [web]);
    expect(state).toMatchObject({ activeState: 'active', subState: 'running', loadState: 'loaded', result: 'success' });
    expect(state?.activeEnterTimestamp).toBeInstanceOf(Date);
    expect(await h.systemd.isActive(a.session, web)).toBe(true);
    // the cheap form (one D-Bus call through busctl) answers for real, an unknown unit included
    expect(await h.systemd.activeStates(a.session, [parseUnitName('nope.service'), web])).toEqual([
      { unit: 'nope.service', loadState: 'not-found', activeState: 'inactive', subState: 'dead' },
      { unit: 'web.service', loadState: 'loaded', activeState: 'active', subState: 'running' },
    ]);

    const page = await fetchText(`http://127.0.0.1:${PORT}/`, 20_000);
    expect(page).toBe('hello from busybox\n');
    timings.createToCurl = Math.round(performance.now() - (timings.t0 ?? 0));
    console.log(`create -> running -> curl: ${timings.createToCurl} ms`);

    const ps = await h.podman.ps(a.session);
    const c = ps.find((x) => x.name === 'qmt-web');
    expect(c).toMatchObject({ state: 'running', unit: 'web.service' });
    expect(c?.ports[0]).toMatchObject({ hostIp: '127.0.0.1', hostPort: PORT, containerPort: 8080 });
    const [details] = await h.podman.inspect(a.session, ['qmt-web']);
    expect(details).toMatchObject({ running: true, state: 'running', unit: 'web.service' });
    expect((await h.podman.volumes(a.session)).map((v) => v.name)).toContain('systemd-data');
  }, 180_000);

  it('shows the unit in the journal', async () => {
    const web = parseUnitName('web.service');
    let entries = await h.journal.read(a.session, web, { lines: 50 });
    for (let i = 0; i < 30 && !entries.some((e) => /Started/.test(e.message)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      entries = await h.journal.read(a.session, web, { lines: 50 });
    }
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.some((e) => /Started .*qmt web|Started web\.service/.test(e.message))).toBe(true);
    expect(entries.every((e) => e.time instanceof Date)).toBe(true);
  }, 30_000);

  it('logs a died event to the journal when the container is killed, and explains the failure', async () => {
    // podman's events go to the system journal (containers.conf events_logger = "journald"), where the server's
    // one reader finds them by _UID (watch-journal.ts); read here as root the same way
    const since = new Date(Date.now() - 1_000).toISOString().replace('T', ' ').slice(0, 19);
    await h.podman.kill(a.session, 'qmt-web');
    const events = async () => {
      const r = await h.exec.run([
        'journalctl',
        '--no-pager',
        '-o',
        'json',
        `--since=${since}`,
        `_UID=${a.uid}`,
        ...podmanMatches(),
      ]);
      return r.stdout
        .split('\n')
        .map((l) => parseJournalFields(l))
        .map((f) => (f ? podmanEventOf(f) : undefined))
        .filter((e) => e !== undefined && e.name === 'qmt-web');
    };
    let seen = await events();
    for (let i = 0; i < 100 && !seen.some((e) => e!.status === 'died'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      seen = await events();
    }
    expect(seen.find((x) => x!.status === 'died')).toMatchObject({ type: 'container', status: 'died', exitCode: 137 });
    expect(seen.map((x) => x!.status)).toContain('kill');

    const web = parseUnitName('web.service');
    let st = (await h.systemd.unitStates(a.session, [web]))[0];
    for (let i = 0; i < 100 && st?.activeState !== 'failed' && st?.activeState !== 'inactive'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      st = (await h.systemd.unitStates(a.session, [web]))[0];
    }
    const why = await h.systemd.failureReason(a.session, web);
    console.log('after podman kill:', why.summary, '| journal tail:', why.journal.slice(-3));
    expect(['failed', 'inactive']).toContain(why.activeState);
    expect(await h.systemd.isActive(a.session, web)).toBe(false);
  }, 60_000);

  it('restarts after a failure, follows the journal live, and stops cleanly to inactive', async () => {
    const web = parseUnitName('web.service');
    await h.systemd.resetFailed(a.session, [web]);
    const follow = h.journal.follow(a.session, web);
    const started = (async () => {
      for await (const e of follow.entries) if (/Started/.test(e.message)) return e;
      return undefined;
    })();
    await new Promise((r) => setTimeout(r, 300)); // journalctl -f is up
    await h.systemd.start(a.session, [web]);
    const seen = await Promise.race([started, new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000))]);
    await follow.stop();
    expect(seen?.message).toMatch(/Started/);
    expect(await fetchText(`http://127.0.0.1:${PORT}/`, 20_000)).toBe('hello from busybox\n');

    const t0 = performance.now();
    await h.systemd.stop(a.session, [web]);
    timings.stop = Math.round(performance.now() - t0);
    const [st] = await h.systemd.unitStates(a.session, [web]);
    // RunInit=true: catatonit forwards SIGTERM, so the stop is quick; SuccessExitStatus=143 makes it clean
    expect(st).toMatchObject({ activeState: 'inactive', result: 'success' });
    expect(timings.stop).toBeLessThan(5000);
  }, 60_000);

  it('a unit that cannot start raises CommandError, and failureReason says why', async () => {
    const files = new UnitFiles(h.exec, a.session);
    const bad = parseUnitName('bad.container');
    await files.write(bad, '[Container]\nImage=localhost/does-not-exist:latest\nPull=never\n');
    await h.systemd.daemonReload(a.session);
    const unit = parseUnitName('bad.service');
    const err = await h.systemd.start(a.session, [unit]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).stderr).toMatch(/bad\.service/);
    const why = await h.systemd.failureReason(a.session, unit);
    expect(why.activeState).toBe('failed');
    expect((await h.systemd.activeStates(a.session, [unit]))?.[0]).toMatchObject({ activeState: 'failed' });
    expect(why.journal.join('\n')).toMatch(/does-not-exist/);
    await files.remove(bad);
    await h.systemd.resetFailed(a.session, [unit]);
    await h.systemd.daemonReload(a.session);
    const [gone] = await h.systemd.unitStates(a.session, [unit]);
    expect(gone?.loadState).toBe('not-found');
  }, 60_000);

  it('streams pull output (stderr included) and reports the failure offline', async () => {
    const pull = h.podman.pull(a.session, 'localhost:1/nothing:latest', { timeoutMs: 30_000 });
    const lines: string[] = [];
    for await (const l of pull.lines) lines.push(l);
    const end = await pull.done;
    expect(end.code).not.toBe(0);
    expect(lines.join('\n')).toMatch(/localhost:1|connection refused|Error/i);
  }, 60_000);

  it('keeps secrets off argv, and manages volumes', async () => {
    await h.podman.createSecret(a.session, 'db-pass', 'sup3r-s3cret');
    expect((await h.podman.secrets(a.session)).map((s) => s.name)).toContain('db-pass');
    await h.podman.removeSecret(a.session, 'db-pass');
    expect((await h.podman.secrets(a.session)).map((s) => s.name)).not.toContain('db-pass');
    await h.podman.createVolume(a.session, 'scratch', { app: 'qmt' });
    expect((await h.podman.volumes(a.session)).find((v) => v.name === 'scratch')?.labels).toEqual({ app: 'qmt' });
    await h.podman.removeVolume(a.session, 'scratch');
    await h.podman.removeVolume(a.session, 'scratch'); // already gone is fine
  }, 60_000);

  it('creates a helper user mapped into the compartment range', async () => {
    const pw = await h.users.createHelperUser(A, 1000);
    expect(pw).toMatchObject({ name: 'qm-qmt-alpha-1000', uid: a.subids.start + 999, shell: '/usr/sbin/nologin' });
    expect((await h.users.helperUsers(A)).map((p) => p.name)).toEqual(['qm-qmt-alpha-1000']);
  }, 30_000);

  it('gives a second compartment a different, non-overlapping range', async () => {
    b = await h.users.create(B);
    expect(b.user).toHaveLength(35);
    expect(b.uid).not.toBe(a.uid);
    // the long name works through runuser, the user manager and podman
    expect(await h.podman.ps(b.session)).toEqual([]);
    const [dt] = await h.systemd.unitStates(b.session, [parseUnitName('default.target')]);
    expect(dt?.activeState).toBe('active');
    // no entries is an empty list, not an error
    expect(await h.journal.read(b.session, parseUnitName('nothing-here.service'))).toEqual([]);
    const overlap =
      a.subids.start < b.subids.start + b.subids.count && b.subids.start < a.subids.start + a.subids.count;
    expect(overlap).toBe(false);
    const all = parseSubid(await readOr('/etc/subuid'));
    for (const x of all) {
      for (const y of all) {
        if (x === y) continue;
        expect(x.start < y.start + y.count && y.start < x.start + x.count, `${x.owner} vs ${y.owner}`).toBe(false);
      }
    }
  }, 120_000);

  it('deletes compartments leaving nothing behind, even with containers running and Restart=always', async () => {
    const files = new UnitFiles(h.exec, a.session);
    await files.write(
      parseUnitName('sticky.container'),
      '[Container]\nImage=localhost/busybox:latest\nExec=sleep 1000\nRunInit=true\n\n[Service]\nRestart=always\nRestartSec=100ms\n',
    );
    await h.systemd.daemonReload(a.session);
    await h.systemd.start(a.session, [parseUnitName('web.service'), parseUnitName('sticky.service')]);
    expect((await h.podman.ps(a.session, { all: false })).map((c) => c.name).sort()).toEqual([
      'qmt-web',
      'systemd-sticky',
    ]);

    const leftovers = async (acc: CompartmentAccount, id: CompartmentId) => {
      const out: string[] = [];
      const user = acc.user;
      for (const f of ['/etc/passwd', '/etc/group', '/etc/subuid', '/etc/subgid', '/etc/shadow', '/etc/gshadow']) {
        if (new RegExp(`^${user}[:-]`, 'm').test(await readOr(f))) out.push(f);
      }
      for (const p of [`/var/lib/systemd/linger/${user}`, acc.home, `/run/user/${acc.uid}`]) {
        if (await exists(p)) out.push(p);
      }
      const r = await h.exec.run(['systemctl', 'is-active', `user@${acc.uid}.service`], { expectCodes: [0, 3] });
      if (r.stdout.trim() === 'active') out.push(`user@${acc.uid}.service`);
      const procs = await h.exec.run(['pgrep', '-u', String(acc.uid)], { expectCodes: [0, 1] });
      if (procs.stdout.trim()) out.push(`processes of ${acc.uid}`);
      expect((await h.users.helperUsers(id)).length).toBe(0);
      if ((await h.users.logindUserName(acc.uid)) !== undefined) out.push(`logind record of ${acc.uid}`);
      const st = await fsp.readdir('/var/lib/quadletman/home').catch((): string[] => []);
      if (st.includes(user)) out.push('home entry');
      return out;
    };
    const t0 = performance.now();
    await h.users.delete(A);
    timings.deleteCompartment = Math.round(performance.now() - t0);
    expect(await leftovers(a, A)).toEqual([]);
    await h.users.delete(B);
    expect(await leftovers(b, B)).toEqual([]);
    // idempotent
    await h.users.delete(A);
  }, 180_000);
});
