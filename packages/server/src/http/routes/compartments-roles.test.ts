/**
 * The role matrix: every route × nobody, each role granted globally, each role granted on the compartment
 * (`shop`) and admin granted on another compartment. A request is let through exactly when the principal holds
 * the route's role globally, or on `shop` for routes about one compartment.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Role } from '../types.js';
import { setup, USERS } from './compartments-test-setup.js';
import { specText } from './compartments-test-support.js';

/** scope `any`: any principal may ask (the answer holds what it may see). */
type Row = [method: string, url: string, role: Role, scope: 'global' | 'compartment' | 'any', body?: unknown];

const C = '/api/compartments/shop';
export const MATRIX: Row[] = [
  ['GET', '/api/compartments', 'viewer', 'any'],
  ['POST', '/api/compartments', 'admin', 'global', { id: 'blog' }],
  ['GET', C, 'viewer', 'compartment'],
  ['DELETE', C, 'admin', 'compartment'],
  ['GET', `${C}/spec`, 'viewer', 'compartment'],
  ['PUT', `${C}/spec`, 'operator', 'compartment', { text: specText('shop', 3) }],
  ['GET', `${C}/plan`, 'viewer', 'compartment'],
  ['POST', `${C}/plan`, 'viewer', 'compartment', { text: specText('shop', 3) }],
  ['POST', `${C}/apply`, 'operator', 'compartment', {}],
  ['GET', `${C}/revisions`, 'viewer', 'compartment'],
  ['GET', `${C}/revisions/1`, 'viewer', 'compartment'],
  ['GET', `${C}/revisions/1/rollback-plan`, 'viewer', 'compartment'],
  ['POST', `${C}/rollback`, 'operator', 'compartment', { revision: 1 }],
  ['GET', `${C}/upgradable`, 'viewer', 'compartment'],
  ['POST', `${C}/upgrade`, 'operator', 'compartment', {}],
  ['GET', `${C}/units`, 'viewer', 'compartment'],
  ['GET', `${C}/dependencies`, 'viewer', 'compartment'],
  ['POST', `${C}/units/start`, 'operator', 'compartment', {}],
  ['POST', `${C}/units/stop`, 'operator', 'compartment', {}],
  ['POST', `${C}/units/restart`, 'operator', 'compartment', {}],
  ['GET', `${C}/volumes`, 'viewer', 'compartment'],
  ['DELETE', `${C}/volumes/old`, 'admin', 'compartment'],
  ['PUT', `${C}/volumes/cache`, 'operator', 'compartment', { kind: 'host' }],
  ['DELETE', `${C}/volumes/data/declaration`, 'operator', 'compartment'],
  ['GET', `${C}/secrets`, 'viewer', 'compartment'],
  ['POST', `${C}/secrets`, 'admin', 'compartment', { name: 'token', value: 'v' }],
  ['DELETE', `${C}/secrets/token`, 'admin', 'compartment'],
  ['GET', `${C}/registries`, 'viewer', 'compartment'],
  ['POST', `${C}/registries`, 'admin', 'compartment', { registry: 'quay.io', username: 'bob', password: 'pw' }],
  ['DELETE', `${C}/registries/quay.io`, 'admin', 'compartment'],
  ['GET', `${C}/images`, 'viewer', 'compartment'],
  ['POST', `${C}/images/prune`, 'admin', 'compartment', { dryRun: true }],
  ['GET', `${C}/updates`, 'viewer', 'compartment'],
  ['POST', `${C}/updates/check`, 'operator', 'compartment'],
  ['GET', `${C}/files`, 'viewer', 'compartment'],
  ['GET', `${C}/files/app.env`, 'viewer', 'compartment'],
  ['PUT', `${C}/files/app.env`, 'operator', 'compartment', { content: 'A=2\n' }],
  ['DELETE', `${C}/files/app.env`, 'operator', 'compartment'],
  ['GET', '/api/doctor', 'viewer', 'global'],
  ['GET', '/api/system/self-backup', 'admin', 'global'],
  ['POST', '/api/system/self-backup/run', 'admin', 'global'],
  ['POST', `${C}/adopt`, 'admin', 'global', { dir: '/srv/app' }],
  ['GET', `${C}/export`, 'viewer', 'compartment'],
  ['POST', `${C}/import`, 'admin', 'global', { text: '# bundle' }],
  ['POST', `${C}/explain`, 'viewer', 'compartment', { unit: 'x.container', files: { 'x.container': '[Container]\n' } }],
  ['GET', '/api/notifications/channels', 'admin', 'global'],
  [
    'POST',
    '/api/notifications/channels',
    'admin',
    'global',
    { name: 'ops', kind: 'webhook', url: 'https://hooks.example.test/', secret: 'x'.repeat(16), scope: 'shop' },
  ],
  ['PATCH', '/api/notifications/channels/ops', 'admin', 'global', { enabled: false }],
  ['DELETE', '/api/notifications/channels/ops', 'admin', 'global'],
  ['POST', '/api/notifications/channels/ops/test', 'admin', 'global'],
  ['GET', '/api/notifications/deliveries', 'admin', 'global'],
  ['GET', '/api/templates', 'viewer', 'global'],
  ['GET', '/api/templates/web', 'viewer', 'global'],
  ['POST', '/api/templates', 'admin', 'global', { text: 'template: 1' }],
  ['DELETE', '/api/templates/web', 'admin', 'global'],
  ['POST', `${C}/template`, 'admin', 'global', { name: 'web' }],
  ['POST', '/api/templates/web/create', 'admin', 'global', { compartment: 'blog' }],
  ['GET', `${C}/origin`, 'viewer', 'compartment'],
  ['GET', '/api/catalog', 'viewer', 'global'],
  ['GET', '/api/catalog/notes', 'viewer', 'global'],
  ['POST', '/api/catalog/notes/install', 'admin', 'global', { compartment: 'blog' }],
  ['GET', `${C}/backups`, 'viewer', 'compartment'],
  ['POST', `${C}/backups`, 'operator', 'compartment', {}],
  ['GET', `${C}/backups/progress`, 'viewer', 'compartment'],
  ['POST', `${C}/backups/restore`, 'admin', 'compartment', { snapshot: 'deadbeef' }],
  ['GET', `${C}/backups/deadbeef/files?path=/`, 'operator', 'compartment'],
  ['POST', `${C}/backups/restore-file`, 'admin', 'compartment', { snapshot: 'deadbeef', path: '/x/y' }],
  ['POST', `${C}/backups/check`, 'operator', 'compartment'],
  ['GET', `${C}/backups/repository`, 'operator', 'compartment'],
  ['PUT', `${C}/backups/repository`, 'admin', 'compartment', { location: '/srv/backups/shop' }],
  ['GET', `${C}/backups/policy`, 'viewer', 'compartment'],
  ['PUT', `${C}/backups/policy`, 'operator', 'compartment', { schedule: 'daily 03:00' }],
  ['POST', `${C}/backups/prune`, 'operator', 'compartment'],
  ['GET', '/api/edge', 'viewer', 'any'],
  ['GET', '/api/edge/ca.crt', 'viewer', 'any'],
  ['PUT', '/api/edge/settings', 'admin', 'global', { httpsPort: 8443 }],
  ['POST', '/api/edge/sync', 'admin', 'global'],
  ['GET', '/api/connections', 'viewer', 'any'],
  ['POST', '/api/edge/certificates', 'admin', 'global', { certificate: 'x', key: 'y' }],
  ['DELETE', `/api/edge/certificates/${'AB:'.repeat(31)}AB`, 'admin', 'global'],
];

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

