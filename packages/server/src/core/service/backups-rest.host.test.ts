// A backup to a REST repository server, for real (inside the sandbox host, as root): `rclone serve restic` on
// 127.0.0.1 with basic authentication. The location is set with the server's user and password, which go into a
// file of the compartment's own (mode 0600) and never into a command line; the first backup makes the repository on
// the server; the snapshot restores what was written; restic check passes; a wrong password is refused in restic's
// words, and the right one works again.
// Changes on the machine: creates and deletes the compartment `qmt-bkrest`, a data folder and a transient unit
// running the server.
import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { closeHostTestApp, openHostTestApp } from '../../cli/host-test-support.js';
import { importBusyboxImage } from '../../host/busybox-image.js';
import type { Exec } from '../../host/exec.js';
import { parseCompartmentId } from '../ids.js';
import { parseSpecText } from '../spec.js';
import { dataSpec } from './backups.host-test-support.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const ID = parseCompartmentId('qmt-bkrest');
const DATA = '/var/lib/quadletman-test-bkrest';
const VOLUME = `${DATA}/volumes/${ID}/data`;
const SERVED = `${DATA}-served`;
const PORT = 18765;
const SECRET = 'Zq9-rest-s3cret';
const UNIT = 'qmt-rest-server';

const WRITE =
  '[ -e /data/.written ] || { echo hello > /data/a.txt; mkdir -p /data/www; echo www > /data/www/i; chown -R 33:33 /data/www; touch /data/.written; }; exec sleep infinity';

describe.skipIf(!onHost)('backups to a REST repository server, for real', () => {
  let app: AppContext;
  let unpatch = () => {};
  const argvSeen: string[] = [];
  const run = (argv: string[], codes = [0]) => app.host.exec.run(argv, { expectCodes: codes, timeoutMs: 60_000 });
  const listing = async () =>
    (await run(['sh', '-c', 'cd "$1" && find . -printf "%p %U %G %m %s\\n" | sort', 'sh', VOLUME])).stdout;

  beforeAll(async () => {
    app = await openHostTestApp(DATA, ID);
    // every command the backups run, to show that the password is on none of their command lines
    const exec: Exec = app.host.exec;
    const { run: r0, stream: s0 } = exec;
    unpatch = () => Object.assign(exec, { run: r0, stream: s0 });
    exec.run = (argv, o) => {
      argvSeen.push(argv.join(' '));
      return r0.call(exec, argv, o);
    };
    exec.stream = (argv, o) => {
      argvSeen.push(argv.join(' '));
      return s0.call(exec, argv, o);
    };
    await run(['systemctl', 'stop', `${UNIT}.service`], [0, 5]);
    await run(['rm', '-rf', SERVED]);
    await run(['mkdir', '-p', SERVED]);
    await run([
      'systemd-run',
      `--unit=${UNIT}`,
      '--',
      'rclone',
      'serve',
      'restic',
      '--addr',
      `127.0.0.1:${PORT}`,
      '--user',
      'shop',
      '--pass',
      SECRET,
      SERVED,
    ]);
    await importBusyboxImage(app.host.exec, app.host.podman, await app.host.users.sessionFor(ID));
    const r = await app.compartments.applyState(parseSpecText(dataSpec(ID, WRITE)), { actor: 'test' });
    expect(r.outcome, r.message).toBe('applied');
    for (let i = 0; i < 100 && (await run(['test', '-e', `${VOLUME}/.written`], [0, 1])).code !== 0; i++)
      await new Promise((res) => setTimeout(res, 100));
    // the server answers (basic authentication asked for)
    for (let i = 0; i < 100; i++) {
      const up = await run(
        ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${PORT}/`],
        [0, 7],
      );
      if (up.stdout === '401') break;
      await new Promise((res) => setTimeout(res, 100));
    }
  }, 180_000);
  afterAll(async () => {
    await app?.host.exec.run(['systemctl', 'stop', `${UNIT}.service`], { expectCodes: [0, 5] });
    await app?.host.exec.run(['rm', '-rf', SERVED]).catch(() => undefined);
    unpatch();
    await closeHostTestApp(app, ID, DATA);
  });

  it('sets the location with its credentials, backs up to the server, restores, and the repository checks', async () => {
    const location = `rest:http://127.0.0.1:${PORT}/${ID}`;
    argvSeen.length = 0; // (the server's own command line, above, names its password)
    const set = await app.backups.setRepository(ID, { location, credentials: { user: 'shop', secret: SECRET } });
    expect(set).toMatchObject({ location, kind: 'rest' });
    // the credentials: a file of the compartment's own, readable by it alone
    const s = await app.host.users.sessionFor(ID);
    const file = `${s.home}/.local/share/quadletman/repository`;
    const st = await stat(file);
    expect([st.uid, st.mode & 0o777]).toEqual([s.uid, 0o600]);
    expect(await readFile(file, 'utf8')).toBe(`rest:http://shop:${SECRET}@127.0.0.1:${PORT}/${ID}\n`);

    const before = await listing();
    const b = await app.backups.run(ID, { mode: 'stop' });
    expect(b.stopped).toEqual(['app.service']);
    expect(b.summary.filesNew).toBeGreaterThanOrEqual(3);
    // the repository is on the server's side
    expect((await stat(`${SERVED}/${ID}/config`)).isFile()).toBe(true);
    expect((await app.backups.check(ID)).ok).toBe(true);

    await run(['sh', '-c', 'rm -rf "$1"/www "$1"/a.txt', 'sh', VOLUME]);
    expect(await listing()).not.toBe(before);
    await app.backups.restore(ID, b.summary.snapshotId);
    expect(await listing()).toBe(before);
    expect(argvSeen.length).toBeGreaterThan(5);
    expect(argvSeen.filter((a) => a.includes(SECRET))).toEqual([]);
  }, 300_000);

  it("refuses a wrong password in restic's words; the right one again works", async () => {
    const location = `rest:http://127.0.0.1:${PORT}/${ID}`;
    await app.backups.setRepository(ID, { location, replace: true, credentials: { user: 'shop', secret: 'wrong' } });
    await expect(app.backups.run(ID, { mode: 'live' })).rejects.toThrow(/401|Unauthorized|unexpected HTTP response/i);
    // (a new location and password: a repository of its own on the same server)
    await app.backups.setRepository(ID, {
      location: `${location}-2`,
      replace: true,
      credentials: { user: 'shop', secret: SECRET },
    });
    expect((await app.backups.run(ID, { mode: 'live' })).summary.snapshotId).toMatch(/^[0-9a-f]{64}$/);
  }, 300_000);
});
