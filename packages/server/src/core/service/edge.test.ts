import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeEdgeAdmin } from '../apply/fakes.js';
import type { CaddyConfig, CaddyProxyHandler } from '../edge/caddy-config.js';
import type { HeldRoute } from '../edge/ports.js';
import { InvalidError } from '../errors.js';
import type { RouteSpec } from '../spec-routes.js';
import { describeRoute, routeChanges } from '../spec-routes.js';
import { DEFAULT_EDGE_SETTINGS, EDGE_SETTING, type EdgeRequest, EdgeService, type EdgeStorePort } from './edge.js';

class MemoryEdgeStore implements EdgeStorePort {
  routes: HeldRoute[] = [];
  settings = new Map<string, unknown>();
  writes = 0;
  allRoutes(): HeldRoute[] {
    return this.routes.map((r) => ({ ...r }));
  }
  setting(name: string): unknown {
    return structuredClone(this.settings.get(name));
  }
  setSetting(name: string, value: unknown): void {
    this.writes++;
    this.settings.set(name, structuredClone(value));
  }
}

const held = (compartment: string, host: string, port: number | undefined, to = 'web:80', path = '/'): HeldRoute => ({
  compartment,
  host,
  path,
  to,
  ...(port === undefined ? {} : { port }),
});

function setup(options: { busy?: () => Promise<boolean> } = {}) {
  const store = new MemoryEdgeStore();
  const admin = new FakeEdgeAdmin();
  const sockets: string[] = [];
  const requests: { host: string; path: string; httpsPort: number; ca: string | undefined }[] = [];
  const request: EdgeRequest = async (route, httpsPort, ca) => {
    requests.push({ host: route.host, path: route.path, httpsPort, ca });
    return admin.request(route);
  };
  const edge = new EdgeService({
    store,
    admin: (socket) => {
      sockets.push(socket);
      return admin;
    },
    request,
    ...(options.busy ? { busy: options.busy } : {}),
  });
  return { store, admin, edge, sockets, requests };
}

/** host+path → the upstream it dials, from a Caddy configuration. */
function upstreams(config: unknown): Record<string, string> {
  const routes = (config as CaddyConfig).apps.http?.servers.quadletman?.routes ?? [];
  return Object.fromEntries(
    routes.map((r) => [
      `${r.match[0]!.host[0]}${r.match[0]!.path?.[0] ?? ''}`,
      (r.handle[0] as CaddyProxyHandler).upstreams[0]!.dial,
    ]),
  );
}

afterEach(() => {
  vi.useRealTimers();
});

describe('EdgeService settings', () => {
  it('gives the defaults when nothing is stored, and the stored ones over them', () => {
    const { edge, store } = setup();
    expect(edge.settings()).toEqual(DEFAULT_EDGE_SETTINGS);
    store.settings.set(EDGE_SETTING, { httpsPort: 8443 });
    expect(edge.settings()).toEqual({ ...DEFAULT_EDGE_SETTINGS, httpsPort: 8443 });
  });

  it('stores a valid change, and uses it from then on', async () => {
    const { edge, store, sockets, admin } = setup();
    const next = await edge.configure({ httpPort: 8080, httpsPort: 8443, adminSocket: '/run/edge/admin.sock' });
    expect(next).toEqual({
      ...DEFAULT_EDGE_SETTINGS,
      httpPort: 8080,
      httpsPort: 8443,
      adminSocket: '/run/edge/admin.sock',
    });
    expect(store.settings.get(EDGE_SETTING)).toEqual(next);
    expect(edge.settings()).toEqual(next);
    await edge.publish('shop', [{ host: 'shop.example.org', path: '/', to: 'web:8080', port: 20000 }]);
    expect(sockets.at(-1)).toBe('/run/edge/admin.sock');
    expect((admin.loaded.at(-1) as CaddyConfig).apps.http!.https_port).toBe(8443);
    const acme = await edge.configure({ tls: { mode: 'acme', email: 'ops@example.org', staging: true } });
    expect(edge.settings().tls).toEqual({ mode: 'acme', email: 'ops@example.org', staging: true });
    expect(acme.httpPort).toBe(8080);
  });

  it('refuses equal ports, ports out of range, a relative socket and a bad ACME e-mail, storing nothing', async () => {
    const { edge, store } = setup();
    await expect(edge.configure({ httpsPort: 80 })).rejects.toThrow(/httpPort and httpsPort must differ/);
    await expect(edge.configure({ httpPort: 443 })).rejects.toBeInstanceOf(InvalidError);
    for (const p of [0, -1, 65536, 1.5, Number.NaN]) {
      await expect(edge.configure({ httpPort: p }), String(p)).rejects.toThrow(/httpPort must be a port 1\.\.65535/);
      await expect(edge.configure({ httpsPort: p }), String(p)).rejects.toThrow(/httpsPort must be a port/);
    }
    await expect(edge.configure({ adminSocket: 'run/admin.sock' })).rejects.toThrow(/absolute path/);
    for (const email of ['', 'ops', 'ops@', '@example.org', 'o ps@example.org', 'ops@example.org"}', 'a@b@c']) {
      await expect(edge.configure({ tls: { mode: 'acme', email, staging: false } }), email).rejects.toThrow(
        /tls\.email must be an e-mail address/,
      );
    }
    expect(store.writes).toBe(0);
    expect(edge.settings()).toEqual(DEFAULT_EDGE_SETTINGS);
  });
});

