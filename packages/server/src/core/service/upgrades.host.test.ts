// Real host test of upgrades (runs inside the sandbox host as root, against the sandbox's own registry:
// scripts/sandbox/registry.sh serves demo/web:v1, :v2 and :v3, whose /health is missing). Through the
// application (createApp: SQLite store, real users, systemd --user, Podman): web.container runs the tag
// `stable` (copied from v1 at the registry, as a new version is pushed) with a health check and Notify=healthy.
// Pushing v2 as `stable` shows as an update; the upgrade serves v2; pushing v3 as `stable`, the upgrade's health
// gate fails and the unit is back on v2 within the settle window and 3 s, without one request to the registry
// between the failure and the end of the roll back. A unit pinned to a digest is moved to v2's digest. In
// unattended mode the server's schedule upgrades the unit by itself. A webhook channel's receiver (a local HTTP
// server) gets the roll back and the upgrades, each signed with the channel's secret. A compartment with a backup
// repository is backed up before an upgrade of a unit that mounts one of its volumes.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { closeHostTestApp, openHostTestApp } from '../../cli/host-test-support.js';
import { copyTag, type RegistryAccount, registryAccount, registryRequests } from '../../host/registry.test-support.js';
import { parseCompartmentId } from '../ids.js';
import { CreateChannelSchema } from '../notify/channel.js';
import { verifySignature } from '../notify/sign.js';
import { UpdateScheduler } from './update-scheduler.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const ID = parseCompartmentId('qmt-upgrade');
const PORT = 18_151;
const PINNED_PORT = 18_152;
const DATA = '/var/lib/quadletman-test-upgrade';
const SETTLE_MS = 3000;
const SECRET = 'a-webhook-secret-of-the-test';

interface Received {
  event: string;
  valid: boolean;
  body: { kind: string; compartment: string | null; title: string };
}

/** A webhook receiver: every POST, with whether its signature is valid for SECRET. */
async function receiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const header = (k: string) => String(req.headers[k] ?? '');
      received.push({
        event: header('x-quadletman-event'),
        valid: verifySignature(SECRET, header('x-quadletman-timestamp'), body, header('x-quadletman-signature')),
        body: JSON.parse(body.toString('utf8')),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

async function until(ok: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

const spec = (registry: string, mode: 'notify' | 'apply') => `
compartment: ${ID}
units:
  web.container:
    container:
      image: "${registry}/demo/web:stable"
      publishPort: ["127.0.0.1:${PORT}:8080"]
      healthCmd: "wget -q -O /dev/null http://127.0.0.1:8080/health"
      HealthInterval: 2s
      Notify: healthy
    service: { SuccessExitStatus: "143" }
    updates: ${mode}
  pinned.container:
    container: { image: "${registry}/demo/web:v1", publishPort: ["127.0.0.1:${PINNED_PORT}:8080"] }
    service: { SuccessExitStatus: "143" }
    pin: digest
`;

async function page(port = PORT): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) });
  return (await r.text()).trim();
}

