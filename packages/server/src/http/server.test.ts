import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../app.js';
import { parseCompartmentId } from '../core/ids.js';
import { openStore, type Store } from '../store/index.js';
import { changedNothing, READ_ONLY } from './audit.js';
import { allows, guardAny, visibleCompartments } from './auth/hooks.js';
import { TOKEN_MEMO_MS } from './auth/service.js';
import { loginAs, tokenFor } from './auth/test-support.js';
import { buildServer, type ServerOptions } from './server.js';
import type { RoutePlugin } from './types.js';

/** A tiny module guarded like the real ones: a read (viewer) and a mutation (operator) per compartment. */
const testRoutes: RoutePlugin = async (instance, { guard, audit }) => {
  instance.get('/api/test/:id', { preHandler: guard('viewer') }, async (req) => ({
    id: (req.params as { id: string }).id,
  }));
  instance.post('/api/test/:id', { preHandler: guard('operator') }, async (req) => {
    const { id } = req.params as { id: string };
    audit(req, { action: 'test.poke', target: `compartment:${id}`, result: 'ok' });
    return { poked: id };
  });
  instance.put('/api/test/:id', { preHandler: guard('operator') }, async () => ({ ok: true }));
  // a POST that changes nothing (as plan, explain): never audited
  instance.post('/api/test/:id/peek', { config: READ_ONLY, preHandler: guard('operator') }, async () => ({ ok: true }));
  // a change only when asked (as a dry run without apply)
  instance.post('/api/test/:id/maybe', { preHandler: guard('operator') }, async (req) => {
    const { id } = req.params as { id: string };
    if ((req.body as { apply?: boolean } | undefined)?.apply) {
      audit(req, { action: 'test.maybe', target: `compartment:${id}/thing:x`, result: 'ok' });
    } else changedNothing(req);
    return { ok: true };
  });
  instance.delete('/api/test/:id', { preHandler: guard('admin') }, async () => ({ ok: true }));
};

