// A backup over SFTP, for real (inside the sandbox host, as root): the sandbox's sshd on 127.0.0.1 and a storage
// user there whose authorized_keys accepts the compartment's key. Setting the location makes the compartment's
// key and records the host's keys; the first backup makes the repository on the remote side, owned by the
// storage user; the snapshot restores what was written; restic check passes; a host whose key is not the one
// recorded is refused.
// Changes on the machine: creates and deletes the compartment `qmt-bksftp`, the user `qmt-sftpstore` and a data
// folder.
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { closeHostTestApp, openHostTestApp } from '../../cli/host-test-support.js';
import { importBusyboxImage } from '../../host/busybox-image.js';
import { parseCompartmentId } from '../ids.js';
import { parseSpecText } from '../spec.js';
import { dataSpec } from './backups.host-test-support.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const ID = parseCompartmentId('qmt-bksftp');
const DATA = '/var/lib/quadletman-test-bksftp';
const VOLUME = `${DATA}/volumes/${ID}/data`;
const STORE = 'qmt-sftpstore';
const STORE_HOME = `/home/${STORE}`;

const WRITE =
  '[ -e /data/.written ] || { echo hello > /data/a.txt; mkdir -p /data/www; echo www > /data/www/i; chown -R 33:33 /data/www; touch /data/.written; }; exec sleep infinity';

const SPEC = dataSpec(ID, WRITE);

describe.skipIf(!onHost)('backups to an SFTP repository, for real', () => {
  let app: AppContext;
  const run = (argv: string[], codes = [0]) => app.host.exec.run(argv, { expectCodes: codes, timeoutMs: 60_000 });
  const listing = async () =>
    (await run(['sh', '-c', 'cd "$1" && find . -printf "%p %U %G %m %s\\n" | sort', 'sh', VOLUME])).stdout;

  beforeAll(async () => {
    app = await openHostTestApp(DATA, ID);
    await run(['systemctl', 'start', 'ssh.service']);
    await run(['userdel', '-r', STORE], [0, 6]);
    await run(['useradd', '-m', '-d', STORE_HOME, '-s', '/bin/sh', STORE]);
    await importBusyboxImage(app.host.exec, app.host.podman, await app.host.users.sessionFor(ID));
    const r = await app.compartments.applyState(parseSpecText(SPEC), { actor: 'test' });
    expect(r.outcome, r.message).toBe('applied');
    for (let i = 0; i < 100 && (await run(['test', '-e', `${VOLUME}/.written`], [0, 1])).code !== 0; i++)
      await new Promise((res) => setTimeout(res, 100));
  }, 180_000);
  afterAll(async () => {
    await closeHostTestApp(app, ID, DATA);
    // its SSH logins started a session (and a user manager): end them before the user goes
    await run(['loginctl', 'terminate-user', STORE], [0, 1]);
    await run(['pkill', '-KILL', '-u', STORE], [0, 1]);
    await run(['userdel', '-f', '-r', STORE], [0, 6, 12]);
  });

  it('sets the location, backs up over SFTP into the remote user, restores, and the repository checks', async () => {
    const set = await app.backups.setRepository(ID, { location: `sftp:${STORE}@127.0.0.1:repo` });
    expect(set.kind).toBe('sftp');
    expect(set.publicKey).toMatch(/^ssh-ed25519 \S+ quadletman-qm-qmt-bksftp$/);
    expect(set.hostKeys?.length).toBeGreaterThan(0);
    expect(set.hostKeys?.join('\n')).toMatch(/SHA256:/);

    // the remote user has not accepted the key yet: the backup is refused and says so in ssh's words
    await expect(app.backups.run(ID, { mode: 'live' })).rejects.toThrow(
      /Permission denied|unable to start the sftp session/i,
    );

    const ssh = `${STORE_HOME}/.ssh`;
    await mkdir(ssh, { recursive: true, mode: 0o700 });
    await writeFile(`${ssh}/authorized_keys`, `${set.publicKey}\n`, { mode: 0o600 });
    const { stdout } = await run(['id', '-u', STORE]);
    for (const p of [ssh, `${ssh}/authorized_keys`]) await chown(p, Number(stdout), Number(stdout));
    await chmod(ssh, 0o700);

    const before = await listing();
    const b = await app.backups.run(ID, { mode: 'stop' });
    expect(b.stopped).toEqual(['app.service']);
    expect(b.repository).toBeUndefined(); // its password was answered when the location was set
    expect(b.summary.filesNew).toBeGreaterThanOrEqual(3);
    // the repository is on the remote side, the storage user's
    const config = await run(['stat', '-c', '%U', `${STORE_HOME}/repo/config`]);
    expect(config.stdout.trim()).toBe(STORE);
    expect((await app.backups.snapshots(ID)).map((s) => s.id)).toContain(b.summary.snapshotId);
    expect((await app.backups.check(ID)).ok).toBe(true);

    await run(['sh', '-c', 'rm -rf "$1"/www "$1"/a.txt', 'sh', VOLUME]);
    expect(await listing()).not.toBe(before);
    await app.backups.restore(ID, b.summary.snapshotId);
    expect(await listing()).toBe(before);
    expect(await readFile(`${VOLUME}/a.txt`, 'utf8')).toBe('hello\n');

    const view = await app.backups.repository(ID);
    expect(view).toMatchObject({ kind: 'sftp', publicKey: set.publicKey, hostKeys: set.hostKeys });
  }, 300_000);

  it('refuses a host whose key is not the one recorded', async () => {
    const s = await app.host.users.sessionFor(ID);
    const known = `${s.home}/.local/share/quadletman/ssh/known_hosts`;
    const saved = await readFile(known, 'utf8');
    // another host's key in its place
    const key = '/tmp/qmt-other-host-key';
    await run(['rm', '-f', key, `${key}.pub`]);
    await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const other = await readFile(`${key}.pub`, 'utf8');
    await run(['rm', '-f', key, `${key}.pub`]);
    const [type, blob] = other.trim().split(' ');
    await writeFile(known, `127.0.0.1 ${type} ${blob}\n`);
    try {
      // ssh refuses the host; restic's own words say its sftp session could not start (ssh's line may come or not)
      await expect(app.backups.run(ID, { mode: 'live' })).rejects.toThrow(
        /Host key verification failed|unable to start the sftp session/i,
      );
    } finally {
      await writeFile(known, saved);
    }
    // the recorded key back: the same backup goes through, so the key was what the refusal was about
    expect((await app.backups.run(ID, { mode: 'live' })).summary.snapshotId).toMatch(/^[0-9a-f]{64}$/);
  }, 300_000);
});