describe.skipIf(!onHost)('upgrades on a real host', () => {
  let app: AppContext;
  let account: RegistryAccount;
  let hook: Awaited<ReturnType<typeof receiver>>;
  const push = (from: string) => copyTag(app.host.exec, account, 'demo/web', from, 'stable');

  beforeAll(async () => {
    account = await registryAccount();
    app = await openHostTestApp(DATA, ID, { upgrades: { settleMs: SETTLE_MS, healthTimeoutMs: 30_000 } });
    await app.resources.login(ID, account.registry, account.user, account.password);
    await push('v1');
    hook = await receiver();
    app.notifications.create(
      CreateChannelSchema.parse({ name: 'hook', kind: 'webhook', url: hook.url, secret: SECRET, scope: ID }),
    );
  });

  afterAll(async () => {
    hook?.server.close();
    await closeHostTestApp(app, ID, DATA);
  });

  it('applies the app from the registry, the pinned unit by its digest', async () => {
    const r = await app.compartments.applySpecText(spec(account.registry, 'notify'), 'test', {
      actor: 'test',
      create: false,
    });
    expect(r.outcome, r.message).toBe('applied');
    expect(await page()).toBe('demo web v1');
    expect(await page(PINNED_PORT)).toBe('demo web v1');
    const pinned = app.upgrades.upgradable(ID).find((u) => u.unit === 'pinned.container')!;
    expect(pinned.pin).toMatch(/^sha256:[0-9a-f]{64}$/);
    const files = await (await app.engine['hostFor'](ID)).readManaged();
    expect(files.files.get('.config/containers/systemd/pinned.container')).toContain(
      `Image=${account.registry}/demo/web@${pinned.pin}\n`,
    );
  });

  it('sees v2 pushed as stable as an update, and upgrades to it behind the health gate', async () => {
    await push('v2');
    const checks = await app.updates.check(ID);
    expect(checks.find((c) => c.image.endsWith('/demo/web:stable'))).toMatchObject({ status: 'update-available' });
    const r = await app.upgrades.upgrade(ID, { units: ['web'] }, { actor: 'test' });
    expect(r.outcome, r.message).toBe('applied');
    expect(await page()).toBe('demo web v2');
    const [img] = r.images;
    expect(img!.before!.digest).not.toBe(img!.after!.digest);
    const last = app.compartments.history(ID, { limit: 1 })[0]!;
    expect(last.message).toContain(img!.before!.digest.slice(0, 19));
    expect(last.message).toContain(img!.after!.digest.slice(0, 19));
  });

  it('rolls an upgrade to v3 (no /health) back to v2 by itself, asking the registry nothing during the roll back', async () => {
    await push('v3');
    const r = await app.upgrades.upgrade(ID, { units: ['web.container'] }, { actor: 'test' });
    expect(r.outcome, r.message).toBe('rolled-back');
    expect(r.message).toContain('web.service');
    expect(await page()).toBe('demo web v2');
    const restoreMs = r.restoredAt!.getTime() - r.failedAt!.getTime();
    expect(restoreMs).toBeLessThanOrEqual(SETTLE_MS + 3000);
    process.stdout.write(`rolled back: v2 healthy again ${restoreMs} ms after the failed health check\n`);
    // (the update check after the upgrade asks the registry again, once the roll back is done)
    const during = await registryRequests(app.host.exec, r.failedAt!, r.restoredAt!);
    expect(during.filter((l) => l.includes('/v2/'))).toEqual([]);
    expect(app.compartments.history(ID, { limit: 1 })[0]).toMatchObject({ result: 'rolled-back' });
    await until(() => hook.received.some((r) => r.event === 'upgrade-rolled-back'));
    // (after the roll back the update check finds v3 offered: a new update, told once more)
    const told = hook.received.filter((r) => r.event.startsWith('upgrade-') || r.event === 'update-available');
    expect(new Set(told.map((r) => r.event))).toEqual(
      new Set(['update-available', 'upgrade-finished', 'upgrade-rolled-back']),
    );
    expect(told.every((r) => r.valid && r.body.compartment === ID)).toBe(true);
  });

  it('moves the pinned unit to the digest of another tag', async () => {
    const before = app.upgrades.upgradable(ID).find((u) => u.unit === 'pinned.container')!.pin;
    const r = await app.upgrades.upgrade(ID, { units: ['pinned'], to: 'v2' }, { actor: 'test' });
    expect(r.outcome, r.message).toBe('applied');
    expect(await page(PINNED_PORT)).toBe('demo web v2');
    const now = app.upgrades.upgradable(ID).find((u) => u.unit === 'pinned.container')!;
    expect(now.image).toBe(`${account.registry}/demo/web:v2`);
    expect(now.pin).not.toBe(before);
  });

  it('upgrades a unit in unattended mode on the schedule', async () => {
    const r = await app.compartments.applySpecText(spec(account.registry, 'apply'), 'test', {
      actor: 'test',
      create: false,
    });
    // the pinned unit goes back to v1's digest: the spec says pin: digest of v1
    expect(['applied', 'noop']).toContain(r.outcome);
    await push('v1');
    const done: string[] = [];
    const scheduler = new UpdateScheduler(() => [ID], app.updates, {
      intervalMs: 2_000,
      tickMs: 200,
      afterCheck: async (id, rows) => {
        for (const o of await app.unattended.run(id, rows)) done.push(`${o.unit} ${o.result?.outcome ?? o.error}`);
      },
    });
    scheduler.start();
    try {
      const deadline = Date.now() + 60_000;
      while (done.length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 200));
    } finally {
      await scheduler.stop();
    }
    expect(done).toEqual(['web.container applied']);
    expect(await page()).toBe('demo web v1');
    expect(app.compartments.history(ID, { limit: 1 })[0]).toMatchObject({ actor: 'scheduler', result: 'applied' });
  });

  it('backs the data up before upgrading a unit that mounts a volume, and names the snapshot', async () => {
    const pinnedLine = `    container: { image: "${account.registry}/demo/web:v1", publishPort: ["127.0.0.1:${PINNED_PORT}:8080"] }`;
    const withVolume = `${spec(account.registry, 'notify').replace(
      pinnedLine,
      pinnedLine.replace(' }', ', volume: ["data:/data"] }'),
    )}volumes: { data: {} }\n`;
    expect(withVolume).toContain('volume: ["data:/data"]');
    const a = await app.compartments.applySpecText(withVolume, 'test', { actor: 'test', create: false });
    expect(a.outcome, a.message).toBe('applied');
    await app.backups.init(ID);
    const r = await app.upgrades.upgrade(ID, { units: ['pinned'], to: 'v2' }, { actor: 'test' });
    expect(r.outcome, r.message).toBe('applied');
    expect(r.backup).toMatchObject({ mode: 'stop' });
    const snap = (await app.backups.snapshots(ID)).find((s) => s.id === r.backup!.snapshot);
    expect(snap?.paths).toContain(`${DATA}/volumes/${ID}/data`);
    expect(await page(PINNED_PORT)).toBe('demo web v2');
    // a unit that mounts nothing: no backup
    const web = await app.upgrades.upgrade(ID, { units: ['web'] }, { actor: 'test' });
    expect(web.backup).toBeUndefined();
  }, 240_000);
});
