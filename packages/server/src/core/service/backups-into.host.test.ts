// Real host test of a restore into another compartment (inside the sandbox host, as root): the container of
// compartment `qmt-bksrc` writes files as UIDs 0, 33 and 999 (modes, a set-gid folder, a symbolic and a hard
// link, a larger random file) into a managed host-folder volume `data` and a Podman volume `pv`; a backup; the
// compartment `qmt-bkdst` declares volumes of the same names (holding other files) and runs a container of its
// own. The snapshot restored into `qmt-bkdst`: its container sees the same files with the same owners, groups,
// modes, sizes, links and contents as the source's container does (on the host each compartment's subordinate
// IDs hold them: no host UID in common), the files it held before are gone, its container runs again, the
// source's keeps running. The source's repository keeps no ACL entry for the target's user afterwards, holds no
// lock, and passes restic check; a restore that fails (a damaged repository) changes nothing in the target and
// leaves no ACL entry either. Needs setfacl and getfacl (Debian's `acl`) in the host.
// Changes on the machine: creates and deletes the compartments `qmt-bksrc` and `qmt-bkdst` and a data folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { closeHostTestApp, openHostTestApp } from '../../cli/host-test-support.js';
import { importBusyboxImage } from '../../host/busybox-image.js';
import { userPodman } from '../../host/session.js';
import { resolveContainer } from '../../host/watch-terminal.js';
import { type CompartmentId, compartmentUser, parseCompartmentId } from '../ids.js';
import { parseSpecText } from '../spec.js';
import { damageRepository, dataAndPvSpec } from './backups.host-test-support.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const SRC = parseCompartmentId('qmt-bksrc');
const DST = parseCompartmentId('qmt-bkdst');
const DATA = '/var/lib/quadletman-test-bkinto';

const SRC_SPEC = dataAndPvSpec(SRC);
// the target: the same volume names, a container that only reads
const DST_SPEC = dataAndPvSpec(DST, 'reader', ['sleep', 'infinity']);

