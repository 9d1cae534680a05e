// Real host test of a compartment's images (runs inside the sandbox host as root, against the sandbox's own
// registry: scripts/sandbox/registry.sh serves demo/web:v1 and :v2 behind a login). Through the application
// (createApp: SQLite store, real users, systemd --user, Podman): a compartment logs in and applies web.container on
// v1; v2 is pulled by hand as the compartment user. The inventory shows v1 used by web.container and v2 unused,
// each with its digest, size and created date. A stopped container on v2 keeps it from a prune; once that container
// is gone, the prune removes v2 only (a dry run first changes nothing), v1 stays and the unit keeps serving.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { closeHostTestApp, openHostTestApp } from '../../cli/host-test-support.js';
import { type RegistryAccount, registryAccount } from '../../host/registry.test-support.js';
import type { CompartmentSession } from '../../host/session.js';
import { userPodman } from '../../host/session.js';
import { parseCompartmentId } from '../ids.js';
import type { ImageEntry } from './images.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const ID = parseCompartmentId('qmt-images');
const PORT = 18_141;
const DATA = '/var/lib/quadletman-test-images';
const LEFTOVER = 'qmt-images-leftover';

const spec = (image: string) => `
compartment: ${ID}
units:
  web.container:
    container: { image: "${image}", publishPort: ["127.0.0.1:${PORT}:8080"] }
    service: { SuccessExitStatus: "143" }
probes:
  - { name: web, type: http, port: ${PORT}, path: /, expectStatus: 200, timeoutMs: 2000 }
`;

async function page(): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${PORT}/`, { signal: AbortSignal.timeout(3000) });
  return (await r.text()).trim();
}

describe.skipIf(!onHost)("a compartment's images on a real host", () => {
  let app: AppContext;
  let session: CompartmentSession;
  let account: RegistryAccount;
  const image = (tag: string) => `${account.registry}/demo/web:${tag}`;
  const named = (images: readonly ImageEntry[], ref: string) => images.find((i) => i.names.includes(ref));
  const podman = (args: string[]) => app.host.exec.run(userPodman(session, args), { timeoutMs: 60_000 });

  beforeAll(async () => {
    account = await registryAccount();
    expect(account.registry).toBe('registry.sandbox.test:5000');
    app = await openHostTestApp(DATA, ID);
    session = await app.host.users.sessionFor(ID);
  });

  afterAll(() => closeHostTestApp(app, ID, DATA));

  it('logs in, applies web.container on v1, and pulls v2 by hand as the compartment user', async () => {
    await app.resources.login(ID, account.registry, account.user, account.password);
    const r = await app.compartments.applySpecText(spec(image('v1')), 'test spec', { actor: 'test', create: false });
    expect(r.outcome, r.message).toBe('applied');
    expect(await page()).toBe('demo web v1');

    const pull = app.host.podman.pull(session, image('v2'));
    for await (const _ of pull.lines) {
      // progress lines: not needed here
    }
    const end = await pull.done;
    expect(end.code, end.stderr).toBe(0);
    expect(await app.host.podman.imageExists(session, image('v2'))).toBe(true);
  });

  it('lists v1 used by web.container and v2 unused, each with digest, size and created date', async () => {
    const list = await app.images.images(ID);
    const v1 = named(list.images, image('v1'));
    const v2 = named(list.images, image('v2'));
    expect(v1, JSON.stringify(list.images.map((i) => i.names))).toBeDefined();
    expect(v2).toBeDefined();
    expect(v1).toMatchObject({
      repository: `${account.registry}/demo/web`,
      tags: ['v1'],
      usedBy: ['web.container'],
      unused: false,
    });
    expect(v1!.containers).toBeGreaterThan(0);
    expect(v2).toMatchObject({
      repository: `${account.registry}/demo/web`,
      tags: ['v2'],
      usedBy: [],
      unused: true,
      containers: 0,
    });
    for (const i of [v1!, v2!]) {
      expect(i.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(i.size).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(i.created ?? ''))).toBe(false);
    }
    expect(v1!.id).not.toBe(v2!.id);
    expect(list.missing).toEqual([]);
  });

  it('keeps an image a stopped container uses, though no unit does', async () => {
    await podman(['create', '--pull', 'never', '--name', LEFTOVER, '--', image('v2')]);
    try {
      const list = await app.images.images(ID);
      expect(named(list.images, image('v2'))).toMatchObject({ unused: true, containers: 1 });
      const dry = await app.images.prune(ID, { dryRun: true });
      expect(dry.removed.flatMap((i) => i.names)).not.toContain(image('v2'));
    } finally {
      await podman(['rm', '--', LEFTOVER]);
    }
  });

  it('prunes v2 only (a dry run first changes nothing); v1 stays and the unit keeps serving', async () => {
    const before = await app.images.images(ID);
    const v2 = named(before.images, image('v2'))!;
    const unused = before.images.filter((i) => i.unused && i.containers === 0);
    // a fresh compartment's storage holds what its unit pulled and what was pulled by hand: nothing else
    expect(
      unused.map((i) => i.id),
      JSON.stringify(before.images.map((i) => [i.names, i.usedBy])),
    ).toEqual([v2.id]);

    const dry = await app.images.prune(ID, { dryRun: true });
    expect(dry.removed.map((i) => i.id)).toEqual(unused.map((i) => i.id));
    expect(dry.removed.map((i) => i.id)).toContain(v2.id);
    expect(await app.host.podman.imageExists(session, image('v2'))).toBe(true);

    const r = await app.images.prune(ID);
    expect(r.failed).toEqual([]);
    expect(r.removed.map((i) => i.id)).toEqual(unused.map((i) => i.id));
    expect(r.bytes).toBe(unused.reduce((n, i) => n + i.size, 0));
    expect(await app.host.podman.imageExists(session, image('v2'))).toBe(false);
    expect(await app.host.podman.imageExists(session, image('v1'))).toBe(true);

    const after = await app.images.images(ID);
    expect(named(after.images, image('v1'))).toMatchObject({ usedBy: ['web.container'] });
    expect(named(after.images, image('v2'))).toBeUndefined();
    expect((await app.images.prune(ID, { dryRun: true })).removed).toEqual([]);

    const units = await app.compartments.units(ID, { withStatus: true });
    expect(units.find((u) => u.unit === 'web.service')?.status?.activeState).toBe('active');
    expect(await page()).toBe('demo web v1');
  });

  it("an update check through the app: the registry's v1 is what runs here, up to date, and kept", async () => {
    const rows = await app.updates.check(ID);
    expect(rows.map((r) => [r.image, r.units, r.status])).toEqual([[image('v1'), ['web.container'], 'up-to-date']]);
    expect(rows[0]!.localDigests).toContain(rows[0]!.remoteDigest);
    expect(app.updates.list(ID)).toEqual(rows);
  });
});
