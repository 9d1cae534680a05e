// Helper users and volume owners for real (inside the sandbox host, as root): a container running as UID 999
// with a UID map writes into a host volume owned by that UID, and on the host the file's owner is the helper
// user qm-<id>-999 (the folder: that user, the compartment's group, 0770). Dropping the map and the owner gives
// the folder back to the compartment user and removes the helper user; deleting the compartment removes the
// helper users it has.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { closeHostTestApp, openHostTestApp } from '../../cli/host-test-support.js';
import { importBusyboxImage } from '../../host/busybox-image.js';
import { parseSubid } from '../../host/subid.js';
import { parseCompartmentId } from '../ids.js';
import { parseSpecText } from '../spec.js';

const run = promisify(execFile);
const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const ID = parseCompartmentId('qmt-uidmap');
const DATA = '/var/lib/quadletman-test-uidmap';
const VOLUME = `${DATA}/volumes/${ID}/data`;
const HELPER = `qm-${ID}-999`;

const spec = (mapped: boolean) => `
compartment: ${ID}
units:
  writer.container:
    container:
      image: localhost/busybox:latest
${
  mapped
    ? `      user: "999:999"
      exec: [sh, -c, "echo written-by-999 > /data/by-999 && exec sleep 100000"]`
    : '      exec: [sleep, "100000"]'
}
      volume: ["data:/data"]
      runInit: true
    service: { SuccessExitStatus: "143" }
${mapped ? '    uidMap: [999]\n' : ''}volumes:
  data: ${mapped ? '{ owner: 999 }' : '{}'}
`;

const stat = async (format: string, p: string) => (await run('stat', ['-c', format, p])).stdout.trim();
const passwd = async (name: string) =>
  run('getent', ['passwd', name]).then(
    (r) => r.stdout.trim(),
    () => undefined,
  );

async function waitForFile(p: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await stat('%s', p).catch(() => undefined)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${p} did not appear`);
}

describe.skipIf(!onHost)('helper users and volume owners for real', () => {
  let app: AppContext;

  beforeAll(async () => {
    app = await openHostTestApp(DATA, ID);
    await importBusyboxImage(app.host.exec, app.host.podman, await app.host.users.sessionFor(ID));
  }, 240_000);
  afterAll(async () => closeHostTestApp(app, ID, DATA));

  it('a container running as UID 999 with a UID map writes into its volume; the file is the helper user qm-<id>-999 on the host', async () => {
    const r = await app.compartments.applyState(parseSpecText(spec(true)), { actor: 'test' });
    expect(r.outcome, r.message).toBe('applied');

    const start = parseSubid(await readFile('/etc/subuid', 'utf8')).find((e) => e.owner === `qm-${ID}`)!.start;
    const entry = (await passwd(HELPER))!;
    expect(entry.split(':')[2]).toBe(String(start + 998));
    expect(entry).toContain(`quadletman helper of qm-${ID}`);

    expect(await stat('%U %G %a', VOLUME)).toBe(`${HELPER} qm-${ID} 770`);
    await waitForFile(`${VOLUME}/by-999`);
    expect(await stat('%U', `${VOLUME}/by-999`)).toBe(HELPER);

    const home = (await app.host.users.lookup(`qm-${ID}`))!.home;
    const text = await readFile(`${home}/.config/containers/systemd/writer.container`, 'utf8');
    expect(text).toContain('UIDMap=999:999:1\n');
    expect(text).toContain('GIDMap=1000:1000:64536\n');
  }, 240_000);

  it('without the map and the owner the folder goes back to the compartment user and the helper user is removed', async () => {
    const r = await app.compartments.applyState(parseSpecText(spec(false)), { actor: 'test' });
    expect(r.outcome, r.message).toBe('applied');
    expect(await passwd(HELPER)).toBeUndefined();
    expect(await stat('%U %G %a', VOLUME)).toBe(`qm-${ID} qm-${ID} 750`);
    // what the container wrote as 999 before is now the compartment user's (its namespace's 0)
    expect(await stat('%U', `${VOLUME}/by-999`)).toBe(`qm-${ID}`);
  }, 240_000);

  it('deleting the compartment removes its helper users', async () => {
    const r = await app.compartments.applyState(parseSpecText(spec(true)), { actor: 'test' });
    expect(r.outcome, r.message).toBe('applied');
    expect(await passwd(HELPER)).toBeDefined();
    await app.compartments.delete(ID, { volumes: true });
    expect(await passwd(HELPER)).toBeUndefined();
    expect((await run('getent', ['group', HELPER]).catch(() => ({ stdout: '' }))).stdout).toBe('');
  }, 240_000);
});