class Clock {
  t = Date.parse('2026-01-01T00:00:00Z');
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

let servers: FastifyInstance[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

async function setup(options: ServerOptions = {}, clock = new Clock()) {
  const store: Store = openStore({ path: ':memory:', now: clock.now });
  // Grants and tokens name existing compartments: the ones the tests use.
  for (const id of ['web', 'db', 'other']) store.compartments.create({ id: parseCompartmentId(id) });
  const ctx = { store, host: {}, close: () => store.close() } as unknown as AppContext;
  const server = await buildServer(ctx, {
    routes: [testRoutes],
    ...options,
    auth: { now: clock.now, ...options.auth },
  });
  servers.push(server);
  server.addHook('onClose', async () => store.close());
  return { server, store, clock };
}

const setCookies = (res: { headers: Record<string, unknown> }): string[] => {
  const raw = res.headers['set-cookie'];
  return (Array.isArray(raw) ? raw : [raw]).filter((c): c is string => typeof c === 'string');
};
const cookieOf = (res: { headers: Record<string, unknown> }, name = 'qm_session'): string =>
  String(setCookies(res).find((c) => c.startsWith(`${name}=`)));
const sessionCookie = (res: { headers: Record<string, unknown> }) => cookieOf(res).split(';')[0]!;

async function localUser(
  server: FastifyInstance,
  username: string,
  password: string,
  role?: 'viewer' | 'operator' | 'admin',
) {
  await server.quadletman.auth.createLocalUser(username, password);
  if (role) server.quadletman.store.grants.set(username, '*', role);
}

describe('server basics', () => {
  it('answers /healthz without auth, with security headers', async () => {
    const { server } = await setup();
    const res = await server.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });

  it('publishes the OpenAPI document and the browsable reference', async () => {
    const { server } = await setup();
    const doc = (await server.inject('/api/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/admin/users', '/api/audit']),
    );
    expect(doc.components.schemas.SessionInfo).toBeDefined();
    const ui = await server.inject('/api/docs/');
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
    const asset = await server.inject('/api/docs/static/swagger-ui-bundle.js');
    expect(asset.statusCode).toBe(200);
  });

  it('refuses oversized bodies and unknown routes in the one error shape', async () => {
    const { server } = await setup({ bodyLimit: 1000 });
    const big = await server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'a', password: 'x'.repeat(5000) },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('too_large');
    const missing = await server.inject('/api/nothing');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
  });

  it('answers validation errors in the one error shape', async () => {
    const { server } = await setup();
    const res = await server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 7 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid');
    const admin = loginAs(server, 'admin');
    const bad = await server.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: admin.headers,
      payload: { username: 'Bad Name!', password: 'long enough password' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid' });
  });
});

describe('the guard: role matrix', () => {
  type Who = 'anonymous' | `${'viewer' | 'operator' | 'admin'}-${'global' | 'web' | 'other'}`;
  const whos: Who[] = ['anonymous'];
  for (const r of ['viewer', 'operator', 'admin'] as const)
    for (const s of ['global', 'web', 'other'] as const) whos.push(`${r}-${s}`);
  const rank = { viewer: 1, operator: 2, admin: 3 };

  it.each(whos)('%s on compartment web: read needs viewer, mutation needs operator, delete admin', async (who) => {
    const { server } = await setup();
    const headers: Record<string, string> = {};
    let role = 0;
    if (who !== 'anonymous') {
      const [r, scope] = who.split('-') as ['viewer' | 'operator' | 'admin', string];
      Object.assign(headers, loginAs(server, r, scope === 'global' ? {} : { compartment: scope }).headers);
      role = scope === 'other' ? 0 : rank[r];
    }
    const expectFor = (needed: number) => (who === 'anonymous' ? 401 : role >= needed ? 200 : 403);
    const read = await server.inject({ url: '/api/test/web', headers });
    expect(read.statusCode).toBe(expectFor(1));
    const post = await server.inject({ method: 'POST', url: '/api/test/web', headers });
    expect(post.statusCode).toBe(expectFor(2));
    const del = await server.inject({ method: 'DELETE', url: '/api/test/web', headers });
    expect(del.statusCode).toBe(expectFor(3));
    if (post.statusCode >= 400) expect(post.json().error.code).toBe(who === 'anonymous' ? 'unauthorized' : 'forbidden');
  });

  it('API tokens: the role is the lower of the token and its owner', async () => {
    const { server, store, clock } = await setup();
    const t = tokenFor(server, 'operator', { compartment: 'web' });
    expect((await server.inject({ method: 'POST', url: '/api/test/web', headers: t.headers })).statusCode).toBe(200);
    expect((await server.inject({ method: 'POST', url: '/api/test/db', headers: t.headers })).statusCode).toBe(403);
    // A grant changed outside the server (the CLI, another process) reaches a remembered token within a second.
    store.grants.set(t.username, 'web', 'viewer');
    clock.advance(TOKEN_MEMO_MS);
    expect((await server.inject({ method: 'POST', url: '/api/test/web', headers: t.headers })).statusCode).toBe(403);
    expect((await server.inject({ url: '/api/test/web', headers: t.headers })).statusCode).toBe(200);
  });

  it('a wrong bearer token is refused even with a good session cookie', async () => {
    const { server } = await setup();
    const s = loginAs(server, 'admin');
    const res = await server.inject({
      url: '/api/test/web',
      headers: { cookie: s.cookie, authorization: 'Bearer qmt_x.y' },
    });
    expect(res.statusCode).toBe(401);
  });
});

describe('CSRF', () => {
  it.each(['POST', 'PUT', 'DELETE'] as const)('%s with a session needs the session CSRF token', async (method) => {
    const { server } = await setup();
    const s = loginAs(server, 'admin');
    const none = await server.inject({ method, url: '/api/test/web', headers: { cookie: s.cookie } });
    expect(none.statusCode).toBe(403);
    expect(none.json().error).toMatchObject({ code: 'forbidden', details: { reason: 'csrf' } });
    const wrong = await server.inject({
      method,
      url: '/api/test/web',
      headers: { cookie: s.cookie, 'x-csrf-token': loginAs(server, 'admin').csrfToken },
    });
    expect(wrong.statusCode).toBe(403);
    const right = await server.inject({ method, url: '/api/test/web', headers: s.headers });
    expect(right.statusCode).toBe(200);
  });

  it('requests with a bearer token are exempt', async () => {
    const { server } = await setup();
    const t = tokenFor(server, 'admin');
    const res = await server.inject({ method: 'DELETE', url: '/api/test/web', headers: t.headers });
    expect(res.statusCode).toBe(200);
  });

  it('GETs need no token; a WebSocket upgrade from another origin is refused', async () => {
    const { server } = await setup();
    const s = loginAs(server, 'viewer');
    expect((await server.inject({ url: '/api/test/web', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    const ws = await server.inject({
      url: '/api/test/web',
      headers: { cookie: s.cookie, upgrade: 'websocket', origin: 'https://evil.example', host: 'localhost:8080' },
    });
    expect(ws.statusCode).toBe(403);
  });
});

describe('login and sessions', () => {
  it('logs in with a local account: HttpOnly, SameSite=Strict cookie, CSRF token, audited', async () => {
    const { server, store } = await setup();
    await localUser(server, 'alice', 'correct horse battery', 'operator');
    const res = await server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'alice', password: 'correct horse battery' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      username: 'alice',
      kind: 'session',
      grants: [{ compartment: '*', role: 'operator' }],
    });
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);
    // Only a hash of the session id is stored.
    const id = sessionCookie(res).split('=')[1]!;
    expect(JSON.stringify(store.sessions.get(id))).toBeUndefined();
    const me = await server.inject({ url: '/api/auth/session', headers: { cookie: sessionCookie(res) } });
    expect(me.json()).toMatchObject({ username: 'alice', csrfToken: body.csrfToken });
    const bad = await server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'alice', password: 'wrong password' },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('unauthorized');
    const entries = store.audit.list({ action: 'auth.login' });
    expect(entries.map((e) => [e.actor, e.result])).toEqual([
      ['alice', 'failed'],
      ['alice', 'ok'],
    ]);
  });

  it('under TLS names the cookie __Host-qm_session (Secure, Path=/, no Domain), reads only that name, sends HSTS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const tls = { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
    rmSync(dir, { recursive: true, force: true });
    const { server } = await setup({ tls });
    await localUser(server, 'bob', 'correct horse battery');
    const res = await server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'bob', password: 'correct horse battery' },
    });
    expect(res.statusCode).toBe(200);
    const cookie = cookieOf(res, '__Host-qm_session');
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; Path=\/(;|$)/);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(setCookies(res).some((c) => c.startsWith('qm_session='))).toBe(false);
    expect(res.headers['strict-transport-security']).toContain('max-age=31536000');
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(server.quadletman.sessionCookie).toBe('__Host-qm_session');
    const id = cookie.split(';')[0]!.split('=')[1]!;
    const me = (name: string) => server.inject({ url: '/api/auth/session', headers: { cookie: `${name}=${id}` } });
    expect((await me('__Host-qm_session')).statusCode).toBe(200);
    expect((await me('qm_session')).statusCode).toBe(401);
    const logout = await server.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: `__Host-qm_session=${id}`, 'x-csrf-token': res.json().csrfToken },
    });
    expect(logout.statusCode).toBe(204);
    expect(cookieOf(logout, '__Host-qm_session')).toMatch(/Expires=Thu, 01 Jan 1970/);
    // loginAs (test-support) follows the server's name.
    const admin = loginAs(server, 'admin');
    expect(admin.cookie).toMatch(/^__Host-qm_session=/);
    expect((await server.inject({ url: '/api/test/web', headers: admin.headers })).statusCode).toBe(200);
  });

  it('rotates the session on login and revokes it on logout', async () => {
    const { server } = await setup();
    await localUser(server, 'alice', 'correct horse battery', 'viewer');
    const login = () =>
      server.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'alice', password: 'correct horse battery' },
      });
    const first = await login();
    const c1 = sessionCookie(first);
    const second = await server.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { cookie: c1, 'x-csrf-token': first.json().csrfToken },
      payload: { username: 'alice', password: 'correct horse battery' },
    });
    const c2 = sessionCookie(second);
    expect(c2).not.toBe(c1);
    expect((await server.inject({ url: '/api/auth/session', headers: { cookie: c1 } })).statusCode).toBe(401);
    expect((await server.inject({ url: '/api/auth/session', headers: { cookie: c2 } })).statusCode).toBe(200);
    const out = await server.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: c2, 'x-csrf-token': second.json().csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect((await server.inject({ url: '/api/auth/session', headers: { cookie: c2 } })).statusCode).toBe(401);
  });

  it('ends sessions after 30 min idle and 12 h in all (injected clock)', async () => {
    const { server, clock } = await setup();
    const idle = loginAs(server, 'viewer');
    const busy = loginAs(server, 'viewer');
    const get = (s: { cookie: string }) => server.inject({ url: '/api/test/web', headers: { cookie: s.cookie } });
    // busy is used every 20 min; idle is not.
    for (let i = 0; i < 1; i++) {
      clock.advance(20 * 60_000);
      expect((await get(busy)).statusCode).toBe(200);
    }
    clock.advance(11 * 60_000); // idle: 31 min since login
    expect((await get(idle)).statusCode).toBe(401);
    expect((await get(busy)).statusCode).toBe(200);
    // Keep busy alive up to just under 12 h, then past it.
    while (clock.t < Date.parse('2026-01-01T11:50:00Z')) {
      clock.advance(20 * 60_000);
      expect((await get(busy)).statusCode).toBe(200);
    }
    clock.advance(20 * 60_000);
    expect((await get(busy)).statusCode).toBe(401);
  });

  it('honours configured lifetimes', async () => {
    const { server, clock } = await setup({
      auth: { idleTimeoutMs: 60_000, absoluteTimeoutMs: 3 * 60_000, touchIntervalMs: 0 },
    });
    const s = loginAs(server, 'viewer');
    const get = () => server.inject({ url: '/api/test/web', headers: { cookie: s.cookie } });
    clock.advance(50_000);
    expect((await get()).statusCode).toBe(200);
    clock.advance(50_000);
    expect((await get()).statusCode).toBe(200);
    clock.advance(61_000);
    expect((await get()).statusCode).toBe(401);
  });

  it('a password change revokes the other sessions and keeps the client logged in with a new one', async () => {
    const { server } = await setup();
    await localUser(server, 'alice', 'correct horse battery', 'viewer');
    const a = loginAs(server, 'viewer', { username: 'alice' });
    const b = loginAs(server, 'viewer', { username: 'alice' });
    const wrong = await server.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: a.headers,
      payload: { current: 'not it at all', password: 'a new long password' },
    });
    expect(wrong.statusCode).toBe(403);
    const res = await server.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: a.headers,
      payload: { current: 'correct horse battery', password: 'a new long password' },
    });
    expect(res.statusCode).toBe(200);
    expect((await server.inject({ url: '/api/auth/session', headers: { cookie: a.cookie } })).statusCode).toBe(401);
    expect((await server.inject({ url: '/api/auth/session', headers: { cookie: b.cookie } })).statusCode).toBe(401);
    expect(
      (await server.inject({ url: '/api/auth/session', headers: { cookie: sessionCookie(res) } })).statusCode,
    ).toBe(200);
    const old = await server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'alice', password: 'correct horse battery' },
    });
    expect(old.statusCode).toBe(401);
  });

  it('an admin password reset revokes the user sessions', async () => {
    const { server } = await setup();
    await localUser(server, 'alice', 'correct horse battery', 'viewer');
    const a = loginAs(server, 'viewer', { username: 'alice' });
    const admin = loginAs(server, 'admin');
    const res = await server.inject({
      method: 'PUT',
      url: '/api/admin/users/alice/password',
      headers: admin.headers,
      payload: { password: 'reset by the admin' },
    });
    expect(res.statusCode).toBe(204);
    expect((await server.inject({ url: '/api/auth/session', headers: { cookie: a.cookie } })).statusCode).toBe(401);
  });
});

