import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HelperClient } from '../../host/helper/client.js';
import type { SelfBackupStatus } from '../../host/self-backup.js';
import {
  cliJson,
  disposeBusybox,
  fetchPage,
  importBusybox,
  makeDataDir,
  runCli,
  snapshotCli,
  stackSpec,
  startCli,
} from '../host-test-support.js';
import { LAYOUT_FILE } from '../installed-layout.js';

// Runs inside the sandbox host (npm run test:host): `quadletman install` writes and starts real system units: the
// privileged helper's socket and the server as its own unprivileged user, which serves /healthz and prints the
// setup token to the journal; the units are removed afterwards. An install from before the server ran without root
// (compartment homes inside the data folder, the server as root) is upgraded in place: the database moves out, the
// containers keep running, and the unprivileged server and the CLI without options go on with its compartments.
const ROOT = resolve(__dirname, '../../../../..');
const BIN = join(ROOT, 'bin/quadletman');
const UNIT_DIR = '/etc/systemd/system';
const UNIT = `${UNIT_DIR}/quadletman.service`;
const PORT = 18181;

const sh = (...argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });

function uninstall(): void {
  spawnSync('systemctl', [
    'disable',
    '--now',
    'quadletman.service',
    'quadletman-helper.socket',
    'quadletman-edge.service',
    'quadletman-self-backup.timer',
  ]);
  spawnSync('rm', [
    '-rf',
    `${UNIT_DIR}/quadletman-self-backup.service`,
    `${UNIT_DIR}/quadletman-self-backup.timer`,
    '/var/lib/quadletman-self-backup',
  ]);
  spawnSync('rm', [
    '-f',
    UNIT,
    `${UNIT_DIR}/quadletman-helper.socket`,
    `${UNIT_DIR}/quadletman-helper@.service`,
    `${UNIT_DIR}/quadletman-edge.service`,
  ]);
  spawnSync('rm', ['-f', LAYOUT_FILE]);
  spawnSync('systemctl', ['daemon-reload']);
}

const install = (dataDir: string, port: number, ...more: string[]) =>
  spawnSync(BIN, ['--data-dir', dataDir, 'install', '--listen', `127.0.0.1:${port}`, ...more], {
    encoding: 'utf8',
    cwd: ROOT,
  });

/** The server's /healthz once it answers (it may take a while to start). */
async function health(port: number): Promise<unknown> {
  for (let i = 0; i < 120; i++) {
    const h = await fetch(`http://127.0.0.1:${port}/healthz`)
      .then((res) => res.json())
      .catch(() => undefined);
    if (h !== undefined) return h;
    await new Promise((res) => setTimeout(res, 500));
  }
  return undefined;
}

const serverUid = () => {
  const pid = sh('systemctl', 'show', '-P', 'MainPID', 'quadletman.service').trim();
  return Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
};

