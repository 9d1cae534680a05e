// Browsing a snapshot and restoring single files, for real (inside the sandbox host, as root): a live backup of a
// volume whose files a container wrote as UID 33; the snapshot's folder lists them with their sizes and owners; a
// file changed since is restored with its old contents and owner, the changed one kept beside it as
// `a.txt.before-restore-<time>`; a folder the same way; the container runs throughout (it started once).
// Changes on the machine: creates and deletes the compartment `qmt-bkfiles` and a data folder.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { closeHostTestApp, openHostTestApp } from '../../cli/host-test-support.js';
import { importBusyboxImage } from '../../host/busybox-image.js';
import { parseCompartmentId } from '../ids.js';
import { parseSpecText } from '../spec.js';
import { dataSpec } from './backups.host-test-support.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const ID = parseCompartmentId('qmt-bkfiles');
const DATA = '/var/lib/quadletman-test-bkfiles';
const VOLUME = `${DATA}/volumes/${ID}/data`;

// each start of the container adds a line to /data/.boots: one line at the end means it never restarted
const WRITE =
  'echo up >> /data/.boots; [ -e /data/.written ] || { echo hello > /data/a.txt; mkdir -p /data/www; ' +
  'echo "<h1>www</h1>" > /data/www/index.html; chown -R 33:33 /data/a.txt /data/www; touch /data/.written; }; ' +
  'exec sleep infinity';

const SPEC = dataSpec(ID, WRITE);

describe.skipIf(!onHost)('browse a snapshot and restore single files, for real', () => {
  let app: AppContext;
  const run = (argv: string[], codes = [0]) => app.host.exec.run(argv, { expectCodes: codes, timeoutMs: 60_000 });
  /** Owner and mode of a path on the host (the compartment's subordinate IDs). */
  const stat = async (p: string) => (await run(['stat', '-c', '%u:%g %a', p])).stdout.trim();
  const running = async () =>
    (await app.compartments.units(ID, { withStatus: true })).find((u) => u.unit === 'app.service')?.status?.activeState;

  beforeAll(async () => {
    app = await openHostTestApp(DATA, ID);
    await importBusyboxImage(app.host.exec, app.host.podman, await app.host.users.sessionFor(ID));
    const r = await app.compartments.applyState(parseSpecText(SPEC), { actor: 'test' });
    expect(r.outcome, r.message).toBe('applied');
    for (let i = 0; i < 100 && (await run(['test', '-e', `${VOLUME}/.written`], [0, 1])).code !== 0; i++)
      await new Promise((res) => setTimeout(res, 100));
  }, 180_000);
  afterAll(async () => {
    await closeHostTestApp(app, ID, DATA);
  });

  it('lists a folder of a live snapshot, restores a changed file and a folder beside the live ones', async () => {
    const owner = await stat(`${VOLUME}/a.txt`);
    const wwwOwner = await stat(`${VOLUME}/www/index.html`);
    const b = await app.backups.run(ID, { mode: 'live' });
    expect(b.stopped).toEqual([]);
    const snap = b.summary.snapshotId;

    const top = await app.backups.browse(ID, snap.slice(0, 8), '/');
    expect(top.entries.map((e) => e.path)).toContain(VOLUME);
    const folder = await app.backups.browse(ID, snap, VOLUME);
    expect(folder.truncated).toBe(false);
    const byName = new Map(folder.entries.map((e) => [e.name, e]));
    expect(byName.get('a.txt')).toMatchObject({ type: 'file', size: 6, uid: 33, gid: 33, mode: '0644' });
    expect(byName.get('www')).toMatchObject({ type: 'dir', uid: 33, gid: 33 });
    const www = await app.backups.browse(ID, snap, `${VOLUME}/www`);
    expect(www.entries.map((e) => [e.name, e.size])).toEqual([['index.html', 13]]);
    await expect(app.backups.browse(ID, snap, `${VOLUME}/../../etc`)).rejects.toThrow(/^path: /);
    await expect(app.backups.browse(ID, snap, '/etc')).rejects.toThrow(/not inside/);

    // the file changes (as the container would) and is restored over, the changed one kept
    await writeFile(`${VOLUME}/a.txt`, 'changed\n');
    const r = await app.backups.restoreFile(ID, snap, `${VOLUME}/a.txt`);
    expect(r.restored).toBe(`${VOLUME}/a.txt`);
    expect(r.previous).toMatch(new RegExp(`^${VOLUME}/a\\.txt\\.before-restore-[0-9T-]+Z$`));
    expect(await readFile(`${VOLUME}/a.txt`, 'utf8')).toBe('hello\n');
    expect(await stat(`${VOLUME}/a.txt`)).toBe(owner);
    expect(await readFile(r.previous!, 'utf8')).toBe('changed\n');

    // a folder: its lost file comes back, the folder as it was kept beside it
    await run(['rm', '-f', `${VOLUME}/www/index.html`]);
    const f = await app.backups.restoreFile(ID, snap, `${VOLUME}/www`);
    expect(await readFile(`${VOLUME}/www/index.html`, 'utf8')).toBe('<h1>www</h1>\n');
    expect(await stat(`${VOLUME}/www/index.html`)).toBe(wwwOwner);
    expect(await readdir(f.previous!)).toEqual([]);

    // a path the snapshot does not hold changes nothing
    await expect(app.backups.restoreFile(ID, snap, `${VOLUME}/nope.txt`)).rejects.toThrow(/holds no/);
    // the staging folders are gone
    const s = await app.host.users.sessionFor(ID);
    const work = await readdir(`${s.home}/.local/share/quadletman`);
    expect(work.filter((n) => n.startsWith('restore-file-'))).toEqual([]);

    // the container ran throughout: started once, still active
    expect(await running()).toBe('active');
    expect(await readFile(`${VOLUME}/.boots`, 'utf8')).toBe('up\n');
  }, 300_000);
});
