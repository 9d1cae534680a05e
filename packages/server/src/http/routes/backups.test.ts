// Backups over HTTP. The policy: the default (off), a change and its answer with the next run, a refused policy's
// problems by field (details.issues, for the web form), a prune without a retention refused, the audit entries.
// A restore into another compartment: the caller must be admin of that compartment too (a denial reaches no
// service), `into` must be a compartment id, and one that exists.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupPolicyViewSchema } from '../../api/contract.js';
import { overviewOf } from './compartments-overview.js';
import { type Setup, setup } from './compartments-test-setup.js';

let dir: string;
let s: Setup;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-routes-backup-policy-'));
});
afterEach(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const P = '/api/compartments/shop/backups/policy';

describe('backup policy', () => {
  it('is off by default; an operator sets it and gets the next run; fields not given stay', async () => {
    s = await setup(dir, { shop: true });
    const first = BackupPolicyViewSchema.parse((await s.t.as('viewer', 'GET', P)).json());
    expect(first).toEqual({
      compartment: 'shop',
      policy: { schedule: 'off', mode: 'stop', keep: null },
      nextRun: null,
      lastRun: null,
      lastCheck: null,
    });
    const put = await s.t.as('operator', 'PUT', P, { schedule: 'weekly SUN 2:30', keep: { daily: 7, weekly: 4 } });
    expect(put.statusCode).toBe(200);
    const v = BackupPolicyViewSchema.parse(put.json());
    expect(v.policy).toEqual({
      schedule: 'weekly sun 02:30',
      mode: 'stop',
      keep: { last: 0, daily: 7, weekly: 4, monthly: 0 },
    });
    expect(new Date(v.nextRun!).getUTCDay()).toBe(0);
    const mode = await s.t.as('operator', 'PUT', P, { mode: 'live' });
    expect(mode.json().policy).toMatchObject({ schedule: 'weekly sun 02:30', mode: 'live' });
    const off = await s.t.as('operator', 'PUT', P, { schedule: 'off', keep: null });
    expect(off.json()).toMatchObject({ policy: { schedule: 'off', keep: null }, nextRun: null });
  });

  it('refuses a bad policy with its problems by field, and changes nothing', async () => {
    s = await setup(dir, { shop: true });
    const r = await s.t.as('operator', 'PUT', P, {
      schedule: 'daily 25:00',
      mode: 'paused',
      keep: { last: 1001, daily: 0 },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('invalid');
    expect(r.json().error.details.issues.map((i: { path: string }) => i.path)).toEqual([
      'schedule',
      'mode',
      'keep.last',
    ]);
    expect((await s.t.as('viewer', 'GET', P)).json().policy.schedule).toBe('off');
  });

  it('refuses a prune without a retention', async () => {
    s = await setup(dir, { shop: true });
    const r = await s.t.as('operator', 'POST', '/api/compartments/shop/backups/prune');
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toMatch(/no retention/);
  });
});

const REPO = '/api/compartments/shop/backups/repository';

describe('backup repository', () => {
  it('has none at first; an admin sets a folder and gets its password once; a second is refused unless replace', async () => {
    s = await setup(dir, { shop: true });
    expect((await s.t.as('operator', 'GET', REPO)).json()).toBeNull();
    expect((await s.t.as('operator', 'PUT', REPO, { location: '/srv/backups/shop' })).statusCode).toBe(403);
    const put = await s.t.as('admin', 'PUT', REPO, { location: '/srv/backups/shop' });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ location: '/srv/backups/shop', kind: 'local', password: expect.any(String) });
    expect((await s.t.as('operator', 'GET', REPO)).json()).toEqual({ location: '/srv/backups/shop', kind: 'local' });
    const again = await s.t.as('admin', 'PUT', REPO, { location: '/srv/other' });
    expect(again.statusCode).toBe(409);
    const replaced = await s.t.as('admin', 'PUT', REPO, { location: '/srv/other', replace: true });
    expect(replaced.json().previous).toEqual({ location: '/srv/backups/shop', password: put.json().password });
  });

  it('refuses a location that could smuggle an option, by field', async () => {
    s = await setup(dir, { shop: true });
    const r = await s.t.as('admin', 'PUT', '/api/compartments/shop/backups/repository', {
      location: 'sftp:bk@-oProxyCommand=sh:/x',
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details.issues).toEqual([{ path: 'location', message: expect.stringMatching(/not a host/) }]);
  });
});

const R = '/api/compartments/shop/backups/restore';

describe('restore into another compartment', () => {
  it('needs the admin role on the compartment restored into too', async () => {
    s = await setup(dir, { shop: true });
    await s.ctx.app.compartments.create({ id: 'other' });
    // admin of shop only, admin of other only: refused, before any service
    for (const user of ['shopAdmin', 'otherAdmin']) {
      const denied = await s.t.as(user, 'POST', R, { snapshot: 'deadbeef', into: 'other' });
      expect(denied.statusCode, user).toBe(403);
    }
    expect(s.t.audits).toEqual([]);
    // without `into`, shop's admin restores into shop (no repository yet: the service's answer)
    const own = await s.t.as('shopAdmin', 'POST', R, { snapshot: 'deadbeef' });
    expect(own.statusCode).toBe(404);
    expect(own.json().error.message).toMatch(/no backup repository/);
    // an admin of both gets to the service; the audit entry names where it was to go
    const through = await s.t.as('admin', 'POST', R, { snapshot: 'deadbeef', into: 'other' });
    expect(through.statusCode).toBe(404);
    expect(s.t.audits.at(-1)).toMatchObject({
      action: 'backup.restore',
      target: 'compartment:shop/snapshot:deadbeef',
      result: 'failed',
      details: { snapshot: 'deadbeef', into: 'other' },
    });
  });

  it('refuses an `into` that is no compartment id, or no compartment', async () => {
    s = await setup(dir, { shop: true });
    const bad = await s.t.as('admin', 'POST', R, { snapshot: 'deadbeef', into: '../x' });
    expect(bad.statusCode).toBe(400);
    const none = await s.t.as('admin', 'POST', R, { snapshot: 'deadbeef', into: 'nowhere' });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.message).toMatch(/no compartment 'nowhere'/);
  });
});

describe('a failed scheduled backup on the dashboard', () => {
  it('the compartment list names it until a scheduled run succeeds; a failed check too', async () => {
    s = await setup(dir, { shop: true });
    const list = async () =>
      (
        (await s.t.as('viewer', 'GET', '/api/compartments')).json().compartments as {
          id: string;
          backupFailed: unknown;
        }[]
      ).find((c) => c.id === 'shop')!.backupFailed;
    expect(await list()).toBeNull();
    s.ctx.app.backups.setPolicy('shop', { schedule: 'daily 03:00' });
    const at = '2026-12-04T03:00:00.000Z';
    s.ctx.app.store.backups.recordRun('shop', {
      at,
      finishedAt: at,
      result: 'failed',
      stage: 'backup',
      error: 'Fatal: wrong password',
    });
    overviewOf(s.ctx.app).invalidate('shop'); // (the list is cached for a second or two)
    expect(await list()).toEqual({ at, error: 'Fatal: wrong password' });
    s.ctx.app.store.backups.recordRun('shop', { at, finishedAt: at, result: 'ok', snapshot: 'ab'.repeat(32) });
    overviewOf(s.ctx.app).invalidate('shop');
    expect(await list()).toBeNull();
    // a check since that found problems names them, until a newer check finds the repository sound
    const later = '2026-12-05T10:00:00.000Z';
    s.ctx.app.store.backups.add('shop', '/srv/r', 'pw');
    s.ctx.app.store.backups.recordCheck('shop', { at: later, ok: false, output: 'check snapshots\npack abc: damaged' });
    overviewOf(s.ctx.app).invalidate('shop');
    expect(await list()).toEqual({
      at: later,
      error: 'restic check found problems: check snapshots | pack abc: damaged',
    });
    s.ctx.app.store.backups.recordCheck('shop', { at: '2026-12-05T11:00:00.000Z', ok: true, output: 'no errors' });
    overviewOf(s.ctx.app).invalidate('shop');
    expect(await list()).toBeNull();
  });
});

describe("a snapshot's files", () => {
  const F = '/api/compartments/shop/backups/deadbeef/files';
  const RF = '/api/compartments/shop/backups/restore-file';

  it('browses as an operator; a bad path or snapshot is refused before restic, by field', async () => {
    s = await setup(dir, { shop: true });
    expect((await s.t.as('viewer', 'GET', `${F}?path=/`)).statusCode).toBe(403);
    const none = await s.t.as('operator', 'GET', `${F}?path=/`);
    expect(none.statusCode).toBe(404);
    expect(none.json().error.message).toMatch(/no backup repository/);
    const bad = await s.t.as('operator', 'GET', `${F}?path=${encodeURIComponent('/srv/../etc')}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues).toEqual([{ path: 'path', message: expect.stringMatching(/normalized/) }]);
    expect((await s.t.as('operator', 'GET', '/api/compartments/shop/backups/x;rm/files')).statusCode).toBe(400);
  });

  it('restores a file as an admin only, audited as backup.restore-file with the path', async () => {
    s = await setup(dir, { shop: true });
    const body = { snapshot: 'deadbeef', path: '/srv/x/a.txt' };
    expect((await s.t.as('operator', 'POST', RF, body)).statusCode).toBe(403);
    expect(s.t.audits).toEqual([]);
    const r = await s.t.as('admin', 'POST', RF, body);
    expect(r.statusCode).toBe(404);
    expect(s.t.audits.at(-1)).toMatchObject({
      action: 'backup.restore-file',
      target: 'compartment:shop/snapshot:deadbeef',
      result: 'failed',
      details: { snapshot: 'deadbeef', path: '/srv/x/a.txt' },
    });
    const ctl = await s.t.as('admin', 'POST', RF, { snapshot: 'deadbeef', path: '/srv/x/a\u0001' });
    expect(ctl.statusCode).toBe(400);
  });
});
