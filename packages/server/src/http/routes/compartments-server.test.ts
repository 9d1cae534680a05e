/**
 * The route modules in the real server assembly (http/server.ts): real sessions and API tokens, the real
 * guard, CSRF and the hash-chained audit log, and the OpenAPI document built from the contract.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompartmentListSchema } from '../../api/contract.js';
import { loginAs, tokenFor } from '../auth/test-support.js';
import { buildServer } from '../server.js';
import { createTestContext, specText, type TestContext } from './compartments-test-support.js';

let dir: string;
let ctx: TestContext;
let server: FastifyInstance;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qm-server-'));
  ctx = createTestContext({ dataDir: dir });
  await ctx.app.compartments.create({ id: 'shop' });
  await ctx.app.compartments.applySpecText(specText('shop'), 'test', { actor: 'seed' });
  server = await buildServer(ctx.app);
});
afterEach(async () => {
  await server.close();
  ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('in the server assembly', () => {
  it('serves the routes to a session and to an API token, and refuses nobody', async () => {
    const viewer = loginAs(server, 'viewer');
    const res = await server.inject({ method: 'GET', url: '/api/compartments', headers: viewer.headers });
    expect(res.statusCode).toBe(200);
    expect(CompartmentListSchema.parse(res.json()).compartments.map((c) => c.id)).toEqual(['shop']);
    const token = tokenFor(server, 'viewer', { compartment: 'shop' });
    const detail = await server.inject({ method: 'GET', url: '/api/compartments/shop', headers: token.headers });
    expect(detail.statusCode).toBe(200);
    const nobody = await server.inject({ method: 'GET', url: '/api/compartments/shop' });
    expect(nobody.statusCode).toBe(401);
    expect(nobody.json().error.code).toBe('unauthorized');
  });

  it('enforces roles per compartment with the real guard', async () => {
    const shopOperator = loginAs(server, 'operator', { compartment: 'shop' });
    const stop = await server.inject({
      method: 'POST',
      url: '/api/compartments/shop/units/stop',
      headers: shopOperator.headers,
      payload: { units: ['c0'] },
    });
    expect(stop.statusCode).toBe(200);
    const del = await server.inject({ method: 'DELETE', url: '/api/compartments/shop', headers: shopOperator.headers });
    expect(del.statusCode).toBe(403);
    await ctx.app.compartments.create({ id: 'other' });
    const otherAdmin = loginAs(server, 'admin', { compartment: 'other' });
    const read = await server.inject({ method: 'GET', url: '/api/compartments/shop', headers: otherAdmin.headers });
    expect(read.statusCode).toBe(403);
  });

  it("a restore into another compartment needs the admin role there too (the body's `into`), a denial audited", async () => {
    await ctx.app.compartments.create({ id: 'other' });
    const shopAdmin = loginAs(server, 'admin', { compartment: 'shop' });
    const restore = (into?: string) =>
      server.inject({
        method: 'POST',
        url: '/api/compartments/shop/backups/restore',
        headers: shopAdmin.headers,
        payload: { snapshot: 'deadbeef', ...(into ? { into } : {}) },
      });
    const denied = await restore('other');
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.message).toMatch(/admin role for compartment 'other'/);
    expect(ctx.app.store.audit.list({ limit: 1 })[0]).toMatchObject({ result: 'denied', compartment: 'shop' });
    // admin of both: through to the service (shop has no repository yet)
    loginAs(server, 'admin', { compartment: 'other', username: shopAdmin.username });
    expect((await restore('other')).json().error.message).toMatch(/no backup repository/);
    expect((await restore()).json().error.message).toMatch(/no backup repository/);
  });

  it('deleting a compartment deletes its grants and tokens: one made again under its id grants them nothing', async () => {
    const admin = loginAs(server, 'admin');
    const op = loginAs(server, 'operator', { compartment: 'shop' });
    const script = tokenFor(server, 'operator', { compartment: 'shop', username: op.username });
    const wide = tokenFor(server, 'viewer');
    expect((await server.inject({ url: '/api/compartments/shop', headers: script.headers })).statusCode).toBe(200);
    const del = await server.inject({ method: 'DELETE', url: '/api/compartments/shop', headers: admin.headers });
    expect(del.statusCode).toBe(200);
    const { store } = ctx.app;
    expect(store.grants.list({ compartment: 'shop' })).toEqual([]);
    expect(store.tokens.list().map((t) => t.username)).toEqual([wide.username]);
    const entry = store.audit.list({ limit: 1 })[0]!;
    expect(entry).toMatchObject({ action: 'compartment.delete', target: 'compartment:shop', result: 'ok' });
    expect(JSON.parse(entry.details)).toMatchObject({
      removedGrants: [{ username: op.username, role: 'operator' }],
      removedTokens: [{ username: op.username, role: 'operator' }],
    });
    const again = await server.inject({
      method: 'POST',
      url: '/api/compartments',
      headers: admin.headers,
      payload: { id: 'shop' },
    });
    expect(again.statusCode).toBe(201);
    expect((await server.inject({ url: '/api/compartments/shop', headers: op.headers })).statusCode).toBe(403);
    expect((await server.inject({ url: '/api/compartments/shop', headers: script.headers })).statusCode).toBe(401);
    expect((await server.inject({ url: '/api/compartments/shop', headers: wide.headers })).statusCode).toBe(200);
  });

  it('streams an apply to an API token (no CSRF token needed) and audits it', async () => {
    const script = tokenFor(server, 'operator', { compartment: 'shop' });
    const res = await server.inject({
      method: 'POST',
      url: '/api/compartments/shop/apply',
      headers: { ...script.headers, accept: 'text/event-stream' },
      payload: { text: specText('shop', 3) },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    expect(res.body).toContain('event: progress');
    expect(res.body).toMatch(/event: result\ndata: \{"outcome":"applied","revision":2/);
    const admin = loginAs(server, 'admin');
    const audit = await server.inject({ method: 'GET', url: '/api/audit', headers: admin.headers });
    expect(audit.body).toContain('compartment.apply');
  });

  it('needs the CSRF token for a change made with a session', async () => {
    const admin = loginAs(server, 'admin');
    const res = await server.inject({
      method: 'POST',
      url: '/api/compartments',
      headers: { cookie: admin.cookie },
      payload: { id: 'blog' },
    });
    expect(res.statusCode).toBe(403);
    expect(ctx.accounts.has('blog')).toBe(false);
  });

  it('writes mutations to the audit log, without secret values', async () => {
    const admin = loginAs(server, 'admin');
    const res = await server.inject({
      method: 'POST',
      url: '/api/compartments/shop/secrets',
      headers: admin.headers,
      payload: { name: 'token', value: 'very-secret-value' },
    });
    expect(res.statusCode).toBe(201);
    const audit = await server.inject({ method: 'GET', url: '/api/audit', headers: admin.headers });
    expect(audit.statusCode).toBe(200);
    expect(audit.body).toContain('secret.create');
    expect(audit.body).not.toContain('very-secret-value');
  });

  it('documents every route in the OpenAPI document, with tags and summaries', async () => {
    const res = await server.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { paths: Record<string, Record<string, { tags?: string[]; summary?: string }>> };
    const ours = Object.entries(doc.paths).filter(([p]) => p.startsWith('/api/compartments') || p === '/api/doctor');
    expect(ours.length).toBeGreaterThanOrEqual(15);
    for (const [path, ops] of ours) {
      for (const [method, op] of Object.entries(ops)) {
        expect({ path, method, tags: op.tags?.length ?? 0, summary: !!op.summary }).toEqual({
          path,
          method,
          tags: 1,
          summary: true,
        });
      }
    }
  });
});

describe('/metrics', () => {
  it('counts containers by runtime state from the overview', async () => {
    const viewer = tokenFor(server, 'viewer');
    // The first read starts filling the cache; the list route waits for it.
    await server.inject({ method: 'GET', url: '/api/compartments', headers: viewer.headers });
    const res = await server.inject({ method: 'GET', url: '/metrics', headers: viewer.headers });
    expect(res.statusCode).toBe(200);
    const lines = res.body.split('\n').filter((l) => l.startsWith('quadletman_containers{'));
    const total = lines.reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    const declared = ctx.app.compartments
      .units('shop')
      .then((us) => us.filter((u) => u.source.endsWith('.container')).length);
    expect(lines.length).toBeGreaterThan(0);
    expect(total).toBe(await declared);
  });
});
