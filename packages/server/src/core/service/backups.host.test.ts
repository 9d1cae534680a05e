// Real host test of backups (inside the sandbox host, as root): a compartment whose container writes files as
// UIDs 0, 33 and 999 (modes, a set-gid folder, a symbolic and a hard link, a larger random file) into a managed
// host-folder volume and a Podman volume. A backup in `stop` mode stops the container for the snapshot and
// starts it again; the volumes are then wiped and the snapshot restored: owner, group, mode, size, link target,
// link count and checksum of every file are what they were (as root sees them on the host, so the subuid-mapped
// owners too). restic check passes. A backup killed with SIGKILL midway leaves the app running and the
// repository passing restic check. A restore from a damaged snapshot is refused and changes nothing.
// Changes on the machine: creates and deletes the compartment `qmt-backup` and a data folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { closeHostTestApp, openHostTestApp } from '../../cli/host-test-support.js';
import { importBusyboxImage } from '../../host/busybox-image.js';
import { userPodman } from '../../host/session.js';
import { parseCompartmentId } from '../ids.js';
import { parseSpecText } from '../spec.js';
import { damageRepository, dataAndPvSpec } from './backups.host-test-support.js';
import type { ResticStatus } from './backups.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const ID = parseCompartmentId('qmt-backup');
const DATA = '/var/lib/quadletman-test-backup';

const SPEC = dataAndPvSpec(ID);

