import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaddyConfig, CaddyProxyHandler } from '../../core/edge/caddy-config.js';
import { type Setup, setup } from './compartments-test-setup.js';
import { specText } from './compartments-test-support.js';

let dir: string;
let s: Setup;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-edge-routes-'));
});
afterEach(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The spec of `id` (two containers c0 and c1) with these routes. */
const withRoutes = (id: string, routes: string[]) =>
  `${specText(id)}routes:\n${routes.map((r) => `  - ${r}\n`).join('')}`;

/** `host+path → dial` of the configuration Caddy was given last. */
function dials(loaded: readonly unknown[]): string[] {
  const routes = (loaded.at(-1) as CaddyConfig | undefined)?.apps.http?.servers.quadletman?.routes ?? [];
  return routes.map(
    (r) =>
      `${r.match[0]!.host[0]}${r.match[0]!.path?.[0] ?? ''} ${(r.handle[0] as CaddyProxyHandler).upstreams[0]!.dial}`,
  );
}

describe('routes through the apply API', () => {
  it('gives the route a loopback port, publishes it on the container and loads it into the edge', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('operator', 'POST', '/api/compartments/shop/apply', {
      text: withRoutes('shop', ['{ host: Shop.Example.org, to: "c0:8080" }']),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'applied', revision: 2 });
    expect(dials(s.ctx.edgeAdmin.loaded)).toEqual(['shop.example.org 127.0.0.1:20000']);
    const c0 = s.ctx.hosts.get('shop')!.files.get('.config/containers/systemd/c0.container');
    expect(c0).toContain('PublishPort=127.0.0.1:20000:8080');
    expect(s.ctx.hosts.get('shop')!.files.get('.config/containers/systemd/c1.container')).not.toContain('PublishPort');
    const spec = await s.t.as('viewer', 'GET', '/api/compartments/shop/spec');
    expect(spec.json().spec.routes).toEqual([{ host: 'shop.example.org', path: '/', to: 'c0:8080', port: 20000 }]);

    // applying the same spec again changes nothing and loads nothing
    const loads = s.ctx.edgeAdmin.loaded.length;
    const again = await s.t.as('operator', 'POST', '/api/compartments/shop/apply', {
      text: withRoutes('shop', ['{ host: shop.example.org, to: "c0:8080" }']),
    });
    expect(again.json().outcome).toBe('noop');
    expect(s.ctx.edgeAdmin.loaded).toHaveLength(loads);
  });

  it('rolls back a route the edge cannot reach the app through, loading the routes before', async () => {
    s = await setup(dir, { shop: true });
    await s.t.as('operator', 'POST', '/api/compartments/shop/apply', {
      text: withRoutes('shop', ['{ host: shop.example.org, to: "c0:8080" }']),
    });
    s.ctx.edgeAdmin.down.add('api.example.org');
    const res = await s.t.as('operator', 'POST', '/api/compartments/shop/apply', {
      text: withRoutes('shop', [
        '{ host: shop.example.org, to: "c0:8080" }',
        '{ host: api.example.org, to: "c1:9000" }',
      ]),
    });
    expect(res.json()).toMatchObject({ outcome: 'rolled-back', revision: 3 });
    expect(res.json().message).toContain('api.example.org');
    expect(dials(s.ctx.edgeAdmin.loaded)).toEqual(['shop.example.org 127.0.0.1:20000']);
    expect(s.ctx.hosts.get('shop')!.files.get('.config/containers/systemd/c1.container')).not.toContain('PublishPort');
  });

  it('answers 409 naming the compartment that routes the host already, changing nothing', async () => {
    s = await setup(dir, { shop: true });
    await s.t.as('operator', 'POST', '/api/compartments/shop/apply', {
      text: withRoutes('shop', ['{ host: shop.example.org, to: "c0:8080" }']),
    });
    await s.ctx.app.compartments.create({ id: 'blog' });
    const loads = s.ctx.edgeAdmin.loaded.length;
    const res = await s.t.as('operator', 'POST', '/api/compartments/blog/apply', {
      text: withRoutes('blog', ['{ host: shop.example.org, to: "c0:80" }']),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain("shop.example.org/ is routed by compartment 'shop'");
    expect(s.ctx.edgeAdmin.loaded).toHaveLength(loads);
    expect(s.ctx.app.compartments.history('blog')).toHaveLength(0);

    // another host gets the next port, and both are served
    const ok = await s.t.as('operator', 'POST', '/api/compartments/blog/apply', {
      text: withRoutes('blog', ['{ host: blog.example.org, to: "c0:80" }']),
    });
    expect(ok.json().outcome).toBe('applied');
    expect(dials(s.ctx.edgeAdmin.loaded).sort()).toEqual([
      'blog.example.org 127.0.0.1:20001',
      'shop.example.org 127.0.0.1:20000',
    ]);
  });

  it('answers 409 for a loopback port another compartment holds', async () => {
    s = await setup(dir, { shop: true });
    await s.t.as('operator', 'POST', '/api/compartments/shop/apply', {
      text: withRoutes('shop', ['{ host: shop.example.org, to: "c0:8080" }']),
    });
    await s.ctx.app.compartments.create({ id: 'blog' });
    const res = await s.t.as('operator', 'POST', '/api/compartments/blog/apply', {
      text: withRoutes('blog', ['{ host: blog.example.org, to: "c0:80", port: 20000 }']),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain("20000 is held by compartment 'shop'");
  });
});
