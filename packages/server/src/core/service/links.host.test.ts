// Connections between compartments for real (runs inside the sandbox host as root): a provider publishes a
// service on a loopback port, a consumer that declared its use reaches it from its container at the address and
// port its environment names (pasta's host-loopback mapping), and a third compartment that did not declare it is
// refused by the loopback guard (nftables, by the connecting socket's owner) — from its container and from its
// user's own processes. Deleting the provider while it is used is refused; the guard follows the store.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { closeHostTestApp, openHostTestApp } from '../../cli/host-test-support.js';
import { importBusyboxImage } from '../../host/busybox-image.js';
import { GUARD_TABLE, LoopbackGuard } from '../../host/loopback-guard.js';
import { asUser } from '../../host/session.js';
import { parseCompartmentId } from '../ids.js';
import { parseSpecText } from '../spec.js';
import { LINK_ADDRESS } from '../spec-links.js';

const run = promisify(execFile);
const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const PG = parseCompartmentId('qmt-link-pg');
const APP = parseCompartmentId('qmt-link-app');
const OTHER = parseCompartmentId('qmt-link-other');
const DATA = '/var/lib/quadletman-test-links';

/** A stand-in for a database: answers one line over HTTP on 5432 inside its container. */
const provider = (provides: string) => `
compartment: ${PG}
units:
  db.container:
    container:
      image: localhost/busybox:latest
      exec: [sh, -c, "mkdir -p /www && echo rows-from-pg > /www/index.html && exec httpd -f -p 5432 -h /www"]
      runInit: true
    service: { SuccessExitStatus: "143" }
${provides}
`;

/** A container that stays up, so the test can run commands in it. */
const client = (id: string, uses: string) => `
compartment: ${id}
units:
  shell.container:
    container:
      image: localhost/busybox:latest
      exec: [sleep, "100000"]
      runInit: true
    service: { SuccessExitStatus: "143" }
${uses}
`;