describe('login back-off and rate limits', () => {
  it('makes a user name at an address wait longer after each failure', async () => {
    const { server, clock } = await setup({ loginRateLimit: { max: 1000 } });
    await localUser(server, 'alice', 'correct horse battery', 'viewer');
    const login = (password: string, ip = '10.0.0.1', username = 'alice') =>
      server.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { username, password } });
    for (let i = 0; i < 3; i++) expect((await login('nope')).statusCode).toBe(401);
    expect((await login('nope')).statusCode).toBe(401); // 4th failure: now 1 s to wait
    const blocked = await login('correct horse battery');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('rate_limited');
    expect(blocked.headers['retry-after']).toBe('1');
    clock.advance(1000);
    expect((await login('nope')).statusCode).toBe(401); // 5th: 2 s
    clock.advance(1000);
    expect((await login('correct horse battery')).statusCode).toBe(429);
    clock.advance(1000);
    expect((await login('correct horse battery')).statusCode).toBe(200);
  });

  it('slows the attacker, never the account owner logging in from another address', async () => {
    const { server, clock } = await setup({ loginRateLimit: { max: 1000 } });
    await localUser(server, 'alice', 'correct horse battery', 'viewer');
    const login = (password: string, ip: string, username = 'alice') =>
      server.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { username, password } });
    // The attacker at A fails 20 times (past both free counts; backoff.test.ts does 50), waiting out every wait.
    let failed = 0;
    while (failed < 20) {
      const res = await login('wrong guess', '203.0.113.66');
      if (res.statusCode === 429) clock.advance(Number(res.headers['retry-after']) * 1000);
      else {
        expect(res.statusCode).toBe(401);
        failed++;
      }
    }
    // A is slowed down, even with the right password.
    expect((await login('correct horse battery', '203.0.113.66')).statusCode).toBe(429);
    expect((await login('anything at all', '203.0.113.66', 'bob')).statusCode).toBe(429);
    // The owner at B is not delayed at all, and their success does not reset A.
    expect((await login('correct horse battery', '198.51.100.7')).statusCode).toBe(200);
    expect((await login('correct horse battery', '203.0.113.66')).statusCode).toBe(429);
  });

  it('slows an address that sprays many user names', async () => {
    const { server } = await setup({ loginRateLimit: { max: 1000 } });
    await localUser(server, 'carol', 'correct horse battery');
    const login = (username: string, password: string, ip = '10.0.0.9') =>
      server.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { username, password } });
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await login(`user${i}`, 'password123')).statusCode);
    expect(codes.slice(0, 11)).toEqual(Array(11).fill(401));
    expect(codes[11]).toBe(429);
    // Even an account with the right password waits there; elsewhere it does not.
    expect((await login('carol', 'correct horse battery')).statusCode).toBe(429);
    expect((await login('carol', 'correct horse battery', '10.0.0.10')).statusCode).toBe(200);
  });

  it('limits login attempts per address per minute', async () => {
    const { server } = await setup({ loginRateLimit: { max: 3 } });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await server.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.1.1.1',
        payload: { username: `u${i}`, password: 'x' },
      });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([401, 401, 401, 429]);
  });
});

