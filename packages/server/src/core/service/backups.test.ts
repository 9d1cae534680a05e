// The backup service over fakes: what is backed up, the order of stop, snapshot and start (start also when the
// snapshot fails; the fake store keeps no revisions, so the tag says 0), the repository made once with its password shown once, and a restore that reads the
// snapshot before it stops anything (a snapshot restic cannot read changes nothing).
import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../spec.js';
import { type BackupHostPort, BackupService, type BackupSnapshot } from './backups.js';
import { setupBundles } from './bundles.test-support.js';

const SPEC = `
compartment: app
units:
  web.container: { container: { image: localhost/web:1, volume: ["data:/data", "pv.volume:/pv"] } }
volumes: { data: {}, pv: { kind: podman } }
`;

async function setup() {
  const b = setupBundles();
  await b.compartments.applyState(parseSpecText(SPEC), { actor: 't', create: true });
  const log: string[] = [];
  const repos = new Map<string, string>();
  const snaps: BackupSnapshot[] = [];
  let failBackup = false;
  let failRestore = false;
  const host: BackupHostPort = {
    home: async () => '/h/qm-app',
    podmanVolumes: async () => [
      { name: 'systemd-pv', mountpoint: '/h/qm-app/.local/share/containers/storage/volumes/systemd-pv/_data' },
    ],
    init: async (_id, repo, pw) => {
      log.push(`init ${repo}`);
      if (repos.has(repo)) return 'exists';
      repos.set(repo, pw);
      return 'created';
    },
    backup: async (_id, _repo, _pw, paths, tags) => {
      log.push(`backup ${paths.join(' ')} [${tags.join(' ')}]`);
      if (failBackup) throw new Error('restic died');
      snaps.push({ id: `${'ab'.repeat(8)}${snaps.length}`, shortId: 'abababab', time: 'now', paths, tags });
      return {
        snapshotId: snaps.at(-1)!.id,
        filesNew: 1,
        filesChanged: 0,
        filesUnmodified: 0,
        dataAdded: 1,
        totalFiles: 1,
        totalBytes: 1,
        durationS: 0.1,
      };
    },
    snapshots: async () => snaps,
    restore: async (_id, _repo, _pw, snap, target) => {
      log.push(`restore ${snap} ${target}`);
      if (failRestore) throw new Error('pack damaged');
    },
    check: async () => ({ ok: true, output: 'no errors' }),
    swapContents: async (_id, dirs) => void log.push(`swap ${dirs.map((d) => d.path).join(' ')}`),
    removeTrees: async (_id, paths) => void log.push(`rm ${paths.length}`),
  };
  const backups = new BackupService({
    compartments: b.compartments,
    store: memoryRepos(),
    host,
    volumesRoot: '/vol',
    now: () => new Date(0),
  });
  // the engine's fake host runs the units; record stops and starts
  const fake = b.hostOf('app');
  const stop = fake.stopUnits.bind(fake);
  fake.stopUnits = async (u) => {
    log.push(`stop ${u.join(' ')}`);
    return stop(u);
  };
  const start = fake.restartUnits.bind(fake);
  fake.restartUnits = async (u, o) => {
    log.push(`start ${u.join(' ')}`);
    return start(u, o);
  };
  return {
    ...b,
    backups,
    log,
    snaps,
    fail: (what: 'backup' | 'restore') => {
      if (what === 'backup') failBackup = true;
      else failRestore = true;
    },
  };
}

function memoryRepos() {
  const m = new Map<string, { location: string; password: string }>();
  return {
    repo: (c: string) => m.get(c),
    add: (c: string, location: string, password: string) => !m.has(c) && !!m.set(c, { location, password }),
  };
}

describe('backups', () => {
  it('stops the running containers, snapshots volumes and the Quadlet folder, starts them again', async () => {
    const s = await setup();
    s.log.length = 0;
    const r = await s.backups.run('app');
    expect(r.repository?.password).toMatch(/^[0-9a-f]{64}$/);
    expect(r.stopped).toEqual(['web.service']);
    expect(s.log).toEqual([
      'init /h/qm-app/.local/share/quadletman/restic',
      'stop web.service',
      'backup /vol/app/data /h/qm-app/.local/share/containers/storage/volumes/systemd-pv/_data /h/qm-app/.config/containers/systemd [compartment=app revision=0 mode=stop]',
      'start web.service',
    ]);
    // the second backup: the same repository, no password shown; live mode stops nothing
    s.log.length = 0;
    const live = await s.backups.run('app', { mode: 'live' });
    expect(live.repository).toBeUndefined();
    expect(live.downtimeMs).toBeNull();
    expect(s.log.map((l) => l.split(' ')[0])).toEqual(['backup']);
  });

  it('starts the units again when the snapshot fails', async () => {
    const s = await setup();
    s.fail('backup');
    await expect(s.backups.run('app')).rejects.toThrow('restic died');
    expect(s.log.slice(-2)).toEqual([expect.stringMatching(/^backup /), 'start web.service']);
  });

  it('restores: the snapshot into staging first, then stop, swap, start; a snapshot it cannot read changes nothing', async () => {
    const s = await setup();
    await s.backups.run('app');
    const snap = s.snaps[0]!;
    s.log.length = 0;
    const r = await s.backups.restore('app', snap.id.slice(0, 8));
    expect(r.restarted).toEqual(['web.service']);
    expect(s.log.map((l) => l.split(' ')[0])).toEqual(['restore', 'stop', 'swap', 'start', 'rm']);
    expect(s.log[2]).toBe('swap /vol/app/data /h/qm-app/.local/share/containers/storage/volumes/systemd-pv/_data');
    s.log.length = 0;
    s.fail('restore');
    await expect(s.backups.restore('app', snap.id.slice(0, 8))).rejects.toThrow('pack damaged');
    expect(s.log.map((l) => l.split(' ')[0])).toEqual(['restore', 'rm']);
    await expect(s.backups.restore('app', 'x; rm')).rejects.toThrow(/is not a snapshot id/);
    await expect(s.backups.restore('app', 'ffffffff')).rejects.toThrow(/has no snapshot ffffffff/);
  });

  it('lists nothing before the first backup, and says how to make one', async () => {
    const s = await setup();
    expect(await s.backups.list('app')).toEqual({ repository: null, snapshots: [] });
    await expect(s.backups.snapshots('app')).rejects.toThrow(/backup run app/);
  });
});
