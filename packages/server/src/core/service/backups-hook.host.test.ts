// A `hook` mode backup of a database-like writer, for real (inside the sandbox host, as root). The writer keeps
// rewriting a pair of files that belong together (a, then b, the same number in both) under a lock, the way a
// database guards its pages; the spec's hook takes the lock and copies the pair into a dump folder, as a
// database's dump command would. The snapshot is taken live (nothing stopped), and after a restore the dump's
// pair always agrees. A hook that fails backs nothing up.
// Changes on the machine: creates and deletes the compartment `qmt-bkhook` and a data folder.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { closeHostTestApp, openHostTestApp } from '../../cli/host-test-support.js';
import { importBusyboxImage } from '../../host/busybox-image.js';
import { parseCompartmentId } from '../ids.js';
import { parseSpecText } from '../spec.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const ID = parseCompartmentId('qmt-bkhook');
const DATA = '/var/lib/quadletman-test-bkhook';
const VOLUME = `${DATA}/volumes/${ID}/data`;

// the lock is a folder (mkdir is atomic; busybox has no flock)
const WRITER =
  'i=0; while :; do if mkdir /data/lock 2>/dev/null; then i=$((i+1)); echo $i > /data/a; echo $i > /data/b; rmdir /data/lock; fi; done';
const DUMP =
  'mkdir -p /data/dump; until mkdir /data/lock 2>/dev/null; do :; done; cp /data/a /data/b /data/dump/; rmdir /data/lock';

const spec = (hook: string) => `
compartment: ${ID}
units:
  db.container:
    container:
      image: localhost/busybox:latest
      exec: [sh, -c, ${JSON.stringify(WRITER)}]
      volume: ["data:/data"]
      runInit: true
volumes: { data: {} }
backup:
  hook: { unit: db.container, exec: [sh, -c, ${JSON.stringify(hook)}] }
`;

describe.skipIf(!onHost)('hook mode backups, for real', () => {
  let app: AppContext;

  beforeAll(async () => {
    app = await openHostTestApp(DATA, ID);
    await importBusyboxImage(app.host.exec, app.host.podman, await app.host.users.sessionFor(ID));
    const r = await app.compartments.applyState(parseSpecText(spec(DUMP)), { actor: 'test' });
    expect(r.outcome, r.message).toBe('applied');
  }, 180_000);
  afterAll(async () => closeHostTestApp(app, ID, DATA));

  it("runs the hook in the writer's container, snapshots live, and the restored dump is consistent", async () => {
    const b = await app.backups.run(ID, { mode: 'hook' });
    expect(b.mode).toBe('hook');
    expect(b.stopped).toEqual([]);
    const dumped = async () => [
      (await readFile(`${VOLUME}/dump/a`, 'utf8')).trim(),
      (await readFile(`${VOLUME}/dump/b`, 'utf8')).trim(),
    ];
    const [a, bb] = await dumped();
    expect(Number(a)).toBeGreaterThan(0);
    expect(bb).toBe(a);
    // the writer never stopped: it goes past the dumped number (a read may catch the file mid-write, empty)
    let now = 0;
    for (let i = 0; i < 100 && now <= Number(a); i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = Number((await readFile(`${VOLUME}/a`, 'utf8').catch(() => '')).trim() || 0);
    }
    expect(now).toBeGreaterThan(Number(a));
    await app.backups.restore(ID, b.summary.snapshotId);
    expect(await dumped()).toEqual([a, a]);
  }, 240_000);

  it('a failing hook backs nothing up', async () => {
    const r = await app.compartments.applyState(parseSpecText(spec('echo no database here >&2; exit 3')), {
      actor: 'test',
    });
    // only the hook changed: no unit file changes, the new state is kept all the same
    expect(r.outcome, r.message).toBe('noop');
    expect(app.compartments.state(ID).backupHook?.exec[2]).toContain('exit 3');
    const before = (await app.backups.snapshots(ID)).length;
    await expect(app.backups.run(ID, { mode: 'hook' })).rejects.toThrow(
      /backup hook in db\.container .* exited with 3; nothing was backed up: no database here/,
    );
    expect((await app.backups.snapshots(ID)).length).toBe(before);
  }, 240_000);
});
