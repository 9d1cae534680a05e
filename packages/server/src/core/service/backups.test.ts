// The backup service over fakes: what is backed up, the order of stop, snapshot and start (start also when the
// snapshot fails; the fake store keeps no revisions, so the tag says 0), the repository made once with its password shown once, and a restore that reads the
// snapshot before it stops anything (a snapshot restic cannot read changes nothing); a restore into another
// compartment: volumes matched by name, restic as the target with the source's repository readable meanwhile.
import { describe, expect, it } from 'vitest';
import { MemoryLocks } from '../apply/lock.js';
import type { BackupCheck, BackupKeep, BackupPolicy, BackupRun, StoredPolicy } from '../backups/policy.js';
import { InvalidError } from '../errors.js';
import { parseSpecText } from '../spec.js';
import { type BackupHostPort, BackupService, type BackupSnapshot } from './backups.js';
import { setupBundles } from './bundles.test-support.js';

const HALF = {
  percent: 50,
  filesDone: 1,
  totalFiles: 2,
  bytesDone: 10,
  totalBytes: 20,
  secondsElapsed: 1,
  secondsRemaining: 1,
  currentFiles: [],
};

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
  let failSnapshots = false;
  let failRestore = false;
  let failForget = false;
  let failGrant = false;
  let onRestore = () => {};
  let duringBackup = (_id: string) => {};
  let checkAnswer = { ok: true, output: 'no errors were found' };
  let hookAnswer = { code: 0, output: '' };
  let putAnswer: 'replaced' | 'created' | 'missing' = 'replaced';
  const forgets: { tag: string; keep: BackupKeep }[] = [];
  const swaps: { id: string; dirs: { path: string; staged: string; aside: string }[] }[] = [];
  const host: BackupHostPort = {
    home: async (id) => `/h/qm-${id}`,
    podmanVolumes: async (id) => [
      { name: 'systemd-pv', mountpoint: `/h/qm-${id}/.local/share/containers/storage/volumes/systemd-pv/_data` },
    ],
    init: async (_id, repo, pw) => {
      log.push(`init ${repo}`);
      if (repos.has(repo)) return 'exists';
      repos.set(repo, pw);
      return 'created';
    },
    backup: async (id, _repo, _pw, paths, tags, onStatus) => {
      log.push(`backup ${paths.join(' ')} [${tags.join(' ')}]`);
      onStatus?.({ ...HALF, currentFiles: [paths[0]!] });
      duringBackup(id);
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
    snapshots: async () => {
      if (failSnapshots) throw new Error('unable to start the sftp session');
      return snaps;
    },
    restore: async (id, _repo, _pw, snap, target, o) => {
      log.push(`restore ${snap} ${target} as ${id}${o?.readOnly ? ' read-only' : ''}`);
      onRestore();
      if (failRestore) throw new Error('pack damaged');
    },
    grantRead: async (source, reader, paths) => {
      log.push(`grant ${source} ${reader} ${paths.join(' ')}`);
      if (failGrant) throw new Error('setfacl: not found');
    },
    setAccess: async (id, l, credentials) =>
      void log.push(`access ${id} ${l.kind}${credentials ? ` ${credentials.user}` : ''}`),
    revokeRead: async (source, reader, paths) => void log.push(`revoke ${source} ${reader} ${paths.join(' ')}`),
    check: async () => {
      log.push('check');
      return checkAnswer;
    },
    ls: async (id, _repo, _pw, snap, path) => {
      log.push(`ls ${snap} ${path} as ${id}`);
      return {
        entries: [
          { name: 'a.txt', type: 'file', path: `${path}/a.txt`, size: 5, mode: '0644', uid: 33, gid: 33, mtime: 't' },
        ],
        truncated: false,
      };
    },
    restoreFiles: async (id, _repo, _pw, snap, target, includes) => {
      log.push(`restore-files ${snap} ${target} ${includes.join(' ')} as ${id}`);
      if (failRestore) throw new Error('pack damaged');
    },
    putStaged: async (id, f) => {
      log.push(`put ${f.staged} ${f.path} ${f.previous} as ${id}`);
      return putAnswer;
    },
    sshSetup: async (_id, l, scan) => {
      log.push(`ssh ${l.user}@${l.host}:${l.port}${scan ? ' scan' : ''}`);
      if (l.host === 'unreachable') throw new Error(`no SSH host key could be read from ${l.host} port ${l.port}`);
      return { publicKey: 'ssh-ed25519 AAAAC3Nz quadletman-qm-app', hostKeys: ['256 SHA256:abc nas (ED25519)'] };
    },
    execInContainer: async (_id, unit, argv) => {
      log.push(`exec ${unit}: ${argv.join(' ')}`);
      return hookAnswer;
    },
    forget: async (_id, _repo, _pw, tag, keep) => {
      log.push(`forget ${tag}`);
      forgets.push({ tag, keep });
      if (failForget) throw new Error('repository locked');
      // keeps the newest `last`
      const removed = snaps.splice(0, Math.max(0, snaps.length - keep.last));
      return { removed, kept: [...snaps] };
    },
    swapContents: async (id, dirs) => {
      swaps.push({ id, dirs });
      log.push(`swap ${dirs.map((d) => d.path).join(' ')}`);
    },
    removeTrees: async (_id, paths) => void log.push(`rm ${paths.length}`),
  };
  let clock = Date.parse('2026-12-01T00:00:00Z');
  const locks = new MemoryLocks();
  const store = memoryRepos(() => new Date(clock));
  const backups = new BackupService({
    compartments: b.compartments,
    store,
    host,
    volumesRoot: '/vol',
    now: () => new Date(clock),
    locks,
  });
  // the engine's fake hosts run the units; record stops and starts (`stop@dst …` for another compartment than app)
  const recordUnits = (id: string) => {
    const fake = b.hostOf(id);
    const at = id === 'app' ? '' : `@${id}`;
    const stop = fake.stopUnits.bind(fake);
    fake.stopUnits = async (u) => {
      log.push(`stop${at} ${u.join(' ')}`);
      return stop(u);
    };
    const start = fake.restartUnits.bind(fake);
    fake.restartUnits = async (u, o) => {
      log.push(`start${at} ${u.join(' ')}`);
      return start(u, o);
    };
  };
  recordUnits('app');
  return {
    ...b,
    backups,
    store,
    log,
    failSnapshots: (v: boolean) => {
      failSnapshots = v;
    },
    snaps,
    forgets,
    swaps,
    locks,
    /** Another compartment, `web.container` running with `volume` mounts, declaring `volumes` (a spec's map). */
    addCompartment: async (id: string, volumes: string, mounts: string[]) => {
      const spec = `compartment: ${id}\nunits:\n  web.container: { container: { image: localhost/web:1, volume: ${JSON.stringify(mounts)} } }\nvolumes: ${volumes}\n`;
      await b.compartments.applyState(parseSpecText(spec), { actor: 't', create: true });
      recordUnits(id);
    },
    onRestore: (f: () => void) => {
      onRestore = f;
    },
    checkAnswers: (a: { ok: boolean; output: string }) => {
      checkAnswer = a;
    },
    duringBackup: (f: (id: string) => void) => {
      duringBackup = f;
    },
    putAnswers: (a: 'replaced' | 'created' | 'missing') => {
      putAnswer = a;
    },
    hookAnswers: (a: { code: number; output: string }) => {
      hookAnswer = a;
    },
    advance: (ms: number) => {
      clock += ms;
    },
    fail: (what: 'backup' | 'restore' | 'forget' | 'grant') => {
      if (what === 'backup') failBackup = true;
      else if (what === 'forget') failForget = true;
      else if (what === 'grant') failGrant = true;
      else failRestore = true;
    },
  };
}

