// quadletman's own state with real restic in the sandbox host, as root: a backup while the database is open,
// then the database, a configuration file and the CA's folder changed or lost, then a restore (the server
// stopped) that brings each back as it was, owner and mode too, keeping the ones it replaced; a restore refused
// while the server runs, and one from a damaged repository, change nothing.
import { existsSync } from 'node:fs';
import { chown, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDatabase } from '../cli/commands/self-backup.js';
import { damageRepository } from '../core/service/backups.host-test-support.js';
import { Store } from '../store/index.js';
import { hostExec } from './exec.js';
import { SelfBackups } from './self-backup.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const ROOT = '/var/lib/quadletman-test-self';
const DATA = `${ROOT}/data`;
const DB = `${DATA}/quadletman.db`;
const ETC = `${ROOT}/etc`;
const PKI = `${ROOT}/pki`;

const auditActions = (path: string) => {
  const s = Store.open({ path });
  try {
    return { actions: s.audit.list({ limit: 100 }).map((e) => e.action), users: s.users.list().map((u) => u.username) };
  } finally {
    s.close();
  }
};

describe.skipIf(!onHost)("quadletman's own state with restic, for real", () => {
  let self: SelfBackups;
  let snapshot = '';

  beforeAll(async () => {
    await rm(ROOT, { recursive: true, force: true });
    await mkdir(DATA, { recursive: true, mode: 0o700 });
    await mkdir(ETC, { recursive: true });
    await mkdir(`${PKI}/authorities/local`, { recursive: true, mode: 0o700 });
    await writeFile(`${ETC}/layout.json`, '{"dataDir":"/srv/q"}\n');
    await writeFile(`${PKI}/authorities/local/root.key`, 'KEY\n', { mode: 0o600 });
    await chown(`${PKI}/authorities/local/root.key`, 4242, 4242);
    self = new SelfBackups({ exec: hostExec, dataDir: DATA, dbPath: DB, configDir: ETC, edgePki: PKI });
  });
  afterAll(async () => {
    await hostExec.run(['systemctl', 'stop', 'quadletman.service'], { expectCodes: [0, 5] });
    await rm(ROOT, { recursive: true, force: true });
  });

  it('backs up while the database is open, and restores the database, configuration and CA as they were', async () => {
    const store = Store.open({ path: DB });
    store.users.create({ username: 'alice', kind: 'local' });
    store.audit.append({
      actor: 't',
      actorKind: 'cli',
      address: 'local',
      action: 'before',
      target: 'x',
      compartment: null,
      result: 'ok',
    });
    const r = await self.run((target) => store.copyTo(target));
    expect(r.repository?.location).toBe(`${DATA}/self-backups`);
    expect(r.repository?.password).toMatch(/^[0-9a-f]{64}$/);
    expect(r.paths).toEqual([`${DATA}/self-backup-stage`, ETC, PKI]);
    expect(existsSync(`${DATA}/self-backup-stage`)).toBe(false);
    expect((await stat(`${DATA}/self-backup.json`)).mode & 0o777).toBe(0o600);
    snapshot = r.snapshot;
    // a second backup: the same repository, no password shown
    expect((await self.run((target) => store.copyTo(target))).repository).toBeUndefined();
    expect((await self.snapshots()).map((s) => s.tags)).toEqual([['quadletman-self'], ['quadletman-self']]);

    // afterwards: more in the database, the configuration file lost, the CA's key changed
    store.users.create({ username: 'mallory', kind: 'local' });
    store.audit.append({
      actor: 't',
      actorKind: 'cli',
      address: 'local',
      action: 'after',
      target: 'x',
      compartment: null,
      result: 'ok',
    });
    store.close();
    await rm(`${ETC}/layout.json`);
    await writeFile(`${PKI}/authorities/local/root.key`, 'OTHER\n');

    const restored = await self.restore(snapshot.slice(0, 8), verifyDatabase);
    expect(restored.restored.map((p) => p.path)).toEqual([DB, `${ETC}/layout.json`, PKI]);
    const db = auditActions(DB);
    expect(db.users).toEqual(['alice']);
    expect(db.actions).toContain('before');
    expect(db.actions).not.toContain('after');
    expect(await readFile(`${ETC}/layout.json`, 'utf8')).toBe('{"dataDir":"/srv/q"}\n');
    const key = await stat(`${PKI}/authorities/local/root.key`);
    expect([key.uid, key.gid, key.mode & 0o777]).toEqual([4242, 4242, 0o600]);
    expect(await readFile(`${PKI}/authorities/local/root.key`, 'utf8')).toBe('KEY\n');
    // the ones replaced are kept beside, and no staging is left
    const previous = restored.restored.find((p) => p.path === DB)!.previous!;
    expect(auditActions(previous).actions).toContain('after');
    expect((await readdir(DATA)).filter((n) => n.startsWith('self-restore-'))).toEqual([]);
  }, 300_000);

  it('refuses to restore while the server runs, and from a damaged repository; nothing changes', async () => {
    const before = await readFile(DB);
    await hostExec.run(['systemd-run', '--unit=quadletman', '--', 'sleep', '300'], { timeoutMs: 30_000 });
    await expect(self.restore(snapshot.slice(0, 8), verifyDatabase)).rejects.toThrow(
      /the server is running: stop it first/,
    );
    await hostExec.run(['systemctl', 'stop', 'quadletman.service'], { expectCodes: [0, 5] });

    await damageRepository(hostExec, `${DATA}/self-backups`);
    await expect(self.restore(snapshot.slice(0, 8), verifyDatabase)).rejects.toThrow();
    expect((await readFile(DB)).equals(before)).toBe(true);
    expect((await readdir(DATA)).filter((n) => n.startsWith('self-restore-'))).toEqual([]);
  }, 300_000);
});