function allowed(user: string, role: Role, scope: Row[3]): boolean {
  if (scope === 'any') return true;
  const u = USERS[user]!;
  if (u.global && RANK[u.global] >= RANK[role]) return true;
  const g = u.grants?.shop;
  return scope === 'compartment' && g !== undefined && RANK[g] >= RANK[role];
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('role matrix', () => {
  it('covers every route the modules register', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-roles-'));
    dirs.push(dir);
    const s = await setup(dir);
    const pattern = (url: string) =>
      url
        .replace('/api/compartments/shop', '/api/compartments/:id')
        .replace(/\/units\/(start|stop|restart)$/, '/units/:action')
        .replace(/\/revisions\/1$/, '/revisions/:number')
        .replace(/\/revisions\/1\/rollback-plan$/, '/revisions/:number/rollback-plan')
        .replace(/\/(volumes|secrets)\/(old|token|cache)$/, '/$1/:name')
        .replace(/\/volumes\/data\/declaration$/, '/volumes/:name/declaration')
        .replace(/\/registries\/quay\.io$/, '/registries/:registry')
        .replace(/\/files\/app\.env$/, '/files/*')
        .replace(/\/notifications\/channels\/ops/, '/notifications/channels/:id')
        .replace(/\/templates\/web/, '/templates/:name')
        .replace(/\/catalog\/notes/, '/catalog/:name')
        .replace(/\/certificates\/[0-9A-F:]+$/, '/certificates/:fingerprint')
        .replace(/\/backups\/deadbeef\/files\?.*$/, '/backups/:snapshot/files');
    const covered = new Set(MATRIX.map(([m, url]) => `${m} ${pattern(url)}`));
    expect([...new Set(s.t.routes)].sort()).toEqual([...covered].sort());
    await s.close();
  });

  it('lists only the compartments a principal may view', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-roles-'));
    dirs.push(dir);
    const s = await setup(dir, { shop: true });
    await s.ctx.app.compartments.create({ id: 'blog' });
    const ids = async (user: string) =>
      (await s.t.as(user, 'GET', '/api/compartments')).json().compartments.map((c: { id: string }) => c.id);
    expect(await ids('viewer')).toEqual(['blog', 'shop']);
    expect(await ids('shopViewer')).toEqual(['shop']);
    expect(await ids('otherAdmin')).toEqual([]);
    await s.close();
  });

  describe.each(MATRIX)('%s %s (%s, %s)', (method, url, role, scope, body) => {
    it('needs a principal, then the role, globally or on the compartment', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'qm-roles-'));
      dirs.push(dir);
      const s = await setup(dir, { shop: true });
      s.ctx.resourceHost.podman.set('shop', [{ name: 'old', mountpoint: '/x' }]);
      try {
        const anonymous = await s.t.as(undefined, method, url, body);
        expect(anonymous.statusCode).toBe(401);
        expect(anonymous.json().error.code).toBe('unauthorized');
        // the viewers and the foreign admin first: what they may not do must not have been done by another
        const order = ['viewer', 'shopViewer', 'otherAdmin', 'operator', 'shopOperator', 'shopAdmin', 'admin'];
        for (const user of order) {
          const res = await s.t.as(user, method, url, body);
          const ok = allowed(user, role, scope);
          expect({ user, status: res.statusCode, denied: res.statusCode === 401 || res.statusCode === 403 }).toEqual({
            user,
            status: ok ? expect.any(Number) : 403,
            denied: !ok,
          });
        }
        // (shopAdmin deleted shop before admin asked: admin's answer is a 404, which is not a denial)
        if (method === 'DELETE' && url === C) expect(s.ctx.accounts.has('shop')).toBe(false);
      } finally {
        await s.close();
      }
    });
  });
});