function memoryRepos(now: () => Date) {
  const m = new Map<string, { location: string; password: string }>();
  const policies = new Map<string, StoredPolicy>();
  return {
    repo(c: string) {
      const r = m.get(c);
      return r && { ...r, newestSnapshotAt: this.snapshotsAt.get(c) ?? null, lastCheck: this.checks.get(c) ?? null };
    },
    add: (c: string, location: string, password: string) => !m.has(c) && !!m.set(c, { location, password }),
    setRepo(c: string, location: string, password: string) {
      m.set(c, { location, password });
      this.snapshotsAt.delete(c);
    },
    policy: (c: string) => policies.get(c),
    setPolicy: (c: string, p: BackupPolicy) => {
      const before = policies.get(c);
      const at = now().toISOString();
      const since = before?.schedule === p.schedule ? before.scheduleSince : at;
      policies.set(c, { ...p, scheduleSince: since, updatedAt: at, lastRun: before?.lastRun ?? null });
      return policies.get(c)!;
    },
    recordRun: (c: string, run: BackupRun) => {
      const p = policies.get(c);
      if (p) policies.set(c, { ...p, lastRun: run });
    },
    checks: new Map<string, BackupCheck>(),
    recordCheck(c: string, check: BackupCheck) {
      this.checks.set(c, check);
    },
    snapshotsAt: new Map<string, string>(),
    recordSnapshot(c: string, at: string) {
      this.snapshotsAt.set(c, at);
    },
  };
}