describe.skipIf(!onHost)('connections between compartments for real', () => {
  let app: AppContext;

  /** Runs argv in the compartment's container `shell` (podman exec, as its user). */
  async function inContainer(id: typeof APP, argv: string[]): Promise<{ ok: boolean; out: string }> {
    const s = await app.host.users.sessionFor(id);
    const r = await app.host.exec.run(asUser(s, ['podman', 'exec', 'systemd-shell', ...argv]), {
      expectCodes: [0, 1, 2, 125, 126, 127, 255],
      timeoutMs: 30_000,
    });
    return { ok: r.code === 0, out: `${r.stdout}${r.stderr}`.trim() };
  }

  /** wget of http://ADDR/ from the container, a few times while a fresh container's network settles. */
  async function fetchFrom(id: typeof APP, addr: string): Promise<{ ok: boolean; out: string }> {
    let last = { ok: false, out: '' };
    for (let i = 0; i < 10; i++) {
      last = await inContainer(id, ['wget', '-q', '-T', '3', '-O', '-', `http://${addr}/`]);
      if (last.ok) return last;
      await new Promise((r) => setTimeout(r, 300));
    }
    return last;
  }

  beforeAll(async () => {
    app = await openHostTestApp(DATA, PG);
    for (const id of [APP, OTHER]) {
      await app.host.users.delete(id).catch(() => undefined);
      await app.compartments.create({ id });
    }
    for (const id of [PG, APP, OTHER]) {
      await importBusyboxImage(app.host.exec, app.host.podman, await app.host.users.sessionFor(id));
    }
  }, 240_000);
  afterAll(async () => {
    for (const id of [APP, OTHER]) {
      await app?.compartments.delete(id).catch(() => undefined);
      await app?.host.users.delete(id).catch(() => undefined);
    }
    await closeHostTestApp(app, PG, DATA);
    // the sandbox shares the machine's network namespace: leave no table behind
    await run('nft', ['delete', 'table', 'inet', GUARD_TABLE]).catch(() => undefined);
  });

  it('a consumer reaches the provided service by the address and port its environment names', async () => {
    const p = await app.compartments.applyState(parseSpecText(provider('provides: { db: "db:5432" }')), {
      actor: 'test',
    });
    expect(p.outcome, p.message).toBe('applied');
    const [db] = app.store.links.allProvides();
    expect(db).toMatchObject({ compartment: PG, service: 'db', to: 'db:5432' });
    const port = db!.port!;

    const c = await app.compartments.applyState(
      parseSpecText(client(APP, `uses: [{ compartment: ${PG}, service: db, as: DB }]`)),
      { actor: 'test' },
    );
    expect(c.outcome, c.message).toBe('applied');
    expect(c.plan.links?.add).toEqual([`DB ← ${PG}/db`]);

    const env = await inContainer(APP, ['sh', '-c', 'echo "$DB_HOST $DB_PORT $DB_ADDR"']);
    expect(env.out).toBe(`${LINK_ADDRESS} ${port} ${LINK_ADDRESS}:${port}`);
    const got = await fetchFrom(APP, `${LINK_ADDRESS}:${port}`);
    expect(got, got.out).toEqual({ ok: true, out: 'rows-from-pg' });

    // the guard names the port with root, the provider's and the consumer's users
    const table = (await run('nft', ['list', 'table', 'inet', GUARD_TABLE])).stdout;
    const uid = async (id: string) => (await app.host.users.lookup(`qm-${id}`))!.uid;
    const line = table.split('\n').find((l) => l.includes(`dport ${port}`));
    expect(line, table).toBeDefined();
    for (const id of [PG, APP]) expect(line).toContain(String(await uid(id)));
    expect(line).not.toContain(String(await uid(OTHER)));
  }, 240_000);

  it('a compartment that did not declare the use is refused, from its container and its own processes', async () => {
    const o = await app.compartments.applyState(parseSpecText(client(OTHER, '')), { actor: 'test' });
    expect(o.outcome, o.message).toBe('applied');
    const port = app.store.links.allProvides()[0]!.port!;
    const fromContainer = await inContainer(OTHER, [
      'wget',
      '-q',
      '-T',
      '3',
      '-O',
      '-',
      `http://${LINK_ADDRESS}:${port}/`,
    ]);
    expect(fromContainer.ok, fromContainer.out).toBe(false);
    // its user on the host (as with Network=host) is refused too: the guard looks at the socket's owner
    const s = await app.host.users.sessionFor(OTHER);
    const direct = await app.host.exec.run(asUser(s, ['curl', '-sS', '--max-time', '3', `http://127.0.0.1:${port}/`]), {
      expectCodes: [0, 7, 28, 35, 52, 56],
    });
    expect(direct.code, direct.stdout).not.toBe(0);
    // while the consumer still gets through, and root (the admin's curl) too
    expect((await fetchFrom(APP, `${LINK_ADDRESS}:${port}`)).ok).toBe(true);
    expect((await run('curl', ['-sS', '--max-time', '3', `http://127.0.0.1:${port}/`])).stdout.trim()).toBe(
      'rows-from-pg',
    );
  }, 120_000);

  it('refuses to delete the provider or drop its service while it is used', async () => {
    await expect(app.compartments.delete(PG)).rejects.toThrow(/'qmt-link-app' uses db \(as DB\)/);
    const r = app.compartments.applyState(parseSpecText(provider('')), { actor: 'test' });
    await expect(r).rejects.toThrow(/compartment 'qmt-link-app' uses it \(as DB\)/);
    expect(app.store.links.allProvides()).toHaveLength(1);
  });

  it('a dropped use closes the door: the consumer is refused, and the provider can go', async () => {
    const port = app.store.links.allProvides()[0]!.port!;
    const c = await app.compartments.applyState(parseSpecText(client(APP, '')), { actor: 'test' });
    expect(c.outcome, c.message).toBe('applied');
    const after = await inContainer(APP, ['wget', '-q', '-T', '3', '-O', '-', `http://${LINK_ADDRESS}:${port}/`]);
    expect(after.ok, after.out).toBe(false);
    await app.compartments.delete(PG);
    await app.compartments.create({ id: PG });
    // the keeper's round removes the gone provider's port from the guard
    expect(await app.links.sync(0)).toBe('loaded');
    const table = await new LoopbackGuard(app.host.exec, app.host.users).list();
    expect(table ?? '').not.toContain(`dport ${port}`);
  }, 120_000);
});
