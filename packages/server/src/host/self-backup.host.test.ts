// quadletman's own state with real restic in the sandbox host, as root: a backup while the database is open,
// then the database, a configuration file and the CA's folder changed or lost, then a restore (the server
// stopped) that brings each back as it was, owner and mode too, keeping the ones it replaced, the database owned
// as its folder is; a restore refused while the server runs, and one from a damaged repository, change nothing.
// The same to an SFTP repository (the sandbox's sshd, root's own key) and a REST server (`rclone serve restic`,
// its password only in root's 0600 files, nowhere in what the status answers). A state folder others may write in,
// and a key file that is not root's 0600, are refused.
// Changes on the machine: a test folder, the user qmt-selfstore, a transient unit running the REST server.
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { verifyDatabase } from '../cli/commands/self-backup.js';
import { damageRepository } from '../core/service/backups.host-test-support.js';
import { Store } from '../store/index.js';
import { hostExec } from './exec.js';
import { SELF_BACKUP_UNIT, SelfBackups } from './self-backup.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const ROOT = '/var/lib/quadletman-test-self';
const DATA = `${ROOT}/data`;
const DB = `${DATA}/quadletman.db`;
const ETC = `${ROOT}/etc`;
const PKI = `${ROOT}/pki`;
const STATE = `${ROOT}/state`;
const STORE = 'qmt-selfstore';
const STORE_HOME = `/home/${STORE}`;
const REST_PORT = 18766;
const REST_UNIT = 'qmt-self-rest';
const REST_SECRET = 'Self-rest-s3cret9';

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
    self = new SelfBackups({
      exec: hostExec,
      dbPath: DB,
      stateDir: STATE,
      configDir: ETC,
      edgePki: PKI,
    });
  });
  afterAll(async () => {
    await hostExec.run(['systemctl', 'stop', 'quadletman.service', `${REST_UNIT}.service`], { expectCodes: [0, 5] });
    await hostExec.run(['loginctl', 'terminate-user', STORE], { expectCodes: [0, 1] });
    await hostExec.run(['pkill', '-KILL', '-u', STORE], { expectCodes: [0, 1] });
    await hostExec.run(['userdel', '-f', '-r', STORE], { expectCodes: [0, 6, 12] });
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
    // the daily timer's run does nothing before a repository is set
    expect(await self.run((target) => store.copyTo(target), { scheduled: true })).toBeUndefined();
    expect(existsSync(STATE)).toBe(false);
    const r = (await self.run((target) => store.copyTo(target)))!;
    expect(r.repository?.location).toBe(`${STATE}/restic`);
    expect(r.repository?.password).toMatch(/^[0-9a-f]{64}$/);
    expect(r.paths).toEqual([`${STATE}/self-backup-stage`, ETC, PKI]);
    expect(existsSync(`${STATE}/self-backup-stage`)).toBe(false);
    expect((await stat(`${STATE}/key.json`)).mode & 0o777).toBe(0o600);
    expect((await stat(STATE)).mode & 0o777).toBe(0o700);
    snapshot = r.snapshot;
    // a second backup: the same repository, no password shown; the run is recorded for the web page
    expect((await self.run((target) => store.copyTo(target)))?.repository).toBeUndefined();
    const status = await self.status();
    expect(status.repository).toMatchObject({ location: `${STATE}/restic`, kind: 'local' });
    expect(status.snapshots).toHaveLength(2);
    expect(status.lastRun).toMatchObject({ ok: true, scheduled: false });
    expect(status.schedule.running).toBe(false);
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
    // the server's folder is its own user's: the restored database becomes that user's too
    await chown(DATA, 4243, 4243);

    const restored = await self.restore(snapshot.slice(0, 8), verifyDatabase);
    expect(restored.restored.map((p) => p.path)).toEqual([DB, `${ETC}/layout.json`, PKI]);
    const db = auditActions(DB);
    expect(db.users).toEqual(['alice']);
    expect(db.actions).toContain('before');
    expect(db.actions).not.toContain('after');
    expect((await stat(DB)).uid).toBe(4243);
    expect(await readFile(`${ETC}/layout.json`, 'utf8')).toBe('{"dataDir":"/srv/q"}\n');
    const key = await stat(`${PKI}/authorities/local/root.key`);
    expect([key.uid, key.gid, key.mode & 0o777]).toEqual([4242, 4242, 0o600]);
    expect(await readFile(`${PKI}/authorities/local/root.key`, 'utf8')).toBe('KEY\n');
    // the ones replaced are kept beside, and no staging is left
    const previous = restored.restored.find((p) => p.path === DB)!.previous!;
    expect(auditActions(previous).actions).toContain('after');
    expect((await readdir(STATE)).filter((n) => n.startsWith('restore-'))).toEqual([]);
  }, 300_000);

  it('refuses to restore while the server runs, and from a damaged repository; nothing changes', async () => {
    const before = await readFile(DB);
    await hostExec.run(['systemd-run', '--unit=quadletman', '--', 'sleep', '300'], { timeoutMs: 30_000 });
    await expect(self.restore(snapshot.slice(0, 8), verifyDatabase)).rejects.toThrow(
      /the server is running: stop it first/,
    );
    await hostExec.run(['systemctl', 'stop', 'quadletman.service'], { expectCodes: [0, 5] });

    await damageRepository(hostExec, `${STATE}/restic`);
    await expect(self.restore(snapshot.slice(0, 8), verifyDatabase)).rejects.toThrow();
    expect((await readFile(DB)).equals(before)).toBe(true);
    expect((await readdir(STATE)).filter((n) => n.startsWith('restore-'))).toEqual([]);
  }, 300_000);

  it("backs up over SFTP with root's own key, and to a REST server whose password only root's files hold", async () => {
    const store = Store.open({ path: DB });
    const copy = (target: string) => store.copyTo(target);
    try {
      // SFTP: a storage user on the sandbox's sshd
      const run = (argv: string[], codes = [0]) => hostExec.run(argv, { expectCodes: codes, timeoutMs: 60_000 });
      await run(['systemctl', 'start', 'ssh.service']);
      await run(['userdel', '-f', '-r', STORE], [0, 6, 12]);
      await run(['useradd', '-m', '-d', STORE_HOME, '-s', '/bin/sh', STORE]);
      await expect(self.setRepository(`sftp:${STORE}@127.0.0.1:self`)).rejects.toThrow(/replace it to use/);
      const set = await self.setRepository(`sftp:${STORE}@127.0.0.1:self`, { replace: true });
      // the key file replaced is kept beside: its password still opens the local repository
      expect(set.previousKeyFile).toMatch(new RegExp(`^${STATE}/key\\.json\\.replaced-`));
      expect(JSON.parse(await readFile(set.previousKeyFile!, 'utf8')).location).toBe(`${STATE}/restic`);
      expect(set.view.publicKey).toMatch(/^ssh-ed25519 \S+ quadletman-self-backup$/);
      expect(set.view.hostKeys?.join('\n')).toMatch(/SHA256:/);
      // not accepted by the remote user yet: refused in ssh's or restic's words, and recorded as failed
      await expect(self.run(copy)).rejects.toThrow(/Permission denied|unable to start the sftp session/i);
      expect((await self.lastRun())?.ok).toBe(false);
      const ssh = `${STORE_HOME}/.ssh`;
      await mkdir(ssh, { recursive: true, mode: 0o700 });
      await writeFile(`${ssh}/authorized_keys`, `${set.view.publicKey}\n`, { mode: 0o600 });
      await run(['chown', '-R', `${STORE}:${STORE}`, ssh]);
      const sftp = (await self.run(copy))!;
      expect(sftp.repository?.password).toBe(set.password);
      expect((await run(['stat', '-c', '%U', `${STORE_HOME}/self/config`])).stdout.trim()).toBe(STORE);
      expect((await self.snapshots()).map((x) => x.id)).toEqual([sftp.snapshot]);

      // REST, with a user and password
      await run([
        'systemd-run',
        `--unit=${REST_UNIT}`,
        '--',
        'rclone',
        'serve',
        'restic',
        '--addr',
        `127.0.0.1:${REST_PORT}`,
        '--user',
        'keeper',
        '--pass',
        REST_SECRET,
        `${ROOT}/served`,
      ]);
      for (let i = 0; i < 100; i++) {
        const up = await run(
          ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${REST_PORT}/`],
          [0, 7],
        );
        if (up.stdout === '401') break;
        await new Promise((res) => setTimeout(res, 100));
      }
      await expect(
        self.setRepository(`rest:http://127.0.0.1:${REST_PORT}/self`, {
          replace: true,
          credentials: { user: 'keeper', secret: 'has space' },
        }),
      ).rejects.toThrow(/credentials: secret/);
      const rest = await self.setRepository(`rest:http://127.0.0.1:${REST_PORT}/self`, {
        replace: true,
        credentials: { user: 'keeper', secret: REST_SECRET },
      });
      expect(rest.view).toMatchObject({ kind: 'rest', user: 'keeper' });
      const file = await stat(`${STATE}/repository-url`);
      expect([file.uid, file.mode & 0o777]).toEqual([0, 0o600]);
      expect(await readFile(`${STATE}/key.json`, 'utf8')).toContain(REST_SECRET);
      expect(await readFile(`${STATE}/repository-url`, 'utf8')).toContain(REST_SECRET);
      const done = (await self.run(copy))!;
      expect((await self.snapshots()).map((x) => x.id)).toEqual([done.snapshot]);
      // the secret is in no answer: not the status, not the last run
      expect(JSON.stringify(await self.status())).not.toContain(REST_SECRET);
      expect(await readFile(`${STATE}/last-run.json`, 'utf8')).not.toContain(REST_SECRET);
      // the timer's runs prune to SELF_KEEP: of five snapshots of one day, the last 3 and (restic fills the daily,
      // weekly and monthly buckets it has no other day for with the oldest) the first; a run by hand prunes nothing
      const ids = [done.snapshot];
      for (let i = 0; i < 4; i++) ids.push((await self.run(copy, { scheduled: true }))!.snapshot);
      const kept = (await self.snapshots()).map((x) => x.id);
      expect(kept).toEqual([ids[0], ids[2], ids[3], ids[4]]);
      expect(await self.lastRun()).toMatchObject({ ok: true, scheduled: true, removed: 1 });
      expect((await self.status()).repository).toMatchObject({ kind: 'rest', user: 'keeper' });
    } finally {
      store.close();
    }
  }, 300_000);

  it("refuses a state folder others may write in, and a key file that is not root's 0600", async () => {
    const state = `${ROOT}/state2`;
    const other = new SelfBackups({ exec: hostExec, dbPath: DB, stateDir: state });
    await other.setRepository(`${ROOT}/repo2`);
    await chown(`${state}/key.json`, 4243, 4243);
    await expect(other.repository()).rejects.toThrow(/is not a file of this user's, mode 0600/);
    await chown(`${state}/key.json`, 0, 0);
    await chmod(`${state}/key.json`, 0o644);
    await expect(other.repository()).rejects.toThrow(/is not a file of this user's, mode 0600/);
    await chmod(`${state}/key.json`, 0o600);
    expect((await other.repository())?.location).toBe(`${ROOT}/repo2`);
    await chmod(state, 0o777);
    await expect(other.setRepository(`${ROOT}/x`, { replace: true })).rejects.toThrow(/only it may write in/);
  });

  it('reads the daily timer from systemd', async () => {
    expect((await self.schedule()).installed).toBe(false);
    const unit = `/run/systemd/system/${SELF_BACKUP_UNIT}`;
    await writeFile(`${unit}.service`, '[Service]\nType=oneshot\nExecStart=/bin/true\n');
    await writeFile(`${unit}.timer`, '[Timer]\nOnCalendar=*-*-* 03:30:00 UTC\n[Install]\nWantedBy=timers.target\n');
    try {
      await hostExec.run(['systemctl', 'daemon-reload']);
      await hostExec.run(['systemctl', 'enable', '--now', `${SELF_BACKUP_UNIT}.timer`]);
      const s = await self.schedule();
      expect(s).toMatchObject({ installed: true, running: false });
      expect(s.next).toMatch(/T03:30:00\.000Z$/);
      // a oneshot service is `activating` while it runs: that is running
      await writeFile(`${unit}.service`, '[Service]\nType=oneshot\nExecStart=/bin/sleep 30\n');
      await hostExec.run(['systemctl', 'daemon-reload']);
      await hostExec.run(['systemctl', 'start', '--no-block', `${SELF_BACKUP_UNIT}.service`]);
      await expect.poll(async () => (await self.schedule()).running, { timeout: 10_000 }).toBe(true);
      await expect(self.restore('abcdef12', verifyDatabase)).rejects.toThrow(/is backing up now/);
    } finally {
      await hostExec.run(['systemctl', 'stop', `${SELF_BACKUP_UNIT}.service`], { expectCodes: [0, 5] });
      await hostExec.run(['systemctl', 'disable', '--now', `${SELF_BACKUP_UNIT}.timer`], { expectCodes: [0, 5] });
      await rm(`${unit}.service`, { force: true });
      await rm(`${unit}.timer`, { force: true });
      await hostExec.run(['systemctl', 'daemon-reload']);
    }
  });
});
