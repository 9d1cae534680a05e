import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApplyResultSchema, UpgradableListSchema } from '../../api/contract.js';
import { type Setup, setup } from './compartments-test-setup.js';

let dir: string;
let s: Setup;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-routes-upgrade-'));
});
afterEach(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const REG = 'registry.example.org/shop';
const D = (c: string) => `sha256:${c.repeat(64)}`;
const SPEC = `
compartment: shop
units:
  web.container:
    container: { image: ${REG}/web:1, healthCmd: "true" }
    updates: apply
  pinned.container:
    container: { image: ${REG}/api:1 }
    pin: digest
  local.container:
    container: { image: localhost/tool:1 }
`;

async function shop(): Promise<Setup> {
  s = await setup(dir, { shop: true });
  s.ctx.registry.digests.set(`${REG}/api:1`, D('a'));
  const r = await s.ctx.app.compartments.applySpecText(SPEC, 'test', { actor: 'test' });
  expect(r.outcome).toBe('applied');
  return s;
}

const host = () => s.ctx.hosts.get('shop')!;
const fileOf = (name: string) => host().files.get(`.config/containers/systemd/${name}`)!;

describe('upgrades', () => {
  it('lists what can be upgraded, with pins (resolved at apply) and update modes (viewer)', async () => {
    await shop();
    const r = await s.t.as('viewer', 'GET', '/api/compartments/shop/upgradable');
    expect(UpgradableListSchema.parse(r.json()).units).toEqual([
      { unit: 'pinned.container', image: `${REG}/api:1`, pin: D('a'), updates: 'notify', raw: false },
      { unit: 'web.container', image: `${REG}/web:1`, updates: 'apply', raw: false },
    ]);
    expect(fileOf('pinned.container')).toContain(`Image=${REG}/api@${D('a')}\n`);
  });

  it('upgrades a moved tag behind its health check and records both images; audited (operator)', async () => {
    await shop();
    host().registry.set(`${REG}/web:1`, 'two');
    const r = await s.t.as('operator', 'POST', '/api/compartments/shop/upgrade', { units: ['web'] });
    expect(r.statusCode).toBe(200);
    const body = ApplyResultSchema.parse(r.json());
    expect(body.outcome).toBe('applied');
    expect(body.images).toEqual([
      {
        unit: 'web.container',
        image: `${REG}/web:1`,
        previousImage: `${REG}/web:1`,
        before: { id: `id-${REG}/web:1`, digest: `sha256:id-${REG}/web:1` },
        after: { id: 'two', digest: 'sha256:two' },
      },
    ]);
    expect(host().calls).toContain('healthcheck systemd-web');
    expect(s.t.audits.at(-1)).toMatchObject({ action: 'compartment.upgrade', result: 'ok' });
  });

  it('backs up first when there is a backup to make; a failed backup upgrades nothing; backup: false skips it', async () => {
    await shop();
    host().registry.set(`${REG}/web:1`, 'two');
    const asked: string[][] = [];
    s.ctx.upgradeBackup.fn = async (_id, units) => {
      asked.push([...units]);
      if (asked.length === 1) throw new Error('restic: repository not found');
      return { snapshot: 'ab'.repeat(32), mode: 'stop' };
    };
    const failed = await s.t.as('operator', 'POST', '/api/compartments/shop/upgrade', { units: ['web'] });
    expect(failed.statusCode).toBe(409);
    expect(failed.json().error.message).toMatch(
      /^The backup before the upgrade failed: restic: repository not found\. Nothing was upgraded/,
    );
    expect(host().calls).not.toContain('healthcheck systemd-web');
    const ok = await s.t.as('operator', 'POST', '/api/compartments/shop/upgrade', { units: ['web'] });
    expect(ApplyResultSchema.parse(ok.json())).toMatchObject({
      outcome: 'applied',
      backup: { snapshot: 'ab'.repeat(32), mode: 'stop' },
    });
    expect(asked).toEqual([['web.container'], ['web.container']]);
    host().registry.set(`${REG}/web:1`, 'three');
    const skipped = await s.t.as('operator', 'POST', '/api/compartments/shop/upgrade', {
      units: ['web'],
      backup: false,
    });
    expect(skipped.json().backup).toBeUndefined();
    expect(asked).toHaveLength(2);
    expect(s.t.audits.at(-1)).toMatchObject({ details: { backup: false } });
  });

  it('moves a pinned unit to the digest its tag has now, and keeps the new pin only when the upgrade held', async () => {
    await shop();
    s.ctx.registry.digests.set(`${REG}/api:1`, D('b'));
    const ok = await s.ctx.app.upgrades.upgrade('shop', { units: ['pinned.container'] }, { actor: 't' });
    expect(ok.outcome).toBe('applied');
    expect(fileOf('pinned.container')).toContain(`Image=${REG}/api@${D('b')}\n`);
    expect(s.ctx.app.upgrades.upgradable('shop')[0]!.pin).toBe(D('b'));

    s.ctx.registry.digests.set(`${REG}/api:1`, D('c'));
    host().failsToStart = (unit, files) =>
      unit === 'pinned.service' && [...files.values()].some((t) => t.includes(D('c')));
    const bad = await s.ctx.app.upgrades.upgrade('shop', { units: ['pinned'] }, { actor: 't' });
    expect(bad.outcome).toBe('rolled-back');
    expect(fileOf('pinned.container')).toContain(`Image=${REG}/api@${D('b')}\n`);
    expect(s.ctx.app.upgrades.upgradable('shop')[0]!.pin).toBe(D('b'));
  });

  it('moves a unit to another tag with --to, and refuses what cannot be upgraded, saying why', async () => {
    await shop();
    host().images.add(`${REG}/web:2`);
    const r = await s.ctx.app.upgrades.upgrade('shop', { units: ['web'], to: '2' }, { actor: 't' });
    expect(r.outcome).toBe('applied');
    expect(fileOf('web.container')).toContain(`Image=${REG}/web:2\n`);

    const bad = (body: unknown) => s.t.as('operator', 'POST', '/api/compartments/shop/upgrade', body);
    expect((await bad({ units: ['local'] })).json().error.message).toContain('does not run an image from a registry');
    expect((await bad({ units: ['ghost'] })).statusCode).toBe(404);
    expect((await bad({ to: '2' })).json().error.message).toContain('2 repositories');
    expect((await bad({ units: ['web'], to: 'bad tag' })).json().error.message).toContain('neither a tag nor a digest');
  });

  it('runs the unattended upgrades of units in apply mode after a check, and does not retry a digest that failed', async () => {
    await shop();
    const checks = [
      { image: `${REG}/web:1`, units: ['web.container'], status: 'update-available', remoteDigest: D('e') },
      { image: `${REG}/api:1`, units: ['pinned.container'], status: 'update-available', remoteDigest: D('f') },
    ];
    host().registry.set(`${REG}/web:1`, 'broken-two');
    host().health = () =>
      host().ids.get(`${REG}/web:1`) === 'broken-two'
        ? { ok: false, detail: 'unhealthy' }
        : { ok: true, detail: 'healthy' };
    const first = await s.ctx.app.unattended.run('shop', checks);
    expect(first.map((o) => [o.unit, o.result?.outcome])).toEqual([['web.container', 'rolled-back']]);
    expect(await s.ctx.app.unattended.run('shop', checks)).toEqual([]);
    host().registry.set(`${REG}/web:1`, 'three');
    const later = await s.ctx.app.unattended.run('shop', [{ ...checks[0]!, remoteDigest: D('9') }]);
    expect(later.map((o) => [o.unit, o.result?.outcome])).toEqual([['web.container', 'applied']]);
  });
});

describe('notifications of upgrades and updates', () => {
  it('tells of a rolled-back upgrade, a finished one, and of an update once per digest', async () => {
    await shop();
    const sent: { kind: string; title: string }[] = [];
    const emit = s.ctx.app.notifications.emit.bind(s.ctx.app.notifications);
    s.ctx.app.notifications.emit = (e) => {
      sent.push({ kind: e.kind, title: e.title });
      return emit(e);
    };
    host().registry.set(`${REG}/web:1`, 'broken-two');
    host().health = () =>
      host().ids.get(`${REG}/web:1`) === 'broken-two'
        ? { ok: false, detail: 'unhealthy' }
        : { ok: true, detail: 'healthy' };
    await s.ctx.app.upgrades.upgrade('shop', { units: ['web'] }, { actor: 't' });
    host().registry.set(`${REG}/web:1`, 'three');
    await s.ctx.app.upgrades.upgrade('shop', { units: ['web'] }, { actor: 't' });
    expect(sent).toEqual([
      { kind: 'upgrade-rolled-back', title: 'shop: upgrade failed and was rolled back' },
      { kind: 'upgrade-finished', title: expect.stringMatching(/^shop: upgraded \(revision \d+\)$/) },
    ]);

    sent.length = 0;
    s.ctx.imageHost.images.set('shop', [
      {
        Id: '1'.repeat(64),
        Names: [`${REG}/web:1`],
        Digest: D('a'),
        RepoDigests: [`${REG}/web@${D('a')}`],
        Size: 100,
        Created: 1_764_604_800,
        Containers: 1,
      },
    ]);
    s.ctx.registry.digests.set(`${REG}/web:1`, D('d'));
    await s.ctx.app.updates.check('shop');
    await s.ctx.app.updates.check('shop');
    s.ctx.registry.digests.set(`${REG}/web:1`, D('e'));
    await s.ctx.app.updates.check('shop');
    expect(sent.filter((e) => e.kind === 'update-available').map((e) => e.title)).toEqual([
      `shop: an update of ${REG}/web:1 is available`,
      `shop: an update of ${REG}/web:1 is available`,
    ]);
  });
});

describe('upgrade input', () => {
  it('names a bad target before anything else, and a unit name that is not one', async () => {
    await shop();
    host().calls = [];
    const call = (body: unknown) => s.t.as('operator', 'POST', '/api/compartments/shop/upgrade', body);
    const bad = await call({ units: ['ghost'], to: '--authfile=/etc/shadow' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe(
      'to: "--authfile=/etc/shadow" is neither a tag nor a digest sha256:<64 hex digits>',
    );
    const ghost = await call({ units: ['--all'] });
    expect(ghost.statusCode).toBe(404);
    expect(ghost.json().error.message).toContain("no unit '--all'");
    expect(host().calls.some((c) => c.startsWith('pull') || c.startsWith('tag'))).toBe(false);
  });
});
