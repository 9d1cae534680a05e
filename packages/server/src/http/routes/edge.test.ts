// The edge routes over an in-memory Caddy (FakeEdgeAdmin): a spec with a route applied through PUT …/spec loads
// the edge; GET /api/edge shows each route's answer and the Caddyfile (global viewers only); the CA's root
// downloads; settings are for admins and reload the edge; a second compartment claiming a routed host is refused
// naming the first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApplyResultSchema, EdgeStatusSchema } from '../../api/contract.js';
import { type Setup, setup } from './compartments-test-setup.js';
import { specText } from './compartments-test-support.js';

let dir: string;
let s: Setup;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-edge-'));
});
afterEach(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const routed = (id: string, host: string) => `${specText(id)}routes: [{ host: ${host}, to: "c0:8080" }]\n`;

describe('edge routes', () => {
  it('applies a route, shows its answer and certificate state, and hides the configuration from scoped viewers', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('shopOperator', 'PUT', '/api/compartments/shop/spec', {
      text: routed('shop', 'Shop.example.org'),
    });
    const r = ApplyResultSchema.parse(res.json());
    expect(r.outcome, r.message).toBe('applied');
    // the container publishes the route's loopback port; the edge was loaded with the route
    const loaded = JSON.stringify(s.ctx.edgeAdmin.running);
    expect(loaded).toContain('"shop.example.org"');
    expect(loaded).toContain('127.0.0.1:20000');

    const all = EdgeStatusSchema.parse((await s.t.as('viewer', 'GET', '/api/edge')).json());
    expect(all).toMatchObject({ reachable: true, inSync: true, hasRootCertificate: true });
    expect(all.routes).toEqual([
      expect.objectContaining({
        compartment: 'shop',
        host: 'shop.example.org',
        path: '/',
        to: 'c0:8080',
        port: 20000,
        ok: true,
      }),
    ]);
    expect(all.caddyfile).toContain('shop.example.org');

    const scoped = EdgeStatusSchema.parse((await s.t.as('shopViewer', 'GET', '/api/edge')).json());
    expect(scoped.routes.map((x) => x.host)).toEqual(['shop.example.org']);
    expect(scoped.caddyfile).toBe('');
    const other = EdgeStatusSchema.parse((await s.t.as('otherAdmin', 'GET', '/api/edge')).json());
    expect(other.routes).toEqual([]);
    expect((await s.t.as(undefined, 'GET', '/api/edge')).statusCode).toBe(401);

    s.ctx.edgeAdmin.down.add('shop.example.org');
    const down = EdgeStatusSchema.parse((await s.t.as('viewer', 'GET', '/api/edge?compartment=shop')).json());
    expect(down.routes[0]).toMatchObject({ ok: false, answer: expect.stringContaining('502') });
  });

  it('downloads the root certificate, and lets admins only change the settings (which reloads the edge)', async () => {
    s = await setup(dir, { shop: true });
    await s.t.as('admin', 'PUT', '/api/compartments/shop/spec', { text: routed('shop', 'shop.example.org') });
    const pem = await s.t.as('viewer', 'GET', '/api/edge/ca.crt');
    expect(pem.statusCode).toBe(200);
    expect(pem.body).toContain('BEGIN CERTIFICATE');
    expect(pem.headers['content-disposition']).toContain('quadletman-edge-root.crt');

    expect((await s.t.as('operator', 'PUT', '/api/edge/settings', { httpsPort: 8443 })).statusCode).toBe(403);
    const bad = await s.t.as('admin', 'PUT', '/api/edge/settings', { httpPort: 8443, httpsPort: 8443 });
    expect(bad.statusCode).toBe(400);
    const ok = await s.t.as('admin', 'PUT', '/api/edge/settings', { httpsPort: 8443 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ httpsPort: 8443, httpPort: 80, tls: { mode: 'internal' } });
    expect(JSON.stringify(s.ctx.edgeAdmin.running)).toContain('"https_port":8443');
    expect(s.t.audits.at(-1)).toMatchObject({ action: 'edge.settings', result: 'ok' });
  });

  it('refuses a host another compartment routes, naming it, and changes nothing', async () => {
    s = await setup(dir, { shop: true });
    await s.t.as('admin', 'PUT', '/api/compartments/shop/spec', { text: routed('shop', 'shop.example.org') });
    await s.t.as('admin', 'POST', '/api/compartments', { id: 'other' });
    const loads = s.ctx.edgeAdmin.loaded.length;
    const res = await s.t.as('admin', 'PUT', '/api/compartments/other/spec', {
      text: routed('other', 'shop.example.org'),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain("shop.example.org/ is routed by compartment 'shop'");
    expect(s.ctx.edgeAdmin.loaded.length).toBe(loads);
  });
});
