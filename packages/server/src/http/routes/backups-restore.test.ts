// A restore over HTTP into another compartment: the caller must be admin of that compartment too (a denial reaches
// no service), `into` must be a compartment id, and one that exists.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Setup, setup } from './compartments-test-setup.js';

let dir: string;
let s: Setup;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-routes-backup-restore-'));
});
afterEach(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const P = '/api/compartments/shop/backups/restore';

describe('restore into another compartment', () => {
  it('needs the admin role on the compartment restored into too', async () => {
    s = await setup(dir, { shop: true });
    await s.ctx.app.compartments.create({ id: 'other' });
    // admin of shop only, admin of other only: refused, before any service
    for (const user of ['shopAdmin', 'otherAdmin']) {
      const denied = await s.t.as(user, 'POST', P, { snapshot: 'deadbeef', into: 'other' });
      expect(denied.statusCode, user).toBe(403);
    }
    expect(s.t.audits).toEqual([]);
    // without `into`, shop's admin restores into shop (no repository yet: the service's answer)
    const own = await s.t.as('shopAdmin', 'POST', P, { snapshot: 'deadbeef' });
    expect(own.statusCode).toBe(404);
    expect(own.json().error.message).toMatch(/no backup repository/);
    // an admin of both gets to the service; the audit entry names where it was to go
    const through = await s.t.as('admin', 'POST', P, { snapshot: 'deadbeef', into: 'other' });
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
    const bad = await s.t.as('admin', 'POST', P, { snapshot: 'deadbeef', into: '../x' });
    expect(bad.statusCode).toBe(400);
    const none = await s.t.as('admin', 'POST', P, { snapshot: 'deadbeef', into: 'nowhere' });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.message).toMatch(/no compartment 'nowhere'/);
  });
});