describe('global rate limit', () => {
  it('limits anonymous requests per address, not authenticated ones', async () => {
    const { server } = await setup({ rateLimit: { max: 3 } });
    const s = loginAs(server, 'viewer');
    for (let i = 0; i < 5; i++) {
      expect((await server.inject({ url: '/api/test/web', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    }
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await server.inject({ url: '/api/test/web' })).statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
  });
});

describe('list routes: guardAny and visibleCompartments', () => {
  it('lets anyone with the role somewhere in, and tells which compartments', async () => {
    const list: RoutePlugin = async (instance) => {
      instance.get('/api/things', { preHandler: guardAny('viewer') }, async (req) => {
        const v = visibleCompartments(req, 'viewer');
        return {
          all: v === 'all',
          ids: v === 'all' ? [] : [...v].sort(),
          canOperateWeb: allows(req, 'operator', 'web'),
        };
      });
    };
    const { server } = await setup({ routes: [list] });
    const get = (headers: Record<string, string>) => server.inject({ url: '/api/things', headers });
    expect((await get({})).statusCode).toBe(401);
    expect((await get(loginAs(server, 'none').headers)).statusCode).toBe(403);
    expect((await get(loginAs(server, 'viewer').headers)).json()).toEqual({ all: true, ids: [], canOperateWeb: false });
    const u = loginAs(server, 'operator', { compartment: 'web' });
    loginAs(server, 'viewer', { compartment: 'db', username: u.username });
    expect((await get(u.headers)).json()).toEqual({ all: false, ids: ['db', 'web'], canOperateWeb: true });
  });
});

describe('the web UI files', () => {
  it('serves the build and index.html for client routes, never for /api', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-web-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>qm</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    const { server } = await setup({ webRoot: dir });
    try {
      expect((await server.inject('/')).body).toContain('<title>qm</title>');
      expect((await server.inject('/app.js')).body).toBe('console.log(1)');
      const page = await server.inject({ url: '/compartments/web', headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<title>qm</title>');
      const api = await server.inject({ url: '/api/nothing', headers: { accept: 'text/html' } });
      expect(api.statusCode).toBe(404);
      expect(api.json().error.code).toBe('not_found');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('first-run setup', () => {
  it('a one-time token creates the first admin', async () => {
    let printed: string | undefined;
    const { server, store } = await setup({ onSetupToken: (t) => (printed = t) });
    expect(printed).toBeDefined();
    expect(server.quadletman.setupToken).toBe(printed);
    expect((await server.inject('/api/auth/setup')).json()).toEqual({ required: true });
    const wrong = await server.inject({
      method: 'POST',
      url: '/api/auth/setup',
      payload: { token: 'guess', username: 'root-admin', password: 'a long admin password' },
    });
    expect(wrong.statusCode).toBe(401);
    const ok = await server.inject({
      method: 'POST',
      url: '/api/auth/setup',
      payload: { token: printed, username: 'boss', password: 'a long admin password' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().grants).toEqual([{ compartment: '*', role: 'admin' }]);
    expect(store.grants.hasGlobalAdmin()).toBe(true);
    const again = await server.inject({
      method: 'POST',
      url: '/api/auth/setup',
      payload: { token: printed, username: 'evil', password: 'a long admin password' },
    });
    expect(again.statusCode).toBe(409);
    expect((await server.inject('/api/auth/setup')).json()).toEqual({ required: false });
    expect(store.users.get('evil')).toBeUndefined();
  });

  it('no token when an admin exists', async () => {
    const clock = new Clock();
    const store = openStore({ path: ':memory:' });
    store.users.create({ username: 'a', kind: 'local' });
    store.grants.set('a', '*', 'admin');
    const ctx = { store, host: {} } as unknown as AppContext;
    const server = await buildServer(ctx, { auth: { now: clock.now } });
    servers.push(server);
    expect(server.quadletman.setupToken).toBeUndefined();
  });
});

describe('admin API: users, grants, tokens', () => {
  it('creates a token shown once, stored hashed, usable, then revoked', async () => {
    const { server, store } = await setup();
    const admin = loginAs(server, 'admin');
    const created = await server.inject({
      method: 'POST',
      url: '/api/admin/tokens',
      headers: admin.headers,
      payload: { name: 'ci', role: 'operator', compartment: 'web' },
    });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json();
    expect(token).toMatch(/^qmt_/);
    const row = store.tokens.get(id)!;
    expect(row.secretHash).not.toContain(token.split('.')[1]);
    const list = await server.inject({ url: '/api/admin/tokens', headers: admin.headers });
    expect(list.body).not.toContain(token.split('.')[1]);
    expect(list.json()[0]).not.toHaveProperty('secretHash');
    const use = await server.inject({
      method: 'POST',
      url: '/api/test/web',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(use.statusCode).toBe(200);
    const revoke = await server.inject({ method: 'DELETE', url: `/api/admin/tokens/${id}`, headers: admin.headers });
    expect(revoke.statusCode).toBe(204);
    const after = await server.inject({
      method: 'POST',
      url: '/api/test/web',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.statusCode).toBe(401);
  });

  it('manages users and grants; refuses to remove the last admin; non-admins are refused', async () => {
    const { server } = await setup();
    const admin = loginAs(server, 'admin', { username: 'boss' });
    const op = loginAs(server, 'operator');
    expect((await server.inject({ url: '/api/admin/users', headers: op.headers })).statusCode).toBe(403);
    const add = await server.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: admin.headers,
      payload: { username: 'dave', password: 'dave has a long password', role: 'viewer', compartment: 'web' },
    });
    expect(add.statusCode).toBe(201);
    expect(add.json().grants).toMatchObject([{ compartment: 'web', role: 'viewer' }]);
    const grant = await server.inject({
      method: 'PUT',
      url: '/api/admin/users/dave/grants/db',
      headers: admin.headers,
      payload: { role: 'operator' },
    });
    expect(grant.statusCode).toBe(200);
    const revoke = await server.inject({
      method: 'DELETE',
      url: '/api/admin/users/dave/grants/web',
      headers: admin.headers,
    });
    expect(revoke.statusCode).toBe(204);
    const demote = await server.inject({
      method: 'PUT',
      url: '/api/admin/users/boss/grants/*',
      headers: admin.headers,
      payload: { role: 'viewer' },
    });
    expect(demote.statusCode).toBe(409);
    const del = await server.inject({ method: 'DELETE', url: '/api/admin/users/boss', headers: admin.headers });
    expect(del.statusCode).toBe(409);
    const delDave = await server.inject({ method: 'DELETE', url: '/api/admin/users/dave', headers: admin.headers });
    expect(delDave.statusCode).toBe(204);
  });
});

describe('admin API: a grant or a token is for an existing compartment', () => {
  it('refuses a grant for an unknown compartment (404, naming it), on its own or with a new user', async () => {
    const { server, store } = await setup();
    const admin = loginAs(server, 'admin');
    store.users.create({ username: 'dave', kind: 'pam' });
    const grant = await server.inject({
      method: 'PUT',
      url: '/api/admin/users/dave/grants/nope',
      headers: admin.headers,
      payload: { role: 'operator' },
    });
    expect(grant.statusCode).toBe(404);
    expect(grant.json().error).toMatchObject({ code: 'not_found', details: { compartment: 'nope' } });
    expect(grant.json().error.message).toContain("There is no compartment 'nope'");
    const add = await server.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: admin.headers,
      payload: { username: 'erin', password: 'erin has a long password', role: 'viewer', compartment: 'nope' },
    });
    expect(add.statusCode).toBe(404);
    expect(store.users.get('erin')).toBeUndefined(); // refused before the account was made
    expect(store.grants.list().filter((g) => g.compartment === 'nope')).toEqual([]);
    const global = await server.inject({
      method: 'PUT',
      url: '/api/admin/users/dave/grants/*',
      headers: admin.headers,
      payload: { role: 'viewer' },
    });
    expect(global.statusCode).toBe(200);
  });

  it('refuses a token for an unknown compartment (404, naming it)', async () => {
    const { server, store } = await setup();
    const admin = loginAs(server, 'admin');
    const res = await server.inject({
      method: 'POST',
      url: '/api/admin/tokens',
      headers: admin.headers,
      payload: { name: 'ci', role: 'operator', compartment: 'nope' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'not_found', details: { compartment: 'nope' } });
    expect(res.json().error.message).toContain("There is no compartment 'nope'");
    expect(store.tokens.list()).toEqual([]);
  });
});

describe('audit log', () => {
  it('records mutations (also ones a route did not audit itself) and lists them filtered, admin only', async () => {
    const { server } = await setup();
    const admin = loginAs(server, 'admin', { username: 'boss' });
    const op = loginAs(server, 'operator', { username: 'opal' });
    await server.inject({ method: 'POST', url: '/api/test/web', headers: op.headers });
    await server.inject({ method: 'PUT', url: '/api/test/web', headers: op.headers }); // not audited by the route
    await server.inject({ method: 'DELETE', url: '/api/test/web', headers: op.headers }); // denied
    expect((await server.inject({ url: '/api/audit', headers: op.headers })).statusCode).toBe(403);
    const all = (await server.inject({ url: '/api/audit?actor=opal', headers: admin.headers })).json().entries;
    expect(
      all.map((e: { action: string; target: string; result: string; compartment: string }) => [
        e.action,
        e.target,
        e.result,
        e.compartment,
      ]),
    ).toEqual([
      ['http.delete', 'route:/api/test/web', 'denied', 'web'],
      ['http.put', 'route:/api/test/web', 'ok', 'web'],
      ['test.poke', 'compartment:web', 'ok', 'web'],
    ]);
    const denied = (await server.inject({ url: '/api/audit?result=denied', headers: admin.headers })).json().entries;
    expect(denied).toHaveLength(1);
    const byCompartment = (
      await server.inject({ url: '/api/audit?compartment=web&action=test.poke', headers: admin.headers })
    ).json();
    expect(byCompartment.entries).toHaveLength(1);
    const future = (
      await server.inject({ url: '/api/audit?since=2030-01-01T00:00:00Z', headers: admin.headers })
    ).json();
    expect(future.entries).toHaveLength(0);
    const bad = await server.inject({ url: '/api/audit?limit=0', headers: admin.headers });
    expect(bad.statusCode).toBe(400);
  });

  it('records changes only: a read-only POST is never audited (denied or not), a dry run neither', async () => {
    const { server, store } = await setup();
    const op = loginAs(server, 'operator', { compartment: 'web' });
    const peek = async (id: string) =>
      (await server.inject({ method: 'POST', url: `/api/test/${id}/peek`, headers: op.headers })).statusCode;
    expect(await peek('web')).toBe(200);
    expect(await peek('db')).toBe(403);
    const maybe = async (apply: boolean) =>
      (await server.inject({ method: 'POST', url: '/api/test/web/maybe', headers: op.headers, payload: { apply } }))
        .statusCode;
    expect(await maybe(false)).toBe(200);
    expect(store.audit.list()).toEqual([]);
    expect(await maybe(true)).toBe(200);
    expect(store.audit.list().map((e) => [e.action, e.target])).toEqual([['test.maybe', 'compartment:web/thing:x']]);
  });

  it('the chain verifies, and an edited row is named', async () => {
    const { server, store } = await setup();
    const op = loginAs(server, 'operator');
    for (const id of ['a', 'b', 'c'])
      await server.inject({ method: 'POST', url: `/api/test/${id}`, headers: op.headers });
    expect(store.audit.verify()).toEqual({ ok: true, entries: 3 });
    const sqlite = (store as unknown as { handle: { sqlite: import('better-sqlite3').Database } }).handle.sqlite;
    expect(() => sqlite.prepare("UPDATE audit_log SET result = 'failed' WHERE id = 2").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare('DELETE FROM audit_log WHERE id = 2').run()).toThrow(/append-only/);
    sqlite.exec('DROP TRIGGER audit_log_no_update');
    sqlite.prepare("UPDATE audit_log SET result = 'failed' WHERE id = 2").run();
    expect(store.audit.verify()).toMatchObject({ ok: false, brokenId: 2 });
  });

  it('GET /api/audit/verify checks the chain as the CLI does: global admins only', async () => {
    const { server, store } = await setup();
    const admin = loginAs(server, 'admin');
    const op = loginAs(server, 'operator');
    const webAdmin = loginAs(server, 'admin', { compartment: 'web' });
    for (const id of ['a', 'b', 'c'])
      await server.inject({ method: 'POST', url: `/api/test/${id}`, headers: op.headers });
    expect((await server.inject({ url: '/api/audit/verify' })).statusCode).toBe(401);
    expect((await server.inject({ url: '/api/audit/verify', headers: op.headers })).statusCode).toBe(403);
    expect((await server.inject({ url: '/api/audit/verify', headers: webAdmin.headers })).statusCode).toBe(403);
    const ok = await server.inject({ url: '/api/audit/verify', headers: admin.headers });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ ok: true, entries: 3 });
    const sqlite = (store as unknown as { handle: { sqlite: import('better-sqlite3').Database } }).handle.sqlite;
    sqlite.exec('DROP TRIGGER audit_log_no_update');
    sqlite.prepare("UPDATE audit_log SET target = 'compartment:x' WHERE id = 2").run();
    const broken = (await server.inject({ url: '/api/audit/verify', headers: admin.headers })).json();
    expect(broken).toEqual({ ok: false, entries: 1, brokenId: 2, reason: expect.stringMatching(/edited/) });
  });
});

describe('/metrics', () => {
  it('needs a global viewer and speaks the Prometheus text format', async () => {
    const { server } = await setup();
    expect((await server.inject('/metrics')).statusCode).toBe(401);
    const t = tokenFor(server, 'viewer');
    await server.inject({ url: '/api/test/web', headers: t.headers });
    const res = await server.inject({ url: '/metrics', headers: t.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('# TYPE quadletman_http_requests_total counter');
    expect(res.body).toMatch(/quadletman_http_requests_total\{method="GET",route="\/api\/test\/:id",status="200"\} 1/);
    expect(res.body).toContain('quadletman_compartments 3'); // web, db and other (setup)
    expect(res.body).toContain('# TYPE quadletman_applies_total counter');
  });

  it("gives the age of each compartment's newest snapshot, for compartments with a backup", async () => {
    const { server, store } = await setup();
    store.backups.add('web', '/srv/repo', 'pw');
    store.backups.add('db', '/srv/repo-db', 'pw');
    store.backups.recordSnapshot('web', new Date(Date.now() - 90 * 60_000).toISOString());
    const t = tokenFor(server, 'viewer');
    const body = (await server.inject({ url: '/metrics', headers: t.headers })).body;
    expect(body).toContain('# TYPE quadletman_backup_newest_snapshot_age_seconds gauge');
    const age = /quadletman_backup_newest_snapshot_age_seconds\{compartment="web"\} (\d+)/.exec(body);
    expect(Number(age?.[1])).toBeGreaterThanOrEqual(5400);
    expect(Number(age?.[1])).toBeLessThan(5460);
    expect(body).not.toContain('compartment="db"');
  });
});

describe('API token resolutions', () => {
  it('are reused for a second, and a grant change through the admin API takes effect at once', async () => {
    const { server, store } = await setup();
    const admin = loginAs(server, 'admin', { username: 'boss' });
    await server.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: admin.headers,
      payload: { username: 'erin', password: 'erin has a long password', role: 'operator', compartment: 'web' },
    });
    const created = await server.inject({
      method: 'POST',
      url: '/api/admin/tokens',
      headers: admin.headers,
      payload: { name: 'ci', role: 'operator', compartment: 'web', username: 'erin' },
    });
    const bearer = { authorization: `Bearer ${created.json().token}` };
    const use = () => server.inject({ method: 'POST', url: '/api/test/web', headers: bearer });
    expect((await use()).statusCode).toBe(200);
    const reads = store.tokens.get.bind(store.tokens);
    let lookups = 0;
    store.tokens.get = (id: string) => {
      lookups++;
      return reads(id);
    };
    expect((await use()).statusCode).toBe(200);
    expect(lookups).toBe(0);
    const revoke = await server.inject({
      method: 'DELETE',
      url: '/api/admin/users/erin/grants/web',
      headers: admin.headers,
    });
    expect(revoke.statusCode).toBeLessThan(300);
    expect((await use()).statusCode).toBe(403);
  });
});