describe('EdgeService routes', () => {
  it('serves every compartment’s stored routes that have a port', () => {
    const { edge, store } = setup();
    store.routes = [
      held('shop', 'shop.example.org', 20000),
      held('blog', 'blog.example.org', 20001, 'nginx:80'),
      held('blog', 'pending.example.org', undefined),
    ];
    expect(edge.routes().map((r) => `${r.compartment} ${r.host} ${r.upstreamPort}`)).toEqual([
      'shop shop.example.org 20000',
      'blog blog.example.org 20001',
    ]);
    expect(upstreams(edge.desired())).toEqual({
      'shop.example.org': '127.0.0.1:20000',
      'blog.example.org': '127.0.0.1:20001',
    });
  });

  it('replaces one compartment’s routes with the override, leaving the others', () => {
    const { edge, store } = setup();
    store.routes = [
      held('shop', 'shop.example.org', 20000),
      held('shop', 'old.example.org', 20002),
      held('blog', 'blog.example.org', 20001),
    ];
    const routes: RouteSpec[] = [
      { host: 'new.example.org', path: '/app', to: 'web:80', port: 20005 },
      { host: 'noport.example.org', path: '/', to: 'web:80' },
    ];
    expect(upstreams(edge.desired({ compartment: 'shop', routes }))).toEqual({
      'blog.example.org': '127.0.0.1:20001',
      'new.example.org/app': '127.0.0.1:20005',
    });
    // an override with no routes takes the compartment's away
    expect(upstreams(edge.desired({ compartment: 'shop', routes: [] }))).toEqual({
      'blog.example.org': '127.0.0.1:20001',
    });
    // a compartment without stored routes is added
    expect(Object.keys(upstreams(edge.desired({ compartment: 'wiki', routes })))).toHaveLength(4);
  });

  it('publish loads the configuration with the compartment’s new routes', async () => {
    const { edge, store, admin } = setup();
    store.routes = [held('blog', 'blog.example.org', 20001), held('shop', 'shop.example.org', 20000)];
    const routes: RouteSpec[] = [{ host: 'shop.example.org', path: '/', to: 'web:80', port: 20003 }];
    await edge.publish('shop', routes);
    expect(admin.loaded).toHaveLength(1);
    expect(admin.loaded[0]).toEqual(edge.desired({ compartment: 'shop', routes }));
    expect(upstreams(admin.loaded[0])).toEqual({
      'blog.example.org': '127.0.0.1:20001',
      'shop.example.org': '127.0.0.1:20003',
    });
  });

  it('publish fails when the edge is not reachable', async () => {
    const { edge, admin } = setup();
    admin.reachable = false;
    await expect(edge.publish('shop', [])).rejects.toThrow(/not reachable/);
  });

  it('checks a route through the HTTPS port, with the internal CA’s root only in internal mode', async () => {
    const { edge, admin, requests } = setup();
    const route: RouteSpec = { host: 'shop.example.org', path: '/', to: 'web:80', port: 20000 };
    expect(await edge.check('shop', route)).toMatchObject({ ok: true });
    expect(requests.at(-1)).toEqual({
      host: 'shop.example.org',
      path: '/',
      httpsPort: 443,
      ca: await admin.rootCertificate(),
    });
    admin.down.add('shop.example.org');
    expect(await edge.check('shop', route)).toMatchObject({ ok: false, detail: expect.stringMatching(/502/) });
    await edge.configure({ httpsPort: 8443, tls: { mode: 'acme', email: 'ops@example.org', staging: false } });
    await edge.check('shop', route);
    expect(requests.at(-1)).toMatchObject({ httpsPort: 8443, ca: undefined });
  });

  it('describes a route for a plan', () => {
    expect(describeRoute({ host: 'a.example.org', path: '/app', to: 'web:8080', port: 20000 })).toBe(
      'a.example.org/app → web:8080 (127.0.0.1:20000)',
    );
    expect(describeRoute({ host: 'a.example.org', path: '/', to: 'web:8080' })).toBe('a.example.org/ → web:8080');
    const a = { host: 'a.example.org', path: '/', to: 'web:8080', port: 20000 };
    const b = { host: 'b.example.org', path: '/', to: 'web:8080', port: 20000 };
    expect(routeChanges([a, b], [a])).toEqual({ add: ['b.example.org/ → web:8080 (127.0.0.1:20000)'], remove: [] });
    expect(routeChanges([], [a])).toEqual({ add: [], remove: ['a.example.org/ → web:8080 (127.0.0.1:20000)'] });
  });
});

