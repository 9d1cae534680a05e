/**
 * What the audit log records, route by route, in the real server assembly (http/server.ts: the real guard,
 * sessions, the audit safety net and the hash-chained log): every change, with its target naming the object
 * changed, and nothing for a request that changes nothing (a plan, an explain, a conversion, a check, a dry
 * run). The table covers every state-changing route of the OpenAPI document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoggedIn, loginAs } from '../auth/test-support.js';
import { buildServer } from '../server.js';
import { createTestContext, specText, type TestContext } from './compartments-test-support.js';

const C = '/api/compartments/shop';
const FINGERPRINT = `${'AB:'.repeat(31)}AB`;
const SECRET_VALUE = 'very-secret-value-4711';
const REGISTRY_PASSWORD = 'registry-password-4711';
const CAROL_PASSWORD = 'carol-password-1';
const VAULT = `template: 1
name: vault
parameters:
  - { name: tag, default: "1" }
spec:
  units:
    app.container: { container: { image: "localhost/app:\${tag}", exec: [sleep, infinity] } }
`;
const FOLDER = {
  dir: '/home/alice/.config/containers/systemd',
  realDir: '/home/alice/.config/containers/systemd',
  owner: { uid: 1000, name: 'alice' },
  files: [{ path: 'web.container', content: '[Container]\nImage=localhost/web:1\nExec=sleep infinity\n', mode: 0o644 }],
};

/** What a row learnt for the rows after it (the id of a token made). */
interface Learnt {
  tokenId?: string;
}

interface Row {
  /** The route as the OpenAPI document names it. */
  route: string;
  url: string | ((l: Learnt) => string);
  body?: unknown;
  /** Who asks: a global admin (default), carol (a session of her own, from logging in), or nobody. */
  as?: 'admin' | 'carol' | 'nobody';
  /** It fails inside (there is no restic in the route tests): a 500 is its answer. */
  internal?: true;
  /** The one entry the request adds ([action, target]), or null: none. */
  audit: [action: string, target: string] | null;
  learn?: (res: LightMyRequestResponse, l: Learnt) => void;
}