describe.skipIf(!onHost)('backups with restic, for real', () => {
  let app: AppContext;
  let paths: string[] = [];
  const fingerprint = async (): Promise<string> => {
    const out: string[] = [];
    for (const p of paths) {
      const r = await app.host.exec.run(
        [
          'sh',
          '-c',
          'cd "$1" && { find . -type d -printf "%p %U %G %m dir\\n"; find . ! -type d -printf "%p %U %G %m %s %l %n %y\\n"; } | sort && find . -type f -exec sha256sum {} + | sort',
          'sh',
          p,
        ],
        { timeoutMs: 60_000 },
      );
      out.push(`== ${p}\n${r.stdout}`);
    }
    return out.join('');
  };

  beforeAll(async () => {
    app = await openHostTestApp(DATA, ID);
    const s = await app.host.users.sessionFor(ID);
    await importBusyboxImage(app.host.exec, app.host.podman, s);
    const r = await app.compartments.applyState(parseSpecText(SPEC), { actor: 'test' });
    expect(r.outcome, r.message).toBe('applied');
    const pv = (await app.host.podman.volumes(s)).find((v) => v.name.endsWith('pv'))!;
    paths = [`${DATA}/volumes/${ID}/data`, pv.mountpoint];
    for (let i = 0; i < 100; i++) {
      const done = await app.host.exec.run(['test', '-e', `${paths[1]}/.written`], { expectCodes: [0, 1] });
      if (done.code === 0) break;
      await new Promise((res) => setTimeout(res, 100));
    }
  }, 180_000);
  afterAll(async () => {
    await closeHostTestApp(app, ID, DATA);
  });

  it('backs up (stop mode), and restores every owner, mode, link and byte after the volumes are wiped', async () => {
    const before = await fingerprint();
    // the owners the container used, mapped to the compartment's subuids on the host: several, none root's
    const owners = new Set([...before.matchAll(/^\S+ (\d+) /gm)].map((m) => m[1]));
    expect(owners.size).toBeGreaterThanOrEqual(3);
    expect(owners.has('0')).toBe(false);

    const b = await app.backups.run(ID);
    console.log(
      `backup: ${b.summary.totalFiles} files, ${b.summary.totalBytes} bytes, ${b.summary.durationS.toFixed(2)} s; down ${b.downtimeMs} ms`,
    );
    expect(b.repository?.password).toMatch(/^[0-9a-f]{64}$/);
    expect(b.stopped).toEqual(['writer.service']);
    expect(b.downtimeMs).toBeGreaterThan(0);
    expect(b.paths).toEqual(expect.arrayContaining(paths));
    const statuses = await app.compartments.units(ID, { withStatus: true });
    expect(statuses.find((u) => u.unit === 'writer.service')?.status?.activeState).toBe('active');
    const snaps = await app.backups.snapshots(ID);
    expect(snaps).toHaveLength(1);
    expect(snaps[0]!.tags).toEqual(expect.arrayContaining([`compartment=${ID}`, 'mode=stop']));
    // restic's own summary of the snapshot: its size, what it added, how long it took
    expect(snaps[0]!.size).toBe(b.summary.totalBytes);
    expect(snaps[0]!.added).toBeGreaterThan(0);
    expect(snaps[0]!.durationS).toBeGreaterThanOrEqual(0);

    // wipe both volumes (as the compartment user, in its namespace)
    const s = await app.host.users.sessionFor(ID);
    for (const p of paths) {
      await app.host.exec.run(userPodman(s, ['unshare', 'sh', '-c', 'find "$1" -mindepth 1 -delete', 'sh', p]));
    }
    expect(await fingerprint()).not.toBe(before);

    const r = await app.backups.restore(ID, snaps[0]!.shortId);
    console.log(`restore: ${r.durationMs} ms, ${r.restored.length} folders`);
    expect(r.restored.sort()).toEqual([...paths].sort());
    expect(r.restarted).toEqual(['writer.service']);
    expect(await fingerprint()).toBe(before);
    expect((await app.backups.check(ID)).ok).toBe(true);
    // nothing left behind in the home's work folder but the repository
    const left = await app.host.exec.run(['ls', '-A', `${s.home}/.local/share/quadletman`]);
    expect(left.stdout.trim().split('\n')).toEqual(['restic']);
  }, 300_000);

  it('survives a backup killed with SIGKILL midway: the app runs, the repository passes restic check', async () => {
    // enough data for the backup to take a moment
    const s = await app.host.users.sessionFor(ID);
    await app.host.exec.run(
      userPodman(s, ['unshare', 'dd', 'if=/dev/urandom', `of=${paths[0]}/large.bin`, 'bs=1M', 'count=400']),
      { timeoutMs: 120_000 },
    );
    const stages: string[] = [];
    const running = app.backups.run(ID, { onProgress: (p) => stages.push(p.stage) });
    // restic's status lines come through as it works (about one a second): the first, before the kill
    let status: ResticStatus | null = null;
    for (let i = 0; i < 300 && !status; i++) {
      await new Promise((res) => setTimeout(res, 50));
      status = app.backups.progress(ID)?.status ?? null;
    }
    console.log(`progress: ${JSON.stringify(status)}`);
    expect(status?.percent).toBeGreaterThanOrEqual(0);
    expect(status?.percent).toBeLessThan(100);
    expect(status?.totalBytes).toBeGreaterThan(0);
    expect(stages.slice(0, 2)).toEqual(['stopping', 'restic']);
    let killed = false;
    for (let i = 0; i < 200 && !killed; i++) {
      await new Promise((res) => setTimeout(res, 50));
      const k = await app.host.exec.run(['pkill', '-KILL', '-f', '^restic .*backup --json'], { expectCodes: [0, 1] });
      killed = k.code === 0;
    }
    expect(killed).toBe(true);
    await expect(running).rejects.toThrow();
    expect(app.backups.progress(ID)).toBeNull();
    const statuses = await app.compartments.units(ID, { withStatus: true });
    expect(statuses.find((u) => u.unit === 'writer.service')?.status?.activeState).toBe('active');
    const check = await app.backups.check(ID);
    expect(check.ok, check.output).toBe(true);
    await app.host.exec.run(userPodman(s, ['unshare', 'rm', '-f', `${paths[0]}/large.bin`]));
  }, 300_000);

  it('keeps what the retention says on a schedule: restic forget --prune removes the rest', async () => {
    app.backups.setPolicy(ID, { schedule: 'daily 03:00', mode: 'live', keep: { last: 2 } });
    const before = (await app.backups.snapshots(ID)).map((x) => x.id);
    expect(before.length).toBeGreaterThanOrEqual(1);
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const run = await app.backups.runScheduled(ID);
      expect(run).not.toBe('busy');
      runs.push(run as Exclude<typeof run, 'busy'>);
    }
    for (const r of runs) expect(r, r.error).toMatchObject({ result: 'ok', kept: 2 });
    const after = await app.backups.snapshots(ID);
    // the two newest are the last two runs' snapshots; every older one (the earlier tests' too) is gone
    expect(after.map((x) => x.id).sort()).toEqual([runs[1]!.snapshot, runs[2]!.snapshot].sort());
    expect(after.some((x) => before.includes(x.id))).toBe(false);
    expect((await app.backups.check(ID)).ok).toBe(true);
    const view = app.backups.policy(ID);
    expect(view.lastRun).toMatchObject({ result: 'ok', snapshot: runs[2]!.snapshot });
    expect(view.nextRun).toMatch(/T03:00:00/);
  }, 300_000);

  it('refuses to restore a damaged snapshot, and changes nothing', async () => {
    const b = await app.backups.run(ID, { mode: 'live' });
    const before = await fingerprint();
    // damage every data pack of the repository (as root: a disk going bad)
    const repo = `${(await app.host.users.sessionFor(ID)).home}/.local/share/quadletman/restic`;
    await damageRepository(app.host.exec, repo);
    await expect(app.backups.restore(ID, b.summary.snapshotId.slice(0, 8))).rejects.toThrow();
    expect(await fingerprint()).toBe(before);
    const statuses = await app.compartments.units(ID, { withStatus: true });
    expect(statuses.find((u) => u.unit === 'writer.service')?.status?.activeState).toBe('active');
    expect((await app.backups.check(ID)).ok).toBe(false);
  }, 300_000);

  it('refuses a snapshot that is not there, and changes nothing', async () => {
    const before = await fingerprint();
    await expect(app.backups.restore(ID, 'deadbeef')).rejects.toThrow(/has no snapshot deadbeef/);
    await expect(app.backups.restore(ID, '../x')).rejects.toThrow(/is not a snapshot id/);
    expect(await fingerprint()).toBe(before);
  }, 120_000);
});