describe.runIf(process.env.QUADLETMAN_SANDBOX === '1')('quadletman install', () => {
  afterAll(uninstall);

  it('writes, enables and starts quadletman.service as the user quadletman with the helper, which answers /healthz', async () => {
    // not under /var/tmp: the server's unit gives it a private one
    const dataDir = mkdtempSync('/var/lib/qm-install-');
    const r = install(dataDir, PORT);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(UNIT)).toBe(true);
    const text = readFileSync(UNIT, 'utf8');
    expect(text).toContain(
      `ExecStart=${BIN} --data-dir ${dataDir} --homes-dir ${dataDir}-homes --volumes-dir ${dataDir}-volumes serve --listen 127.0.0.1:${PORT} --helper /run/quadletman/helper.sock`,
    );
    expect(text).toMatch(/^User=quadletman$/m);
    expect(text).toMatch(/^CapabilityBoundingSet=$/m);
    expect(sh('systemctl', 'is-active', 'quadletman-helper.socket').trim()).toBe('active');
    expect(sh('systemctl', 'is-enabled', 'quadletman.service').trim()).toBe('enabled');
    expect(await health(PORT)).toEqual({ status: 'ok' });
    expect(sh('systemctl', 'is-active', 'quadletman.service').trim()).toBe('active');
    // its home is its data folder: podman (doctor's check) wants a home that exists
    expect(sh('getent', 'passwd', 'quadletman').split(':')[5]).toBe(dataDir);
    const pid = sh('systemctl', 'show', '-P', 'MainPID', 'quadletman.service').trim();
    const uid = sh('id', '-u', 'quadletman').trim();
    expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(new RegExp(`^Uid:\\s+${uid}\\s+${uid}\\s`, 'm'));
    const journal = sh('journalctl', '-u', 'quadletman.service', '--no-pager', '-o', 'cat');
    expect(journal).toMatch(/Setup token \(one use\): \S+/);
    // the edge: Caddy as its own user, its admin socket for the server's group only
    expect(text).toMatch(/^SupplementaryGroups=systemd-journal quadletman-edge$/m);
    expect(r.stdout).toContain('quadletman-edge.service serves routes');
    expect(sh('systemctl', 'is-active', 'quadletman-edge.service').trim()).toBe('active');
    const edgePid = sh('systemctl', 'show', '-P', 'MainPID', 'quadletman-edge.service').trim();
    const edgeUid = sh('id', '-u', 'quadletman-edge').trim();
    expect(readFileSync(`/proc/${edgePid}/status`, 'utf8')).toMatch(new RegExp(`^Uid:\\s+${edgeUid}\\s`, 'm'));
    let socket = false;
    for (let i = 0; i < 50 && !socket; i++) {
      socket = existsSync('/run/quadletman-edge/admin.sock');
      if (!socket) await new Promise((res) => setTimeout(res, 100));
    }
    const canWrite = (user: string) =>
      spawnSync('runuser', ['-u', user, '--', 'test', '-w', '/run/quadletman-edge/admin.sock']).status === 0;
    // the server runs with the edge's group (its unit gives it); the socket's folder is that group's alone
    const edgeGid = sh('getent', 'group', 'quadletman-edge').split(':')[2]!;
    const groups = /^Groups:\s+(.*)$/m
      .exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
      ?.trim()
      .split(/\s+/);
    expect(groups).toContain(edgeGid);
    const dir = statSync('/run/quadletman-edge');
    expect([dir.mode & 0o777, dir.gid]).toEqual([0o750, Number(edgeGid)]);
    expect(canWrite('nobody')).toBe(false);
    expect(canWrite('root')).toBe(true);

    // the daily backup of quadletman's own state: enabled; its run does nothing until a repository is set, then
    // backs up (as root, the server running) into it; the server goes on
    expect(sh('systemctl', 'is-enabled', 'quadletman-self-backup.timer').trim()).toBe('enabled');
    const cli = (...args: string[]) =>
      spawnSync(BIN, ['--data-dir', dataDir, ...args], { encoding: 'utf8', cwd: ROOT });
    const selfJournal = () => sh('journalctl', '-u', 'quadletman-self-backup.service', '-o', 'cat', '--no-pager');
    expect(spawnSync('systemctl', ['start', 'quadletman-self-backup.service']).status, selfJournal()).toBe(0);
    expect(selfJournal()).toContain("No repository for quadletman's own backups is set: nothing to do.");
    const repo = mkdtempSync('/var/lib/qm-selfrepo-');
    const set = cli('backup', 'self', 'repository', `${repo}/r`);
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/password, shown this once/);
    expect(spawnSync('systemctl', ['start', 'quadletman-self-backup.service']).status, selfJournal()).toBe(0);
    const snaps = JSON.parse(cli('backup', 'self', 'snapshots', '--format', 'json').stdout) as {
      snapshots: { tags: string[] }[];
    };
    expect(snaps.snapshots).toHaveLength(1);
    expect(snaps.snapshots[0]!.tags).toContain('quadletman-self');
    expect(await health(PORT)).toEqual({ status: 'ok' });
    // what the server sees through the helper: the state without the password; a backup it starts runs as root
    const password = /^ {2}(\S{64})$/m.exec(set.stdout)?.[1];
    expect(password).toBeDefined();
    const helper = new HelperClient('/run/quadletman/helper.sock');
    try {
      const status = (await helper.call('self-backup-status', {})) as SelfBackupStatus;
      expect(status.repository).toMatchObject({ location: `${repo}/r`, kind: 'local' });
      expect(status.snapshots).toHaveLength(1);
      expect(status.lastRun).toMatchObject({ ok: true, scheduled: true });
      expect(status.schedule.installed).toBe(true);
      // the next run within a day (02:00–02:45 in the host's time zone)
      const next = Date.parse(status.schedule.next ?? '');
      expect(next - Date.now()).toBeGreaterThan(0);
      expect(next - Date.now()).toBeLessThan(25 * 3600_000);
      expect(JSON.stringify(status)).not.toContain(password);
      await helper.call('self-backup-start', {});
      let after = status;
      // (until the run has ended: the snapshot shows before its prune and record are done)
      for (let i = 0; i < 300 && (after.snapshots.length < 2 || after.schedule.running); i++) {
        await new Promise((res) => setTimeout(res, 200));
        after = (await helper.call('self-backup-status', {})) as SelfBackupStatus;
      }
      expect(after.snapshots).toHaveLength(2);
      // the timer's service, started because someone asked: recorded as such
      expect(after.lastRun).toMatchObject({ ok: true, scheduled: false });
    } finally {
      helper.close();
    }
    // a failed night (the repository set again with a new password: restic refuses the old repository's key): the run
    // fails at once, and is audited and notified
    const add = spawnSync(
      BIN,
      [
        '--data-dir',
        dataDir,
        'notify',
        'add',
        'ops',
        '--kind',
        'webhook',
        '--url',
        'http://127.0.0.1:9/hook',
        '--secret-stdin',
      ],
      { encoding: 'utf8', cwd: ROOT, input: 'a-webhook-secret-4711\n' },
    );
    expect(add.status, add.stderr).toBe(0);
    expect(cli('backup', 'self', 'repository', `${repo}/r`, '--replace').status).toBe(0);
    expect(spawnSync('systemctl', ['start', 'quadletman-self-backup.service']).status).not.toBe(0);
    const deliveries = JSON.parse(cli('notify', 'log', '--format', 'json').stdout) as {
      eventKind: string;
      title: string;
    }[];
    expect(deliveries.map((d) => [d.eventKind, d.title])).toContainEqual([
      'backup-failed',
      "quadletman's own backup failed",
    ]);
    const audit = JSON.parse(cli('audit', 'list', '--action', 'backup.self', '--format', 'json').stdout) as {
      result: string;
    }[];
    expect(audit[0]?.result).toBe('failed');
    spawnSync('rm', ['-rf', repo]);
  });

  it('upgrades an install whose server ran as root: the database moves out, the containers keep running', async () => {
    uninstall();
    const ID = 'qmt-migrate';
    const APP_PORT = 18_183;
    const { argv: cli, dispose } = await snapshotCli();
    const legacy = await makeDataDir('qmt-legacy');
    try {
      // the old layout: the server as root, homes and volumes inside its data folder
      const old = install(legacy, PORT, '--root');
      expect(old.status, old.stderr).toBe(0);
      expect(await health(PORT)).toEqual({ status: 'ok' });
      expect(serverUid()).toBe(0);
      await cliJson(cli, legacy, ['compartment', 'create', ID]);
      await importBusybox(legacy, ID);
      const specFile = `${legacy}/spec.yaml`;
      writeFileSync(specFile, stackSpec({ id: ID, port: APP_PORT }));
      const first = await cliJson<{ outcome: string }>(cli, legacy, ['apply', '-f', specFile]);
      expect(first.json.outcome).toBe('applied');
      const appUid = sh('id', '-u', `qm-${ID}`).trim();
      const httpd = sh('pgrep', '-u', appUid, '-f', 'busybox httpd').trim();
      expect(httpd).toMatch(/^\d+(\n\d+)*$/);

      const r = install(legacy, PORT);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const data = `${legacy}/server`;
      expect(r.stdout).toContain(`moved the database from ${legacy} to ${data}`);
      expect(await health(PORT)).toEqual({ status: 'ok' });
      const uid = Number(sh('id', '-u', 'quadletman').trim());
      expect(serverUid()).toBe(uid);
      const mode = (p: string) => {
        const st = statSync(p);
        return [st.uid, st.mode & 0o777];
      };
      expect(mode(data)).toEqual([uid, 0o700]);
      expect(mode(`${data}/quadletman.db`)).toEqual([uid, 0o600]);
      expect(mode(legacy)).toEqual([0, 0o755]);
      expect(existsSync(`${legacy}/quadletman.db`)).toBe(false);
      expect(readFileSync(UNIT, 'utf8')).toContain(
        `--data-dir ${data} --homes-dir ${legacy}/home --volumes-dir ${legacy}/volumes serve`,
      );
      // nothing restarted: the same httpd still serves
      expect(sh('pgrep', '-u', appUid, '-f', 'busybox httpd').trim()).toBe(httpd);
      expect(await fetchPage(`http://127.0.0.1:${APP_PORT}/`)).toContain('hello from busybox');

      // the CLI without --data-dir works on the installation (the record), and so does the former --data-dir
      const list = spawnSync(cli[0]!, [...cli.slice(1), 'compartment', 'list', '--format', 'json'], {
        encoding: 'utf8',
      });
      expect(list.status, list.stderr).toBe(0);
      expect((JSON.parse(list.stdout) as { id: string }[]).map((c) => c.id)).toContain(ID);
      const add = spawnSync(
        cli[0]!,
        [...cli.slice(1), '--data-dir', legacy, 'user', 'add', 'admin', '--role', 'admin', '--password-stdin'],
        { encoding: 'utf8', input: 'a long enough password\n' },
      );
      expect(add.status, add.stderr).toBe(0);
      const token = (
        await runCli(cli, legacy, ['user', 'token', 'create', 'admin', 'mig', '--role', 'admin'])
      ).stdout.trim();
      // the file the root CLI wrote to stays the server's
      expect(mode(`${data}/quadletman.db`)).toEqual([uid, 0o600]);

      // the unprivileged server changes the old compartment through the helper
      const spec = parse(stackSpec({ id: ID, port: APP_PORT, version: '2' })) as unknown;
      const res = await fetch(`http://127.0.0.1:${PORT}/api/compartments/${ID}/apply`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ spec }),
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(JSON.parse(text)).toMatchObject({ outcome: 'applied' });
      expect(await fetchPage(`http://127.0.0.1:${APP_PORT}/`)).toContain('hello from busybox');

      // installing again changes nothing more
      const again = install(legacy, PORT);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).not.toContain('moved the database');
      expect(readFileSync(UNIT, 'utf8')).toContain(`--data-dir ${data} --homes-dir ${legacy}/home`);
    } finally {
      uninstall();
      const moved = existsSync(`${legacy}/server/quadletman.db`);
      const where = moved
        ? ['--data-dir', `${legacy}/server`, '--homes-dir', `${legacy}/home`, '--volumes-dir', `${legacy}/volumes`]
        : ['--data-dir', legacy];
      await startCli(cli, [...where, 'compartment', 'delete', ID, '--volumes']).done.catch(() => undefined);
      spawnSync('rm', ['-rf', '--', legacy]);
      await dispose();
      await disposeBusybox();
    }
  });
});