const TABLE: Row[] = [
  // ── reads: nothing changes, nothing is audited ────────────────────────────────────────────────────────
  { route: 'POST /api/compartments/{id}/plan', url: `${C}/plan`, body: { text: specText('shop', 3) }, audit: null },
  {
    route: 'POST /api/compartments/{id}/explain',
    url: `${C}/explain`,
    body: { unit: 'x.container', files: { 'x.container': '[Container]\nImage=localhost/x:1\n' } },
    audit: null,
  },
  {
    route: 'POST /api/convert/compose',
    url: '/api/convert/compose',
    body: { files: [{ name: 'compose.yaml', text: 'services:\n  web:\n    image: docker.io/library/nginx:1\n' }] },
    audit: null,
  },
  { route: 'POST /api/convert/run', url: '/api/convert/run', body: { command: 'podman run -d nginx' }, audit: null },
  { route: 'POST /api/compartments/{id}/updates/check', url: `${C}/updates/check`, audit: null },
  { route: 'POST /api/compartments/{id}/backups/check', url: `${C}/backups/check`, audit: null },
  // dry runs: the same routes change things only when asked to
  { route: 'POST /api/compartments/{id}/images/prune', url: `${C}/images/prune`, body: { dryRun: true }, audit: null },
  {
    route: 'POST /api/compartments/{id}/adopt',
    url: '/api/compartments/web/adopt',
    body: { dir: FOLDER.dir },
    audit: null,
  },
  {
    route: 'POST /api/compartments/{id}/import',
    url: '/api/compartments/blog/import',
    body: { text: '# no bundle' },
    audit: null,
  },
  {
    route: 'POST /api/templates',
    url: '/api/templates',
    body: { text: VAULT },
    audit: ['template.import', 'template:vault'],
  },
  {
    route: 'POST /api/templates/{name}/create',
    url: '/api/templates/vault/create',
    body: { compartment: 'v1' },
    audit: null,
  },
  {
    route: 'POST /api/catalog/{name}/install',
    url: '/api/catalog/notes/install',
    body: { compartment: 'notes' },
    audit: null,
  },

  // ── changes: each names its object ────────────────────────────────────────────────────────────────────
  {
    route: 'POST /api/compartments',
    url: '/api/compartments',
    body: { id: 'blog' },
    audit: ['compartment.create', 'compartment:blog'],
  },
  {
    route: 'PUT /api/compartments/{id}/spec',
    url: `${C}/spec`,
    body: { text: specText('shop', 3) },
    audit: ['compartment.apply', 'compartment:shop/revision:2'],
  },
  {
    route: 'POST /api/compartments/{id}/apply',
    url: `${C}/apply`,
    body: {},
    audit: ['compartment.apply', 'compartment:shop'],
  },
  {
    route: 'POST /api/compartments/{id}/rollback',
    url: `${C}/rollback`,
    body: { revision: 1 },
    audit: ['compartment.rollback', 'compartment:shop/revision:1'],
  },
  {
    route: 'POST /api/compartments/{id}/upgrade',
    url: `${C}/upgrade`,
    body: {},
    audit: ['compartment.upgrade', 'compartment:shop/unit:*'],
  },
  {
    route: 'POST /api/compartments/{id}/units/{action}',
    url: `${C}/units/restart`,
    body: { units: ['c0'] },
    audit: ['unit.restart', 'compartment:shop/unit:c0'],
  },
  {
    route: 'DELETE /api/compartments/{id}/volumes/{name}',
    url: `${C}/volumes/old`,
    audit: ['volume.delete', 'compartment:shop/volume:old'],
  },
  {
    route: 'PUT /api/compartments/{id}/volumes/{name}',
    url: `${C}/volumes/cache`,
    body: { kind: 'podman', options: { driver: 'local' } },
    audit: ['volume.declare', 'compartment:shop/volume:cache'],
  },
  {
    route: 'DELETE /api/compartments/{id}/volumes/{name}/declaration',
    url: `${C}/volumes/cache/declaration`,
    audit: ['volume.undeclare', 'compartment:shop/volume:cache'],
  },
  {
    route: 'POST /api/compartments/{id}/secrets',
    url: `${C}/secrets`,
    body: { name: 'db-password', value: SECRET_VALUE },
    audit: ['secret.create', 'compartment:shop/secret:db-password'],
  },
  {
    route: 'DELETE /api/compartments/{id}/secrets/{name}',
    url: `${C}/secrets/db-password`,
    audit: ['secret.delete', 'compartment:shop/secret:db-password'],
  },
  {
    route: 'POST /api/compartments/{id}/registries',
    url: `${C}/registries`,
    body: { registry: 'quay.io', username: 'bob', password: REGISTRY_PASSWORD },
    audit: ['registry.login', 'compartment:shop/registry:quay.io'],
  },
  {
    route: 'DELETE /api/compartments/{id}/registries/{registry}',
    url: `${C}/registries/quay.io`,
    audit: ['registry.logout', 'compartment:shop/registry:quay.io'],
  },
  {
    route: 'PUT /api/compartments/{id}/files/{*}',
    url: `${C}/files/app.env`,
    body: { content: 'A=2\n' },
    audit: ['file.put', 'compartment:shop/file:app.env'],
  },
  {
    route: 'DELETE /api/compartments/{id}/files/{*}',
    url: `${C}/files/app.env`,
    audit: ['file.delete', 'compartment:shop/file:app.env'],
  },
  {
    route: 'POST /api/compartments/{id}/images/prune',
    url: `${C}/images/prune`,
    body: {},
    audit: ['image.prune', 'compartment:shop/images:unused'],
  },
  {
    route: 'POST /api/compartments/{id}/backups',
    url: `${C}/backups`,
    body: {},
    internal: true,
    audit: ['backup.run', 'compartment:shop/backups:repository'],
  },
  {
    route: 'POST /api/compartments/{id}/backups/restore',
    url: `${C}/backups/restore`,
    body: { snapshot: 'deadbeef' },
    audit: ['backup.restore', 'compartment:shop/snapshot:deadbeef'],
  },
  {
    route: 'POST /api/compartments/{id}/backups/restore-file',
    url: `${C}/backups/restore-file`,
    body: { snapshot: 'deadbeef', path: '/srv/quadletman/volumes/shop/data/a.txt' },
    audit: ['backup.restore-file', 'compartment:shop/snapshot:deadbeef'],
  },
  {
    route: 'PUT /api/compartments/{id}/backups/repository',
    url: `${C}/backups/repository`,
    body: { location: '/srv/backups/shop' },
    audit: ['backup.repository', 'compartment:shop/backups:repository'],
  },
  {
    route: 'PUT /api/compartments/{id}/backups/policy',
    url: `${C}/backups/policy`,
    // (no retention: the prune below is refused before restic, which the route tests do not have)
    body: { schedule: 'daily 03:00', keep: null },
    audit: ['backup.policy', 'compartment:shop/backups:policy'],
  },
  {
    route: 'POST /api/compartments/{id}/backups/prune',
    url: `${C}/backups/prune`,
    audit: ['backup.prune', 'compartment:shop/backups:repository'],
  },
  {
    route: 'POST /api/compartments/{id}/adopt',
    url: '/api/compartments/web/adopt',
    body: { dir: FOLDER.dir, apply: true },
    audit: ['compartment.adopt', 'compartment:web'],
  },
  {
    route: 'POST /api/compartments/{id}/import',
    url: '/api/compartments/blog/import',
    body: { text: '# no bundle', apply: true },
    audit: ['compartment.import', 'compartment:blog'],
  },
  {
    route: 'POST /api/compartments/{id}/template',
    url: `${C}/template`,
    body: { name: 'shop-kind' },
    audit: ['template.save', 'template:shop-kind'],
  },
  {
    route: 'POST /api/templates/{name}/create',
    url: '/api/templates/vault/create',
    body: { compartment: 'v1', apply: true },
    audit: ['template.create', 'compartment:v1'],
  },
  { route: 'DELETE /api/templates/{name}', url: '/api/templates/vault', audit: ['template.delete', 'template:vault'] },
  {
    route: 'POST /api/catalog/{name}/install',
    url: '/api/catalog/notes/install',
    body: { compartment: 'notes', apply: true },
    audit: ['catalog.install', 'compartment:notes'],
  },
  {
    route: 'POST /api/notifications/channels',
    url: '/api/notifications/channels',
    body: { name: 'ops', kind: 'webhook', url: 'https://hooks.example.test/', secret: 'x'.repeat(16) },
    audit: ['notify.channel.create', 'notify-channel:ops'],
  },
  {
    route: 'PATCH /api/notifications/channels/{id}',
    url: '/api/notifications/channels/ops',
    body: { enabled: false },
    audit: ['notify.channel.update', 'notify-channel:ops'],
  },
  {
    route: 'POST /api/notifications/channels/{id}/test',
    url: '/api/notifications/channels/ops/test',
    audit: ['notify.channel.test', 'notify-channel:ops'],
  },
  {
    route: 'DELETE /api/notifications/channels/{id}',
    url: '/api/notifications/channels/ops',
    audit: ['notify.channel.delete', 'notify-channel:ops'],
  },
  {
    route: 'PUT /api/edge/settings',
    url: '/api/edge/settings',
    body: { httpsPort: 8443 },
    audit: ['edge.settings', 'edge:settings'],
  },
  { route: 'POST /api/edge/sync', url: '/api/edge/sync', audit: ['edge.sync', 'edge:caddy'] },
  // (refused: the test context has no repository for quadletman's own backups)
  {
    route: 'POST /api/system/self-backup/run',
    url: '/api/system/self-backup/run',
    audit: ['backup.self-start', 'system:quadletman'],
  },
  // (refused: the certificate is unknown until it is read)
  {
    route: 'POST /api/edge/certificates',
    url: '/api/edge/certificates',
    body: { certificate: 'x', key: 'y' },
    audit: ['edge.certificate.add', 'certificate'],
  },
  {
    route: 'DELETE /api/edge/certificates/{fingerprint}',
    url: `/api/edge/certificates/${FINGERPRINT}`,
    audit: ['edge.certificate.remove', `certificate:${FINGERPRINT}`],
  },
  {
    route: 'POST /api/admin/users',
    url: '/api/admin/users',
    body: { username: 'carol', password: CAROL_PASSWORD, role: 'viewer', compartment: 'shop' },
    audit: ['user.create', 'user:carol'],
  },
  {
    route: 'PUT /api/admin/users/{username}/grants/{compartment}',
    url: '/api/admin/users/carol/grants/shop',
    body: { role: 'operator' },
    audit: ['grant.set', 'grant:carol@shop'],
  },
  {
    route: 'PUT /api/admin/users/{username}/password',
    url: '/api/admin/users/carol/password',
    body: { password: CAROL_PASSWORD },
    audit: ['user.password', 'user:carol'],
  },
  {
    route: 'POST /api/auth/login',
    url: '/api/auth/login',
    as: 'nobody',
    body: { username: 'carol', password: CAROL_PASSWORD },
    audit: ['auth.login', 'user:carol'],
  },
  {
    route: 'POST /api/auth/password',
    url: '/api/auth/password',
    as: 'carol',
    body: { current: CAROL_PASSWORD, password: 'carol-password-2' },
    audit: ['user.password', 'user:carol'],
  },
  { route: 'POST /api/auth/logout', url: '/api/auth/logout', as: 'carol', audit: ['auth.logout', 'user:carol'] },
  {
    route: 'DELETE /api/admin/users/{username}/grants/{compartment}',
    url: '/api/admin/users/carol/grants/shop',
    audit: ['grant.revoke', 'grant:carol@shop'],
  },
  {
    route: 'POST /api/admin/tokens',
    url: '/api/admin/tokens',
    body: { name: 'deploy', role: 'viewer' },
    audit: ['token.create', 'token:deploy'],
    learn: (res, l) => {
      l.tokenId = res.json().id;
    },
  },
  {
    route: 'DELETE /api/admin/tokens/{tokenId}',
    url: (l) => `/api/admin/tokens/${l.tokenId}`,
    audit: ['token.revoke', 'token:deploy'],
  },
  { route: 'DELETE /api/admin/users/{username}', url: '/api/admin/users/carol', audit: ['user.delete', 'user:carol'] },
  {
    route: 'POST /api/auth/setup',
    url: '/api/auth/setup',
    as: 'nobody',
    body: { token: 'not-the-token', username: 'eve', password: 'eve-password' },
    audit: ['auth.setup', 'user:eve'],
  },
  {
    route: 'DELETE /api/compartments/{id}',
    url: '/api/compartments/blog',
    audit: ['compartment.delete', 'compartment:blog'],
  },
];

