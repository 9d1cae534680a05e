// Real host integration test (runs inside the sandbox host as root): a plain user's
// ~/.config/containers/systemd (a .container and a .network, written by that user) is adopted into a
// compartment through the application (createApp: SQLite store, real users, systemd --user, the generator),
// applied, and the container answers over HTTP; the user's own files are left as they were. Then the
// compartment is exported as a .quadlets bundle and imported into a second compartment, which answers on the
// same port once the first is stopped, and exports the same bundle but for its id.

import { execFileSync } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, createApp } from '../../app.js';
import { importBusyboxImage } from '../../host/index.js';
import { parseCompartmentId } from '../ids.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const OLD_USER = 'qmt-adoptsrc';
const A = parseCompartmentId('qmt-adopted');
const B = parseCompartmentId('qmt-imported');
const PORT = 18_401;
const DATA = '/var/lib/quadletman-test-bundles';

const WEB = `[Unit]
Description=adopted web

[Container]
Image=localhost/busybox:latest
Exec=busybox httpd -f -p 8080 -h /www
PublishPort=127.0.0.1:${PORT}:8080
Network=app.network

[Service]
SuccessExitStatus=143

[Install]
WantedBy=default.target
`;
const NET = '[Network]\nSubnet=10.89.40.0/24\n';

async function fetchText(url: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return await r.text();
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const run = (argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });

describe.skipIf(!onHost)('adopt, export, import on a real host', () => {
  let app: AppContext;
  let home: string;
  const opts = { actor: 'test' };

  const cleanup = async () => {
    for (const id of [A, B]) await app.host.users.delete(id).catch(() => undefined);
    try {
      run(['userdel', '-r', OLD_USER]);
    } catch {
      // not there
    }
  };

  beforeAll(async () => {
    await fsp.rm(DATA, { recursive: true, force: true });
    app = createApp({
      dataDir: DATA,
      volumesRoot: `${DATA}/volumes`,
      locksDir: `${DATA}/locks`,
      engine: { settleMs: 1_000, verifyTimeoutMs: 15_000 },
    });
    await cleanup();
    run(['useradd', '--create-home', '--shell', '/usr/sbin/nologin', OLD_USER]);
    home = run(['getent', 'passwd', OLD_USER]).split(':')[5]!;
    // the user's own Quadlet folder, written as that user
    run(['runuser', '-u', OLD_USER, '--', 'mkdir', '-p', `${home}/.config/containers/systemd`]);
    for (const [name, text] of [
      ['web.container', WEB],
      ['app.network', NET],
    ] as const) {
      execFileSync('runuser', ['-u', OLD_USER, '--', 'tee', `${home}/.config/containers/systemd/${name}`], {
        input: text,
        stdio: ['pipe', 'ignore', 'inherit'],
      });
    }
  });

  afterAll(async () => {
    await cleanup();
    app.close();
    await fsp.rm(DATA, { recursive: true, force: true });
  });

  it("refuses a symlink in the user's folder that leads out of it, naming it, and changes nothing", async () => {
    const link = `${home}/.config/containers/systemd/passwd.env`;
    run(['runuser', '-u', OLD_USER, '--', 'ln', '-s', '/etc/passwd', link]);
    await expect(app.bundles.adopt(A, `${home}/.config/containers/systemd`, { apply: opts })).rejects.toThrow(
      /"passwd\.env" in .*: a symlink to \/etc\/passwd, outside the folder/,
    );
    await fsp.rm(link);
    expect(app.compartments.list().map((c) => c.id)).not.toContain(A);
  });

  it("adopts the user's folder verbatim, applies it, and the container answers", async () => {
    await app.compartments.create({ id: A });
    await importBusyboxImage(app.host.exec, app.host.podman, await app.host.users.sessionFor(A));
    const dir = `${home}/.config/containers/systemd`;
    const r = await app.bundles.adopt(A, dir, { apply: opts });
    expect(r.apply?.outcome, r.apply?.message).toBe('applied');
    expect(r.units).toEqual(['app.network', 'web.container']);
    expect(r.source.owner.name).toBe(OLD_USER);
    expect(r.sourceAdvice).toContain(`As ${OLD_USER}: systemctl --user stop app-network.service web.service`);
    expect(await fetchText(`http://127.0.0.1:${PORT}/`)).toContain('hello from busybox');
    // verbatim in the compartment's folder; the user's own files untouched
    const session = await app.host.users.sessionFor(A);
    expect(await fsp.readFile(`${session.home}/.config/containers/systemd/web.container`, 'utf8')).toBe(WEB);
    expect(await fsp.readFile(`${dir}/web.container`, 'utf8')).toBe(WEB);
    expect((await fsp.readdir(dir)).sort()).toEqual(['app.network', 'web.container']);
  });

  it('exports the compartment and imports the bundle into a second one, which serves the same page', async () => {
    const exported = app.bundles.export(A);
    expect(exported.units).toEqual(['app.network', 'web.container']);
    await app.compartments.control(A, 'stop');
    await app.compartments.create({ id: B });
    await importBusyboxImage(app.host.exec, app.host.podman, await app.host.users.sessionFor(B));
    const r = await app.bundles.import(B, exported.text, 'adopted.quadlets', { apply: opts });
    expect(r.apply?.outcome, r.apply?.message).toBe('applied');
    expect(r.from).toBe(A);
    expect(await fetchText(`http://127.0.0.1:${PORT}/`)).toContain('hello from busybox');
    expect(app.bundles.export(B).text).toBe(exported.text.replace(`"compartment":"${A}"`, `"compartment":"${B}"`));
    const units = await app.compartments.units(B, { withStatus: true });
    expect(units.map((u) => [u.unit, u.status?.activeState])).toEqual([
      ['app-network.service', 'active'],
      ['web.service', 'active'],
    ]);
  });
});
