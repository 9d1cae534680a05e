// A restore checked with the compartment's probes, for real (inside the sandbox host, as root): busybox httpd
// serves the data volume and a probe asks it for /ok.html. A snapshot that has the page restores and the probe
// answers; a snapshot taken without it makes the probe fail after the swap, so the data that was there before is
// swapped back in and the app serves the page again; the restore says why it failed.
// Changes on the machine: creates and deletes the compartment `qmt-bkprobe` and a data folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { closeHostTestApp, openHostTestApp } from '../../cli/host-test-support.js';
import { importBusyboxImage } from '../../host/busybox-image.js';
import { userPodman } from '../../host/session.js';
import { parseCompartmentId } from '../ids.js';
import { parseSpecText } from '../spec.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const ID = parseCompartmentId('qmt-bkprobe');
const DATA = '/var/lib/quadletman-test-bkprobe';
const VOLUME = `${DATA}/volumes/${ID}/data`;
const PORT = 18931;

const spec = (probes: boolean) => `
compartment: ${ID}
units:
  web.container:
    container:
      image: localhost/busybox:latest
      exec: [busybox, httpd, -f, -p, "8080", -h, /data]
      publishPort: ["127.0.0.1:${PORT}:8080"]
      volume: ["data:/data"]
    service: { SuccessExitStatus: "143" }
volumes: { data: {} }
${probes ? `probes:\n  - { name: page, type: http, port: ${PORT}, path: /ok.html, expectStatus: 200, timeoutMs: 2000 }\n` : ''}`;

describe.skipIf(!onHost)("a restore checked with the compartment's probes, for real", () => {
  let app: AppContext;
  const page = async () => (await fetch(`http://127.0.0.1:${PORT}/ok.html`).catch(() => undefined))?.status;
  const inVolume = async (script: string) => {
    const s = await app.host.users.sessionFor(ID);
    await app.host.exec.run(userPodman(s, ['unshare', 'sh', '-c', script, 'sh', VOLUME]));
  };

  beforeAll(async () => {
    app = await openHostTestApp(DATA, ID);
    await importBusyboxImage(app.host.exec, app.host.podman, await app.host.users.sessionFor(ID));
    // the page first (the apply's own verification runs the probe too), then the probe
    const made = await app.compartments.applyState(parseSpecText(spec(false)), { actor: 'test' });
    expect(made.outcome, made.message).toBe('applied');
    await inVolume('echo ok > "$1/ok.html"');
    const probed = await app.compartments.applyState(parseSpecText(spec(true)), { actor: 'test' });
    expect(probed.outcome, probed.message).toMatch(/applied|noop/);
    expect(app.compartments.state(ID).probes).toHaveLength(1);
  }, 180_000);
  afterAll(async () => {
    await closeHostTestApp(app, ID, DATA);
  });

  it('restores a snapshot the probe answers with; puts the data back when the restored one fails it', async () => {
    const good = await app.backups.run(ID, { mode: 'live' });
    await inVolume('rm "$1/ok.html"');
    const bad = await app.backups.run(ID, { mode: 'live' });
    // now: the good data back by a restore the probe passes
    const r = await app.backups.restore(ID, good.summary.snapshotId);
    expect(r.probes).toBe(1);
    expect(r.restarted).toEqual(['web.service']);
    expect(await page()).toBe(200);

    // the snapshot without the page: the probe fails after the swap, the data before it goes back in
    const stages: string[] = [];
    await expect(
      app.backups.restore(ID, bad.summary.snapshotId, { onProgress: (p) => stages.push(p.stage) }),
    ).rejects.toThrow(/failed compartment 'qmt-bkprobe''s probes after the restore .*; the previous data is back/);
    expect(stages.filter((s, i) => s !== stages[i - 1])).toEqual([
      'restic',
      'stopping',
      'swapping',
      'starting',
      'checking',
      'stopping',
      'swapping',
      'starting',
    ]);
    expect(await page()).toBe(200);
    const statuses = await app.compartments.units(ID, { withStatus: true });
    expect(statuses.find((u) => u.unit === 'web.service')?.status?.activeState).toBe('active');
    // nothing left behind in the home's work folder but the repository
    const s = await app.host.users.sessionFor(ID);
    const left = await app.host.exec.run(['ls', '-A', `${s.home}/.local/share/quadletman`]);
    expect(left.stdout.trim().split('\n')).toEqual(['restic']);
  }, 300_000);
});