let dir: string;
let ctx: TestContext;
let server: FastifyInstance;
/** Per row: its status and the entries it added ([action, target, result]). */
const seen: { row: Row; status: number; added: [string, string, string][] }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qm-audit-table-'));
  ctx = createTestContext({ dataDir: dir, folders: { [FOLDER.dir]: FOLDER } });
  await ctx.app.compartments.create({ id: 'shop' });
  await ctx.app.compartments.applySpecText(specText('shop'), 'test', { actor: 'seed' });
  ctx.resourceHost.podman.set('shop', [{ name: 'old', mountpoint: '/x' }]);
  server = await buildServer(ctx.app);
  const admin = loginAs(server, 'admin', { username: 'ada' });
  let carol: LoggedIn['headers'] | undefined;
  const learnt: Learnt = {};
  const { store } = ctx.app;
  for (const row of TABLE) {
    const [method] = row.route.split(' ');
    const url = typeof row.url === 'function' ? row.url(learnt) : row.url;
    const headers = row.as === 'nobody' ? {} : row.as === 'carol' ? carol! : admin.headers;
    const last = store.audit.list({ limit: 1 })[0]?.id ?? 0;
    const res = await server.inject({
      method: method as 'POST',
      url,
      headers,
      ...(row.body !== undefined ? { payload: row.body as object } : {}),
    });
    row.learn?.(res, learnt);
    // a session answer (login, a password change) is carol's session from now on
    const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith(`${server.quadletman.sessionCookie}=`));
    if (cookie && res.statusCode === 200)
      carol = { cookie: cookie.split(';')[0]!, 'x-csrf-token': res.json().csrfToken };
    const added = store.audit
      .list({ limit: 100 })
      .filter((e) => e.id > last)
      .reverse()
      .map((e): [string, string, string] => [e.action, e.target, e.result]);
    seen.push({ row, status: res.statusCode, added });
  }
});
afterAll(async () => {
  await server?.close();
  ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the audit log, route by route', () => {
  it('covers every state-changing route of the OpenAPI document', async () => {
    const doc = (await server.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, object> };
    const mutating = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect([...new Set(TABLE.map((r) => r.route))].sort()).toEqual([...new Set(mutating)].sort());
  });

  it.each(TABLE.map((row, i) => [row.route, row.audit ? row.audit.join(' ') : 'not audited', i] as const))(
    '%s: %s',
    (_route, _what, i) => {
      const { row, status, added } = seen[i]!;
      if (!row.internal) expect(status, `${row.route} answered ${status}`).toBeLessThan(500);
      expect(added.map(([action, target]) => [action, target])).toEqual(row.audit ? [row.audit] : []);
    },
  );

  it('the changes that succeeded are ok; none holds a secret value, a password or a token', () => {
    const ok = seen.filter((s) => s.status < 300 && s.row.audit).map((s) => s.added[0]?.[2]);
    expect(new Set(ok)).toEqual(new Set(['ok']));
    const all = JSON.stringify(ctx.app.store.audit.list({ limit: 1000 }));
    for (const secret of [SECRET_VALUE, REGISTRY_PASSWORD, CAROL_PASSWORD, 'carol-password-2', 'x'.repeat(16)]) {
      expect(all).not.toContain(secret);
    }
    expect(ctx.app.store.audit.verify()).toMatchObject({ ok: true });
  });

  it('a secret is named, its value is not', () => {
    const entry = ctx.app.store.audit.list({ action: 'secret.create' })[0]!;
    expect(entry.target).toBe('compartment:shop/secret:db-password');
    expect(entry.compartment).toBe('shop');
    expect(JSON.parse(entry.details)).toEqual({ secret: 'db-password', replace: false });
    expect(JSON.stringify(entry)).not.toContain(SECRET_VALUE);
  });

  it('an apply names the revision it made and the files it changed', () => {
    const entry = ctx.app.store.audit.list({ action: 'compartment.apply' }).at(-1)!;
    expect(entry.target).toBe('compartment:shop/revision:2');
    expect(JSON.parse(entry.details)).toEqual({
      outcome: 'applied',
      revision: 2,
      added: ['.config/containers/systemd/c2.container'],
    });
  });
});