describe('repository locations', () => {
  it('sets an SFTP location: key made, host keys recorded, a new password; the next backup makes the repository there', async () => {
    const s = await setup();
    const set = await s.backups.setRepository('app', { location: 'sftp://bk@nas:2222//srv/restic/app' });
    expect(set).toMatchObject({
      location: 'sftp://bk@nas:2222//srv/restic/app',
      kind: 'sftp',
      publicKey: expect.stringMatching(/^ssh-ed25519 /),
      hostKeys: ['256 SHA256:abc nas (ED25519)'],
    });
    expect(set.password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(set.previous).toBeUndefined();
    expect(s.log).toEqual(['ssh bk@nas:2222 scan', 'access app sftp']);
    // not reachable yet (the key not accepted): the list names the location, with no snapshots
    s.failSnapshots(true);
    expect(await s.backups.list('app')).toEqual({
      repository: { location: 'sftp://bk@nas:2222//srv/restic/app' },
      snapshots: [],
    });
    s.failSnapshots(false);
    const b = await s.backups.run('app', { mode: 'live' });
    expect(b.repository).toBeUndefined(); // its password was answered when the location was set
    expect(s.log.slice(2, 4)).toEqual(['init sftp://bk@nas:2222//srv/restic/app', expect.stringMatching(/^backup /)]);
    // made: the next backup does not look for it again; the view reads the keys without scanning
    s.log.length = 0;
    await s.backups.run('app', { mode: 'live' });
    expect(s.log.filter((l) => l.startsWith('init'))).toEqual([]);
    expect(await s.backups.repository('app')).toMatchObject({ kind: 'sftp', publicKey: expect.any(String) });
    expect(s.log.at(-1)).toBe('ssh bk@nas:2222');
  });

  it('keeps a repository unless told to replace it, then answers the previous password once', async () => {
    const s = await setup();
    const first = await s.backups.run('app', { mode: 'live' });
    await expect(s.backups.setRepository('app', { location: '/srv/backups/app' })).rejects.toThrow(
      /has a repository at \/h\/qm-app\/.local\/share\/quadletman\/restic; replace it/,
    );
    const set = await s.backups.setRepository('app', { location: '/srv/backups/app', replace: true });
    expect(set).toMatchObject({ location: '/srv/backups/app', kind: 'local' });
    expect(set.previous).toEqual({ location: first.repository!.location, password: first.repository!.password });
    expect(set.password).not.toBe(first.repository!.password);
    expect(await s.backups.repository('app')).toEqual({ location: '/srv/backups/app', kind: 'local' });
  });

  it('refuses a bad location by field and changes nothing; an unreachable host sets nothing', async () => {
    const s = await setup();
    const bad = await s.backups.setRepository('app', { location: 'sftp:-oProxyCommand=x@h:/r' }).catch((e) => e);
    expect(bad).toMatchObject({ message: expect.stringMatching(/^location: the user .* is not a user name/) });
    expect(bad.details.issues[0].path).toBe('location');
    await expect(s.backups.setRepository('app', { location: 'sftp:bk@unreachable:/r' })).rejects.toThrow(
      /no SSH host key could be read from unreachable port 22/,
    );
    expect(await s.backups.repository('app')).toBeNull();
  });

  it('takes credentials for REST and S3 only (S3 needs them), checked by field; they go to the host, not the answer', async () => {
    const s = await setup();
    const issue = async (input: Parameters<typeof s.backups.setRepository>[1]) =>
      (await s.backups.setRepository('app', input).catch((e) => e)).details?.issues?.[0];
    expect(await issue({ location: '/srv/b', credentials: { user: 'u', secret: 'x' } })).toEqual({
      path: 'credentials',
      message: 'only a rest: or s3: location takes credentials',
    });
    expect(await issue({ location: 's3:https://s3.example/bkp' })).toMatchObject({ path: 'credentials' });
    expect(await issue({ location: 'rest:https://bk/x', credentials: { user: 'u:v', secret: 'x' } })).toMatchObject({
      path: 'credentials',
      message: expect.stringContaining('":"'),
    });
    expect(s.log.filter((l) => l.startsWith('access'))).toEqual([]);
    expect(await s.backups.repository('app')).toBeNull();
    const set = await s.backups.setRepository('app', {
      location: 'rest:https://bk:8000/app',
      credentials: { user: 'app', secret: 'Zq9secret' },
    });
    expect(set).toMatchObject({ location: 'rest:https://bk:8000/app', kind: 'rest' });
    expect(JSON.stringify(set)).not.toContain('Zq9secret');
    expect(s.log.filter((l) => l.startsWith('access'))).toEqual(['access app rest app']);
    expect(await s.backups.repository('app')).toEqual({ location: 'rest:https://bk:8000/app', kind: 'rest' });
  });
});

describe('the backup before an upgrade', () => {
  it('none without a repository or for units that mount no volume; else one in the policy mode', async () => {
    const s = await setup();
    expect(await s.backups.beforeUpgrade('app', ['web.container'])).toBeNull(); // no repository yet
    await s.backups.run('app', { mode: 'live' });
    s.log.length = 0;
    await s.compartments.applyState(
      parseSpecText(
        `${SPEC.replace('units:', 'units:\n  tool.container: { container: { image: docker.io/library/busybox } }')}`,
      ),
      { actor: 't' },
    );
    expect(await s.backups.beforeUpgrade('app', ['tool.container'])).toBeNull();
    s.backups.setPolicy('app', { mode: 'live' });
    const made = await s.backups.beforeUpgrade('app', ['web.container']);
    expect(made).toEqual({ snapshot: expect.stringMatching(/^(ab)+/), mode: 'live' });
    expect(s.log.filter((l) => l.startsWith('backup '))).toHaveLength(1);
    expect(s.log.some((l) => l.startsWith('stop '))).toBe(false);
  });
});

describe('hook mode', () => {
  const HOOKED = `${SPEC}backup: { hook: { unit: web.container, exec: [sh, -c, "flock /data/lock cp /data/db /data/dump"] } }\n`;

  it("runs the spec's hook in its container first, then a live snapshot (nothing stopped)", async () => {
    const s = await setup();
    await s.compartments.applyState(parseSpecText(HOOKED), { actor: 't' });
    s.log.length = 0;
    const r = await s.backups.run('app', { mode: 'hook' });
    expect(r).toMatchObject({ mode: 'hook', stopped: [], downtimeMs: null });
    const steps = s.log.filter((l) => !l.startsWith('init '));
    expect(steps[0]).toBe('exec web: sh -c flock /data/lock cp /data/db /data/dump');
    expect(steps[1]).toMatch(/^backup .*\[compartment=app revision=\d+ mode=hook\]$/);
    expect(s.log.some((l) => l.startsWith('stop '))).toBe(false);
  });

  it('backs nothing up when the hook fails, and says why in its own words', async () => {
    const s = await setup();
    await s.compartments.applyState(parseSpecText(HOOKED), { actor: 't' });
    s.hookAnswers({ code: 1, output: "cp: can't stat '/data/db': No such file or directory\n" });
    s.log.length = 0;
    await expect(s.backups.run('app', { mode: 'hook' })).rejects.toThrow(
      "the backup hook in web.container (sh -c flock /data/lock cp /data/db /data/dump) exited with 1; nothing was backed up: cp: can't stat '/data/db': No such file or directory",
    );
    expect(s.log.filter((l) => l.startsWith('backup '))).toEqual([]);
  });

  it('refuses hook mode for a compartment whose spec has no hook, and a hook naming no unit of it', async () => {
    const s = await setup();
    await expect(s.backups.run('app', { mode: 'hook' })).rejects.toThrow(
      /declares none \(backup: \{ hook: \{ unit, exec \} \}\)/,
    );
    expect(() => parseSpecText(`${SPEC}backup: { hook: { unit: db.container, exec: [echo] } }\n`)).toThrow(
      /backup\.hook\.unit: the compartment has no unit db\.container/,
    );
    expect(() => parseSpecText(`${SPEC}backup: { hook: { unit: web.container, exec: "pg_dump" } }\n`)).toThrow(
      /backup\.hook\.exec: must be a list of words/,
    );
  });
});

describe('backups', () => {
  it('stops the running containers, snapshots volumes and the Quadlet folder, starts them again', async () => {
    const s = await setup();
    s.log.length = 0;
    const r = await s.backups.run('app');
    expect(r.repository?.password).toMatch(/^[0-9a-f]{64}$/);
    // the snapshot's time, for /metrics: when the backup began
    expect(s.store.snapshotsAt.get('app')).toBe('2026-12-01T00:00:00.000Z');
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

  it("tells how far a backup is: its stages, restic's status, to a listener and to anyone who asks meanwhile", async () => {
    const s = await setup();
    expect(s.backups.progress('app')).toBeNull();
    const asked: unknown[] = [];
    s.duringBackup((id) => asked.push(s.backups.progress(id)));
    const heard: string[] = [];
    await s.backups.run('app', { onProgress: (p) => heard.push(`${p.stage} ${p.status?.percent ?? '-'}`) });
    expect(heard).toEqual(['stopping -', 'restic -', 'restic 50', 'starting -']);
    expect(asked).toEqual([
      {
        operation: 'backup',
        stage: 'restic',
        startedAt: '2026-12-01T00:00:00.000Z',
        status: { ...HALF, currentFiles: ['/vol/app/data'] },
      },
    ]);
    // done (or failed): nothing under way
    expect(s.backups.progress('app')).toBeNull();
    s.fail('backup');
    await expect(s.backups.run('app')).rejects.toThrow('restic died');
    expect(s.backups.progress('app')).toBeNull();
  });

  it('schedules daily backups when the first repository is made, unless a policy was set before', async () => {
    const s = await setup();
    expect(s.backups.policy('app').policy.schedule).toBe('off');
    await s.backups.run('app');
    const p = s.backups.policy('app');
    expect(p.policy).toEqual({
      schedule: expect.stringMatching(/^daily 0[1-4]:[0-5][0-9]$/),
      mode: 'stop',
      keep: { last: 0, daily: 7, weekly: 4, monthly: 6 },
    });
    expect(p.nextRun).not.toBeNull();
    // a compartment whose policy says off keeps it off when its repository is set
    await s.addCompartment('other', '{ data: {} }', ['data:/data']);
    s.backups.setPolicy('other', { schedule: 'off' });
    await s.backups.setRepository('other', { location: '/srv/backups/other' });
    expect(s.backups.policy('other').policy.schedule).toBe('off');
  });

  it('starts the units again when the snapshot fails', async () => {
    const s = await setup();
    s.fail('backup');
    await expect(s.backups.run('app')).rejects.toThrow('restic died');
    expect(s.log.slice(-2)).toEqual([expect.stringMatching(/^backup /), 'start web.service']);
    expect(s.store.snapshotsAt.has('app')).toBe(false);
  });

  it('restores: the snapshot into staging first, then stop, swap, start; a snapshot it cannot read changes nothing', async () => {
    const s = await setup();
    await s.backups.run('app');
    const snap = s.snaps[0]!;
    s.log.length = 0;
    const r = await s.backups.restore('app', snap.id.slice(0, 8));
    expect(r.restarted).toEqual(['web.service']);
    expect(r).not.toHaveProperty('into');
    expect(r.skipped).toEqual([]);
    expect(s.log.map((l) => l.split(' ')[0])).toEqual(['restore', 'stop', 'swap', 'start', 'rm']);
    expect(s.log[2]).toBe('swap /vol/app/data /h/qm-app/.local/share/containers/storage/volumes/systemd-pv/_data');
    s.log.length = 0;
    s.fail('restore');
    await expect(s.backups.restore('app', snap.id.slice(0, 8))).rejects.toThrow('pack damaged');
    expect(s.log.map((l) => l.split(' ')[0])).toEqual(['restore', 'rm']);
    await expect(s.backups.restore('app', 'x; rm')).rejects.toThrow(/is not a snapshot id/);
    await expect(s.backups.restore('app', 'ffffffff')).rejects.toThrow(/has no snapshot ffffffff/);
  });

  it("checks a restore with the compartment's probes; data they fail on is swapped back out", async () => {
    const s = await setup();
    const spec = `${SPEC}probes:\n  - { name: web, type: http, port: 8080, path: / }\n`;
    await s.compartments.applyState(parseSpecText(spec), { actor: 't' });
    expect(s.compartments.state('app').probes).toHaveLength(1);
    await s.backups.run('app');
    const snap = s.snaps.at(-1)!;
    s.log.length = 0;
    expect((await s.backups.restore('app', snap.id.slice(0, 8))).probes).toBe(1);
    // the restored data makes the app fail its probe: stopped again, the previous data swapped back, started
    s.hostOf('app').probeResult = () => ({ ok: false, detail: 'HTTP 500' });
    s.log.length = 0;
    await expect(s.backups.restore('app', snap.id.slice(0, 8))).rejects.toThrow(
      /failed compartment 'app''s probes after the restore \(probe 'web' failed: HTTP 500\); the previous data is back in place/,
    );
    expect(s.log.map((l) => l.split(' ')[0])).toEqual([
      'restore',
      'stop',
      'swap',
      'start',
      'stop',
      'swap',
      'start',
      'rm',
    ]);
    const [first, back] = s.swaps.slice(-2);
    // what was set aside the first time is what the second swap puts back
    expect(back!.dirs.map((d) => d.staged)).toEqual(first!.dirs.map((d) => d.aside));
    expect(back!.dirs.map((d) => d.path)).toEqual(first!.dirs.map((d) => d.path));
    expect(s.log.at(-1)).toBe('rm 3'); // the staging, the data set aside and the restored data that failed
  });

  it('lists nothing before the first backup, and says how to make one', async () => {
    const s = await setup();
    expect(await s.backups.list('app')).toEqual({ repository: null, snapshots: [] });
    await expect(s.backups.snapshots('app')).rejects.toThrow(/backup run app/);
  });

  it('keeps a policy: off by default, fields given replace the current ones, problems by field', async () => {
    const s = await setup();
    expect(s.backups.policy('app')).toEqual({
      compartment: 'app',
      policy: { schedule: 'off', mode: 'stop', keep: null },
      nextRun: null,
      lastRun: null,
      lastCheck: null,
    });
    const set = s.backups.setPolicy('app', { schedule: 'Daily 3:00', keep: { last: 2 } });
    expect(set.policy).toEqual({
      schedule: 'daily 03:00',
      mode: 'stop',
      keep: { last: 2, daily: 0, weekly: 0, monthly: 0 },
    });
    expect(set.nextRun).toBe('2026-12-01T03:00:00.000Z');
    expect(s.backups.setPolicy('app', { mode: 'live' }).policy).toMatchObject({
      schedule: 'daily 03:00',
      mode: 'live',
    });
    let error: unknown;
    try {
      s.backups.setPolicy('app', { schedule: 'daily 3', keep: { last: 0 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidError);
    expect((error as InvalidError).details?.issues).toEqual([
      { path: 'schedule', message: expect.stringMatching(/not a time/) },
      { path: 'keep', message: expect.stringMatching(/at least one/) },
    ]);
    expect(s.backups.policy('app').policy.mode).toBe('live'); // unchanged
    expect(() => s.backups.policy('nope')).toThrow(/nope/);
  });

  it("prunes with the compartment's tag and retention; refuses without a retention or a repository", async () => {
    const s = await setup();
    await expect(s.backups.prune('app')).rejects.toThrow(/no retention/);
    s.backups.setPolicy('app', { keep: { last: 1 } });
    await expect(s.backups.prune('app')).rejects.toThrow(/no backup repository/);
    await s.backups.run('app', { mode: 'live' });
    await s.backups.run('app', { mode: 'live' });
    const r = await s.backups.prune('app');
    expect(r.removed).toHaveLength(1);
    expect(r.kept).toHaveLength(1);
    expect(s.forgets).toEqual([{ tag: 'compartment=app', keep: { last: 1, daily: 0, weekly: 0, monthly: 0 } }]);
  });

  it('refuses a backup, prune or restore while an apply holds the lock; a scheduled run is busy and records nothing', async () => {
    const s = await setup();
    s.backups.setPolicy('app', { schedule: 'hourly', mode: 'live', keep: { last: 1 } });
    const release = await s.locks.acquire('app', false);
    await expect(s.backups.run('app')).rejects.toThrow(/already running/);
    await expect(s.backups.prune('app')).rejects.toThrow(/already running/);
    await expect(s.backups.restore('app', 'abababab')).rejects.toThrow(/already running/);
    expect(await s.backups.runScheduled('app')).toBe('busy');
    expect(s.backups.policy('app').lastRun).toBeNull();
    expect(s.log).toEqual([]);
    release();
    expect(await s.backups.runScheduled('app')).toMatchObject({ result: 'ok' });
    // the lock is free again afterwards
    (await s.locks.acquire('app', false))();
  });

  it("a scheduled run backs up in the policy's mode, prunes, and records the outcome; the next run moves on", async () => {
    const s = await setup();
    s.backups.setPolicy('app', { schedule: 'hourly', mode: 'live', keep: { last: 1 } });
    s.advance(3_600_000);
    s.log.length = 0;
    const ok = await s.backups.runScheduled('app');
    expect(ok).toEqual({
      at: '2026-12-01T01:00:00.000Z',
      finishedAt: '2026-12-01T01:00:00.000Z',
      result: 'ok',
      snapshot: s.snaps[0]!.id,
      removed: 0,
      kept: 1,
      checked: true,
    });
    expect(s.log.map((l) => l.split(' ')[0])).toEqual(['init', 'backup', 'forget', 'check']);
    expect(s.log[1]).toContain('mode=live');
    expect(s.backups.policy('app')).toMatchObject({
      lastRun: ok,
      nextRun: '2026-12-01T02:00:00.000Z',
      lastCheck: { at: '2026-12-01T01:00:00.000Z', ok: true, output: 'no errors were found' },
    });
  });

  it('checks the repository weekly after a scheduled backup; a check that finds problems fails the run', async () => {
    const s = await setup();
    s.backups.setPolicy('app', { schedule: 'hourly' });
    s.advance(3_600_000);
    expect(await s.backups.runScheduled('app')).toMatchObject({ result: 'ok', checked: true });
    // an hour later: no check due
    s.advance(3_600_000);
    s.log.length = 0;
    const next = await s.backups.runScheduled('app');
    expect(next).toMatchObject({ result: 'ok' });
    expect(next).not.toHaveProperty('checked');
    expect(s.log).not.toContain('check');
    // a week after the check: checked again, and its problems fail the run (the snapshot was saved)
    s.advance(7 * 24 * 3_600_000);
    s.checkAnswers({
      ok: false,
      output: 'using temporary cache\nerror: pack 1234 contained 1 damaged blob\nFatal: repository contains errors',
    });
    expect(await s.backups.runScheduled('app')).toMatchObject({
      result: 'failed',
      stage: 'check',
      checked: true,
      snapshot: expect.any(String),
      error:
        'restic check found problems: using temporary cache | error: pack 1234 contained 1 damaged blob | Fatal: repository contains errors',
    });
    expect(s.backups.policy('app').lastCheck).toMatchObject({ ok: false });
    // a check asked for is recorded too
    s.checkAnswers({ ok: true, output: 'no errors were found' });
    expect((await s.backups.check('app')).ok).toBe(true);
    expect(s.backups.policy('app').lastCheck).toMatchObject({ ok: true });
  });

  it('records a failed backup (no prune) and a failed prune after a saved snapshot', async () => {
    const s = await setup();
    s.backups.setPolicy('app', { schedule: 'daily 03:00', keep: { last: 1 } });
    s.fail('forget');
    expect(await s.backups.runScheduled('app')).toMatchObject({
      result: 'failed',
      stage: 'prune',
      error: 'repository locked',
      snapshot: expect.any(String),
    });
    s.fail('backup');
    s.log.length = 0;
    expect(await s.backups.runScheduled('app')).toMatchObject({
      result: 'failed',
      stage: 'backup',
      error: 'restic died',
    });
    expect(s.log.some((l) => l.startsWith('forget'))).toBe(false);
    expect(s.backups.policy('app').lastRun).toMatchObject({ stage: 'backup' });
  });
});

describe('restore into another compartment', () => {
  const REPO = '/h/qm-app/.local/share/quadletman/restic';
  const PV = (id: string) => `/h/qm-${id}/.local/share/containers/storage/volumes/systemd-pv/_data`;

  async function withSnapshot() {
    const s = await setup();
    await s.backups.run('app');
    s.log.length = 0;
    return { s, snap: s.snaps[0]! };
  }

  it("maps the snapshot's volumes by name; restic runs as the target, into staging in its home, the source's repository readable only meanwhile; the target's units stop and start", async () => {
    const { s, snap } = await withSnapshot();
    await s.addCompartment('dst', '{ data: {}, pv: { kind: podman }, extra: {} }', ['data:/data', 'pv.volume:/pv']);
    s.log.length = 0;
    const r = await s.backups.restore('app', snap.id.slice(0, 8), { into: 'dst' });
    expect(r).toMatchObject({
      compartment: 'app',
      into: 'dst',
      snapshot: snap.id,
      restored: ['/vol/dst/data', PV('dst')],
      skipped: [],
      restarted: ['web.service'],
    });
    const staging = expect.stringMatching(/^\/h\/qm-dst\/\.local\/share\/quadletman\/restore-/);
    expect(s.log).toEqual([
      `grant app dst ${REPO}`,
      expect.stringMatching(/^restore \S+ \/h\/qm-dst\/\.local\/share\/quadletman\/restore-\S+ as dst read-only$/),
      `revoke app dst ${REPO}`,
      'stop@dst web.service',
      `swap /vol/dst/data ${PV('dst')}`,
      'start@dst web.service',
      'rm 2',
    ]);
    // the source's staged folders go into the target's volumes of the same names
    const [swap] = s.swaps;
    expect(swap!.id).toBe('dst');
    const stagedAt = s.log[1]!.split(' ')[2]!;
    expect(swap!.dirs).toEqual([
      { path: '/vol/dst/data', staged: `${stagedAt}/vol/app/data`, aside: staging },
      { path: PV('dst'), staged: `${stagedAt}${PV('app')}`, aside: staging },
    ]);
  });

  it('skips the volumes the target does not declare, and names them', async () => {
    const { s, snap } = await withSnapshot();
    await s.addCompartment('dst', '{ data: {}, cache: {} }', ['data:/data']);
    s.log.length = 0;
    const r = await s.backups.restore('app', snap.id, { into: 'dst' });
    expect(r.restored).toEqual(['/vol/dst/data']);
    expect(r.skipped).toEqual(['pv']);
    expect(s.swaps[0]!.dirs.map((d) => d.path)).toEqual(['/vol/dst/data']);
  });

  it('refuses a target with none of the volumes, naming both sides, before anything runs', async () => {
    const { s, snap } = await withSnapshot();
    await s.addCompartment('dst', '{ cache: {} }', ['cache:/cache']);
    s.log.length = 0;
    const e = await s.backups.restore('app', snap.id, { into: 'dst' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidError);
    expect((e as Error).message).toMatch(/holds the volumes data, pv; compartment 'dst' declares cache/);
    expect(s.log).toEqual([]);
  });

  it("takes both compartments' apply locks (the source's first) and releases both; refused while either is held", async () => {
    const { s, snap } = await withSnapshot();
    await s.addCompartment('dst', '{ data: {} }', ['data:/data']);
    const order: string[] = [];
    const acquire = s.locks.acquire.bind(s.locks);
    s.locks.acquire = async (id, wait) => {
      order.push(id);
      return acquire(id, wait);
    };
    const held: string[] = [];
    s.onRestore(() => {
      for (const id of ['app', 'dst']) void acquire(id, false).catch(() => held.push(id));
    });
    await s.backups.restore('app', snap.id, { into: 'dst' });
    await new Promise((res) => setTimeout(res, 0));
    expect(order).toEqual(['app', 'dst']);
    expect(held).toEqual(['app', 'dst']);
    for (const id of ['app', 'dst']) (await s.locks.acquire(id, false))();
    s.onRestore(() => {});
    for (const busy of ['dst', 'app']) {
      s.log.length = 0;
      const release = await s.locks.acquire(busy, false);
      await expect(s.backups.restore('app', snap.id, { into: 'dst' })).rejects.toThrow(/already running/);
      expect(s.log).toEqual([]);
      release();
      // the other lock was released too
      for (const id of ['app', 'dst']) (await s.locks.acquire(id, false))();
    }
  });

  it('removes the read access even when the restore or the grant fails; the target is left as it was', async () => {
    const { s, snap } = await withSnapshot();
    await s.addCompartment('dst', '{ data: {} }', ['data:/data']);
    s.log.length = 0;
    s.fail('restore');
    await expect(s.backups.restore('app', snap.id, { into: 'dst' })).rejects.toThrow('pack damaged');
    expect(s.log.map((l) => l.split(' ')[0])).toEqual(['grant', 'restore', 'revoke', 'rm']);
    s.log.length = 0;
    s.fail('grant');
    await expect(s.backups.restore('app', snap.id, { into: 'dst' })).rejects.toThrow('setfacl: not found');
    expect(s.log.map((l) => l.split(' ')[0])).toEqual(['grant', 'revoke', 'rm']);
    expect(s.swaps).toEqual([]);
  });

  it('refuses a repository outside the source home, before anything runs (its user could not open it)', async () => {
    const s = await setup();
    s.store.add('app', '/srv/backups/app', 'pw');
    await s.backups.run('app');
    await s.addCompartment('dst', '{ data: {} }', ['data:/data']);
    s.log.length = 0;
    await expect(s.backups.restore('app', s.snaps[0]!.id, { into: 'dst' })).rejects.toThrow(
      /into: compartment 'app' keeps its repository at \/srv\/backups\/app, outside its home/,
    );
    expect(s.log).toEqual([]);
    // into itself, the same repository restores
    await s.backups.restore('app', s.snaps[0]!.id);
    expect(s.log.map((l) => l.split(' ')[0])).toEqual(['restore', 'stop', 'swap', 'start', 'rm']);
  });

  it('checks `into`: a compartment id, one that exists; the compartment itself is the plain restore', async () => {
    const { s, snap } = await withSnapshot();
    await expect(s.backups.restore('app', snap.id, { into: 'Not An Id' })).rejects.toThrow(/at into/);
    await expect(s.backups.restore('app', snap.id, { into: 'nope' })).rejects.toThrow(/no compartment 'nope'/);
    expect(s.log).toEqual([]);
    const r = await s.backups.restore('app', snap.id, { into: 'app' });
    expect(r).not.toHaveProperty('into');
    expect(s.log.map((l) => l.split(' ')[0])).toEqual(['restore', 'stop', 'swap', 'start', 'rm']);
    expect(s.log[0]).toMatch(/ as app$/);
  });
});

describe('browse a snapshot, restore single files', () => {
  const DATA = '/vol/app/data';

  it("lists the snapshot's folders at /, a folder inside them through restic; refuses other paths by field", async () => {
    const s = await setup();
    await s.backups.run('app', { mode: 'live' });
    const snap = s.snaps[0]!;
    s.log.length = 0;
    const top = await s.backups.browse('app', snap.id.slice(0, 8), '/');
    expect(top.snapshot).toBe(snap.id);
    expect(top.entries.map((e) => [e.name, e.type, e.size])).toEqual(snap.paths.map((p) => [p, 'dir', null]));
    expect(s.log).toEqual([]);
    const dir = await s.backups.browse('app', snap.id.slice(0, 8), `${DATA}/www`);
    expect(dir).toMatchObject({ path: `${DATA}/www`, truncated: false, entries: [{ name: 'a.txt', size: 5 }] });
    expect(s.log).toEqual([`ls ${snap.id} ${DATA}/www as app`]);
    for (const bad of [
      'data',
      `${DATA}/../../etc`,
      `${DATA}//x`,
      `${DATA}/`,
      `${DATA}/./x`,
      `${DATA}/a\nb`,
      '/etc',
      '/vol/app/database',
    ]) {
      const e = await s.backups.browse('app', snap.id, bad).catch((x: unknown) => x);
      expect(e, bad).toBeInstanceOf(InvalidError);
      expect((e as InvalidError).message, bad).toMatch(/^path: /);
    }
    expect(s.log).toHaveLength(1);
    await expect(s.backups.browse('app', 'x; rm', '/')).rejects.toThrow(/is not a snapshot id/);
    await expect(s.backups.browse('app', 'ffffffff', '/')).rejects.toThrow(/has no snapshot ffffffff/);
    // another compartment's snapshot in the same repository is not this one's
    s.snaps.push({ ...snap, id: 'cd'.repeat(8), tags: ['compartment=other'] });
    await expect(s.backups.browse('app', 'cdcdcdcd', '/')).rejects.toThrow(/has no snapshot cdcdcdcd/);
  });

  it('restores a file into staging, puts it over the live one with the previous kept beside it, removes staging', async () => {
    const s = await setup();
    await s.backups.run('app', { mode: 'live' });
    const snap = s.snaps[0]!;
    s.log.length = 0;
    const r = await s.backups.restoreFile('app', snap.id.slice(0, 8), `${DATA}/www/index.html`);
    const staging = '/h/qm-app/.local/share/quadletman/restore-file-2026-12-01T00-00-00-000Z';
    const previous = `${DATA}/www/index.html.before-restore-2026-12-01T00-00-00-000Z`;
    expect(r).toEqual({
      snapshot: snap.id,
      path: `${DATA}/www/index.html`,
      restored: `${DATA}/www/index.html`,
      previous,
    });
    expect(s.log).toEqual([
      `restore-files ${snap.id} ${staging} ${DATA}/www/index.html as app`,
      `put ${staging}${DATA}/www/index.html ${DATA}/www/index.html ${previous} as app`,
      'rm 1',
    ]);
    // nothing stopped: no stop or start in the log; a Podman volume's file too
    const pv = snap.paths[1]!;
    s.putAnswers('created');
    const made = await s.backups.restoreFile('app', snap.id, `${pv}/x`);
    expect(made).toEqual({ snapshot: snap.id, path: `${pv}/x`, restored: `${pv}/x` });
    // nothing staged (the snapshot has no such path): not found, staging removed
    s.log.length = 0;
    s.putAnswers('missing');
    await expect(s.backups.restoreFile('app', snap.id, `${DATA}/nope`)).rejects.toThrow(
      /holds no \/vol\/app\/data\/nope/,
    );
    expect(s.log.map((l) => l.split(' ')[0])).toEqual(['restore-files', 'put', 'rm']);
    // restic fails: nothing put in place
    s.log.length = 0;
    s.fail('restore');
    await expect(s.backups.restoreFile('app', snap.id, `${DATA}/a.txt`)).rejects.toThrow('pack damaged');
    expect(s.log.map((l) => l.split(' ')[0])).toEqual(['restore-files', 'rm']);
  });

  it('refuses a whole volume, a path outside the volumes, a bad path, and while an apply runs', async () => {
    const s = await setup();
    await s.backups.run('app', { mode: 'live' });
    const snap = s.snaps[0]!;
    s.log.length = 0;
    await expect(s.backups.restoreFile('app', snap.id, DATA)).rejects.toThrow(/whole volume/);
    await expect(s.backups.restoreFile('app', snap.id, `${snap.paths[2]}/web.container`)).rejects.toThrow(
      /not inside a volume/,
    );
    await expect(s.backups.restoreFile('app', snap.id, `${DATA}/../x`)).rejects.toThrow(/^path: .*normalized/);
    await expect(s.backups.restoreFile('app', snap.id, `${DATA}/a\u007f`)).rejects.toThrow(/control character/);
    const release = await s.locks.acquire('app', false);
    await expect(s.backups.restoreFile('app', snap.id, `${DATA}/a.txt`)).rejects.toThrow(/already running/);
    release();
    // a volume the compartment no longer declares
    const without = SPEC.replace(', "pv.volume:/pv"', '').replace(', pv: { kind: podman }', '');
    await s.compartments.applyState(parseSpecText(without), { actor: 't' });
    await expect(s.backups.restoreFile('app', snap.id, `${snap.paths[1]}/x`)).rejects.toThrow(
      /in the volume pv, which compartment 'app' no longer declares/,
    );
    expect(s.log.filter((l) => !/^(stop|start) /.test(l))).toEqual([]);
  });
});