describe('EdgeService sync', () => {
  it('loads the configuration when Caddy runs another one, then finds it in sync', async () => {
    const { edge, store, admin } = setup();
    store.routes = [held('shop', 'shop.example.org', 20000)];
    expect(await edge.sync()).toBe('loaded');
    expect(admin.loaded).toEqual([edge.desired()]);
    expect(await edge.sync()).toBe('in-sync');
    expect(admin.loaded).toHaveLength(1);
    // a compartment deleted: its routes leave the edge
    store.routes = [];
    expect(await edge.sync()).toBe('loaded');
    expect(upstreams(admin.loaded.at(-1))).toEqual({});
  });

  it('leaves the edge alone while an apply runs', async () => {
    let busy = true;
    const { edge, store, admin } = setup({ busy: async () => busy });
    store.routes = [held('shop', 'shop.example.org', 20000)];
    expect(await edge.sync()).toBe('busy');
    expect(admin.loaded).toEqual([]);
    busy = false;
    expect(await edge.sync()).toBe('loaded');
  });

  it('does not ask whether an apply runs when the edge is in sync', async () => {
    const busy = vi.fn(async () => true);
    const { edge, admin } = setup({ busy });
    admin.running = edge.desired();
    expect(await edge.sync()).toBe('in-sync');
    expect(busy).not.toHaveBeenCalled();
  });

  it('says when Caddy is not reachable', async () => {
    const { edge, admin } = setup();
    admin.reachable = false;
    expect(await edge.sync()).toBe('unreachable');
    expect(admin.loaded).toEqual([]);
  });
});

describe('EdgeService keep', () => {
  it('logs once while Caddy stays unreachable with routes to serve, and again once it loaded', async () => {
    vi.useFakeTimers();
    const { edge, store, admin } = setup();
    store.routes = [held('shop', 'shop.example.org', 20000)];
    admin.reachable = false;
    const log: string[] = [];
    const stop = edge.keep(1000, (m) => log.push(m));
    await vi.advanceTimersByTimeAsync(5_500);
    expect(log).toEqual([
      `edge: Caddy is not reachable on ${DEFAULT_EDGE_SETTINGS.adminSocket}; the routes are not served`,
    ]);
    admin.reachable = true;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(log).toHaveLength(2);
    expect(log[1]).toMatch(/loaded the one the store gives/);
    expect(admin.loaded).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(log).toHaveLength(2);
    await stop();
    admin.reachable = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(log).toHaveLength(2);
  });

  it('says nothing about an unreachable Caddy when there are no routes', async () => {
    vi.useFakeTimers();
    const { edge, admin } = setup();
    admin.reachable = false;
    const log: string[] = [];
    const stop = edge.keep(1000, (m) => log.push(m));
    await vi.advanceTimersByTimeAsync(3_500);
    await stop();
    expect(log).toEqual([]);
  });

  it('logs a failed load once, and stops after the round in flight', async () => {
    vi.useFakeTimers();
    const { edge, store, admin } = setup();
    store.routes = [held('shop', 'shop.example.org', 20000)];
    admin.load = async () => {
      throw new Error('caddy said no');
    };
    const log: string[] = [];
    const stop = edge.keep(1000, (m) => log.push(m));
    await vi.advanceTimersByTimeAsync(3_500);
    expect(log).toEqual(['edge: loading the configuration into Caddy failed: caddy said no']);
    let stopped = false;
    const done = stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    await done;
    expect(stopped).toBe(true);
  });
});