describe.skipIf(!onHost)('restore into another compartment, for real', () => {
  let app: AppContext;
  const volumes = new Map<CompartmentId, string[]>();
  const session = (id: CompartmentId) => app.host.users.sessionFor(id);

  /** What the compartment's running container sees under /data and /pv (below them): entries and checksums. */
  const containerView = async (id: CompartmentId, unit: string): Promise<string> => {
    const s = await session(id);
    const container = await resolveContainer(app.host.exec, s, unit);
    const script =
      'cd / && find data pv -mindepth 1 -exec stat -c "%n %u %g %a %s %h %F" {} \\; | sort && ' +
      'find data pv -type f -exec sha256sum {} \\; | sort';
    const r = await app.host.exec.run(userPodman(s, ['exec', '--', container, 'sh', '-c', script]), {
      timeoutMs: 60_000,
    });
    return r.stdout;
  };

  /** The same in the compartment user's namespace (GNU find: link targets too), by volume name. */
  const namespaceView = async (id: CompartmentId): Promise<string> => {
    const s = await session(id);
    const out: string[] = [];
    for (const [i, p] of (volumes.get(id) ?? []).entries()) {
      const r = await app.host.exec.run(
        userPodman(s, [
          'unshare',
          'sh',
          '-c',
          'cd "$1" && find . -mindepth 1 -printf "%p %U %G %m %s %l %n %y\\n" | sort && find . -type f -exec sha256sum {} + | sort',
          'sh',
          p,
        ]),
        { timeoutMs: 60_000 },
      );
      out.push(`== ${['data', 'pv'][i]}\n${r.stdout}`);
    }
    return out.join('');
  };

  /** The host UIDs owning what is below the compartment's volume folders (as root sees them). */
  const hostOwners = async (id: CompartmentId): Promise<Set<string>> => {
    const r = await app.host.exec.run(['find', ...(volumes.get(id) ?? []), '-mindepth', '1', '-printf', '%U\\n']);
    return new Set(r.stdout.split('\n').filter(Boolean));
  };

  /** getfacl's lines naming the target's user on the source's home, the folders down to the repository and in it. */
  const aclsForTarget = async (): Promise<string[]> => {
    const home = (await session(SRC)).home;
    const repo = `${home}/.local/share/quadletman/restic`;
    const uid = (await session(DST)).uid;
    const above = [home, `${home}/.local`, `${home}/.local/share`, `${home}/.local/share/quadletman`];
    const lines: string[] = [];
    for (const argv of [
      ['getfacl', '-p', ...above],
      ['getfacl', '-p', '-R', repo],
      ['getfacl', '-p', '-n', ...above],
      ['getfacl', '-p', '-n', '-R', repo],
    ]) {
      const r = await app.host.exec.run(argv, { timeoutMs: 60_000 });
      lines.push(
        ...r.stdout.split('\n').filter((l) => l.includes(compartmentUser(DST)) || l.startsWith(`user:${uid}:`)),
      );
    }
    return lines;
  };

  const active = async (id: CompartmentId, unit: string) =>
    (await app.compartments.units(id, { withStatus: true })).find((u) => u.unit === unit)?.status?.activeState;

  beforeAll(async () => {
    app = await openHostTestApp(DATA, SRC);
    const acl = await app.host.exec.run(['sh', '-c', 'command -v setfacl && command -v getfacl'], {
      expectCodes: [0, 1, 127],
    });
    if (acl.code !== 0) throw new Error('setfacl and getfacl (Debian package acl) are not installed in this host');
    await app.host.users.delete(DST).catch(() => undefined);
    await app.compartments.create({ id: DST });
    for (const [id, spec] of [
      [SRC, SRC_SPEC],
      [DST, DST_SPEC],
    ] as const) {
      const s = await session(id);
      await importBusyboxImage(app.host.exec, app.host.podman, s);
      const r = await app.compartments.applyState(parseSpecText(spec), { actor: 'test' });
      expect(r.outcome, r.message).toBe('applied');
      const pv = (await app.host.podman.volumes(s)).find((v) => v.name.endsWith('pv'))!;
      volumes.set(id, [`${DATA}/volumes/${id}/data`, pv.mountpoint]);
    }
    const written = `${volumes.get(SRC)![1]}/.written`;
    for (let i = 0; i < 100; i++) {
      const done = await app.host.exec.run(['test', '-e', written], { expectCodes: [0, 1] });
      if (done.code === 0) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    // the target holds files of its own, which the restore replaces
    const d = await session(DST);
    for (const p of volumes.get(DST)!) {
      await app.host.exec.run(
        userPodman(d, ['unshare', 'sh', '-c', 'echo old > "$1/old.txt" && chown 5:5 "$1/old.txt"', 'sh', p]),
      );
    }
  }, 240_000);
  afterAll(async () => {
    await app?.compartments.delete(DST).catch(() => undefined);
    await app?.host.users.delete(DST).catch(() => undefined);
    await closeHostTestApp(app, SRC, DATA);
  });

  it("restores a snapshot into the other compartment's volumes of the same names: its container sees the same files and owners", async () => {
    const seen = await containerView(SRC, 'writer');
    const inNamespace = await namespaceView(SRC);
    // the owners the container used: several
    expect(new Set([...seen.matchAll(/^\S+ (\d+) /gm)].map((m) => m[1])).size).toBeGreaterThanOrEqual(3);
    expect(await containerView(DST, 'reader')).not.toBe(seen);

    const b = await app.backups.run(SRC, { mode: 'live' });
    const r = await app.backups.restore(SRC, b.summary.snapshotId.slice(0, 8), { into: DST });
    console.log(`restore into ${DST}: ${r.durationMs} ms, ${r.restored.length} folders`);
    expect(r).toMatchObject({ compartment: SRC, into: DST, skipped: [], restarted: ['reader.service'] });
    expect([...r.restored].sort()).toEqual([...volumes.get(DST)!].sort());

    // the same files, owners, modes, sizes, links and bytes, as each container sees them
    expect(await containerView(DST, 'reader')).toBe(seen);
    expect(await namespaceView(DST)).toBe(inNamespace);
    // on the host, each compartment's own subordinate IDs hold them: none in common, none root's
    const src = await hostOwners(SRC);
    const dst = await hostOwners(DST);
    expect([...dst].filter((u) => src.has(u))).toEqual([]);
    expect(dst.has('0')).toBe(false);
    // both run; the source's was not touched
    expect(await active(DST, 'reader.service')).toBe('active');
    expect(await active(SRC, 'writer.service')).toBe('active');
    expect(await containerView(SRC, 'writer')).toBe(seen);

    // the source's repository: no ACL entry for the target's user left, no lock, sound
    expect(await aclsForTarget()).toEqual([]);
    const home = (await session(SRC)).home;
    const locks = await app.host.exec.run(['find', `${home}/.local/share/quadletman/restic/locks`, '-type', 'f']);
    expect(locks.stdout.trim()).toBe('');
    expect((await app.backups.check(SRC)).ok).toBe(true);
    // nothing left behind in the target's work folder
    const left = await app.host.exec.run(['ls', '-A', `${(await session(DST)).home}/.local/share/quadletman`]);
    expect(left.stdout.trim()).toBe('');
  }, 300_000);

  it('a restore that fails (a damaged repository) changes nothing in the target and leaves no ACL entry', async () => {
    const b = await app.backups.run(SRC, { mode: 'live' });
    const before = await namespaceView(DST);
    // the target changes after the first restore: a file of its own, which a restore would remove
    const d = await session(DST);
    await app.host.exec.run(
      userPodman(d, ['unshare', 'sh', '-c', 'echo mine > "$1/mine.txt"', 'sh', volumes.get(DST)![0]!]),
    );
    const changed = await namespaceView(DST);
    expect(changed).not.toBe(before);
    // damage every data pack of the repository (as root: a disk going bad)
    const repo = `${(await session(SRC)).home}/.local/share/quadletman/restic`;
    await damageRepository(app.host.exec, repo);
    await expect(app.backups.restore(SRC, b.summary.snapshotId.slice(0, 8), { into: DST })).rejects.toThrow();
    expect(await namespaceView(DST)).toBe(changed);
    expect(await active(DST, 'reader.service')).toBe('active');
    expect(await aclsForTarget()).toEqual([]);
  }, 300_000);
});