describe('EdgeService status', () => {
  it('requests every route through the edge and says which answer', async () => {
    const { edge, store, admin } = setup();
    store.routes = [
      held('shop', 'shop.example.org', 20000),
      held('blog', 'blog.example.org', 20001, 'nginx:80', '/feed'),
    ];
    admin.down.add('blog.example.org');
    await edge.sync();
    const s = await edge.status();
    expect(s).toMatchObject({ reachable: true, inSync: true, error: null, hasRootCertificate: true });
    expect(s.routes).toEqual([
      {
        compartment: 'shop',
        host: 'shop.example.org',
        path: '/',
        to: 'web:80',
        port: 20000,
        url: 'https://shop.example.org/',
        answer: 'HTTP 200',
        ok: true,
        certificate: null,
      },
      expect.objectContaining({
        compartment: 'blog',
        url: 'https://blog.example.org/feed',
        ok: false,
        answer: expect.stringMatching(/502/),
      }),
    ]);
    expect(s.caddyfile).toContain('shop.example.org');
    expect((await edge.status({ compartment: 'blog' })).routes.map((r) => r.host)).toEqual(['blog.example.org']);
  });

  it('says the edge is down, out of sync, with every route not served', async () => {
    const { edge, store, admin, requests } = setup();
    store.routes = [held('shop', 'shop.example.org', 20000), held('shop', 'noport.example.org', undefined)];
    await edge.configure({ httpsPort: 8443 });
    admin.reachable = false;
    const s = await edge.status();
    expect(s.reachable).toBe(false);
    expect(s.inSync).toBe(false);
    expect(s.error).toMatch(/not reachable/);
    expect(s.hasRootCertificate).toBe(false);
    expect(requests).toEqual([]);
    expect(s.routes.map((r) => [r.host, r.port, r.url, r.ok, r.answer])).toEqual([
      ['shop.example.org', 20000, 'https://shop.example.org:8443/', false, 'the edge is not reachable'],
      ['noport.example.org', null, 'https://noport.example.org:8443/', false, 'the edge is not reachable'],
    ]);
  });

  it('finds the edge out of sync when Caddy runs another configuration', async () => {
    const { edge, store, admin } = setup();
    store.routes = [held('shop', 'shop.example.org', 20000)];
    await edge.sync();
    store.routes = [held('shop', 'shop.example.org', 20009)];
    expect((await edge.status()).inSync).toBe(false);
    expect(admin.loaded).toHaveLength(1);
  });
});

describe('EdgeService: the web UI behind the edge (proxy self)', () => {
  it('routes the UI host name to its loopback port, keeps compartments off it, and removes it', async () => {
    const { edge, store } = setup();
    store.routes = [held('shop', 'shop.example.org', 20000)];
    await expect(edge.configure({ self: { host: 'shop.example.org', port: 8080 } })).rejects.toThrow(
      /routed by compartment 'shop'/,
    );
    await expect(edge.configure({ self: { host: 'bad host', port: 8080 } })).rejects.toThrow(/DNS name|host/);
    const next = await edge.configure({ self: { host: 'QM.example.org', port: 8080 } });
    expect(next.self).toEqual({ host: 'qm.example.org', port: 8080 });
    expect(edge.routes().map((r) => `${r.host} ${r.upstreamPort}`)).toEqual([
      'shop.example.org 20000',
      'qm.example.org 8080',
    ]);
    expect(edge.held().find((h) => h.host === 'qm.example.org')?.port).toBe(8080);
    expect(edge.caddyfile()).toContain('qm.example.org:443 {');
    expect((await edge.configure({ self: null })).self).toBeUndefined();
    expect(edge.routes().map((r) => r.host)).toEqual(['shop.example.org']);
  });
});

describe('EdgeService: route options', () => {
  const HASH = '$2b$10$abcdefghijklmnopqrstuuqflPDzB6gcMhKa1rZqKiun2YGL5sa2u';
  const withOptions = (): HeldRoute => ({
    ...held('shop', 'shop.example.org', 20000),
    headers: { response: { 'X-Frame-Options': 'DENY' } },
    basicAuth: [{ user: 'alice', hash: HASH }],
    redirectFrom: ['www.shop.example.org'],
  });

  it('passes them to the configuration and lists them (user names, not hashes) in the status', async () => {
    const { edge, store } = setup();
    store.routes = [withOptions(), held('shop', 'shop.example.org', 20000, 'web:80', '/api')];
    const routes = (edge.desired() as CaddyConfig).apps.http!.servers.quadletman!.routes;
    expect(routes.map((r) => [r['@id'], r.handle.map((h) => h.handler)])).toEqual([
      ['qm-route-shop-0', ['reverse_proxy']],
      ['qm-route-shop-1', ['headers', 'authentication', 'headers', 'reverse_proxy']],
      ['qm-redirect-shop-0', ['static_response']],
    ]);
    const status = await edge.status();
    expect(status.routes.map((r) => r.options)).toEqual([
      {
        redirectFrom: ['www.shop.example.org'],
        basicAuthUsers: ['alice'],
        requestHeaders: {},
        responseHeaders: { 'X-Frame-Options': 'DENY' },
      },
      undefined,
    ]);
    expect(JSON.stringify(status)).not.toContain(HASH);
    expect(status.caddyfile).toContain('redir https://shop.example.org{uri} 308');
  });

  it("keeps the UI's own host name off a name a compartment redirects", async () => {
    const { edge, store } = setup();
    store.routes = [withOptions()];
    await expect(edge.configure({ self: { host: 'www.shop.example.org', port: 8080 } })).rejects.toThrow(
      "www.shop.example.org is redirected by compartment 'shop': the UI needs a host name of its own",
    );
  });
});
