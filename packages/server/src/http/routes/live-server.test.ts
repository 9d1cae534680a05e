// The live routes through the real server assembly (sessions, API tokens, the real guard): /api/events shows
// each principal exactly the compartments its grants cover, and the journal and stats routes enforce the
// viewer role per compartment. The runtime behind the routes is a fake (hub + stub ports).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { NotFoundError } from '../../core/errors.js';
import { parseCompartmentId } from '../../core/ids.js';
import { LiveHub } from '../../core/live/hub.js';
import { SseParser } from '../../core/live/sse.js';
import { openStore } from '../../store/index.js';
import { loginAs, tokenFor } from '../auth/test-support.js';
import { buildServer } from '../server.js';
import { makeLiveRoutes } from './live.js';
import type { LiveRuntime } from './live-runtime.js';

const web = parseCompartmentId('web');
const db = parseCompartmentId('db');

let server: FastifyInstance;
let hub: LiveHub;
let base: string;

beforeEach(async () => {
  hub = new LiveHub({ epoch: 'ep' });
  const rt: LiveRuntime = {
    hub,
    compartments: () => [web, db],
    compartment: (id) => {
      if (id !== 'web' && id !== 'db') throw new NotFoundError(`no ${id}`);
      return parseCompartmentId(id);
    },
    logs: { read: async () => [], follow: () => ({ lines: (async function* () {})(), stop: async () => undefined }) },
    stats: { stats: async (c) => ({ compartment: c, at: 'now', memoryAvailable: false, containers: [] }) },
    terminal: {
      open: async () => {
        throw new Error('not here');
      },
    },
    close: async () => undefined,
  };
  const store = openStore({ path: ':memory:' });
  for (const id of [web, db]) store.compartments.create({ id });
  const ctx = { store, host: {}, close: () => store.close() } as unknown as AppContext;
  server = await buildServer(ctx, { routes: [makeLiveRoutes(rt)] });
  server.addHook('onClose', async () => store.close());
  await server.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await server.close();
});

/** Opens /api/events, publishes one event per compartment, returns the compartments seen. */
async function seen(path: string, headers: Record<string, string>): Promise<{ status: number; names: string[] }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        resolve({ status: res.statusCode ?? 0, names: [] });
        return;
      }
      const p = new SseParser();
      const names: string[] = [];
      // a principal that sees nothing: whatever came within a moment
      setTimeout(() => {
        req.destroy();
        resolve({ status: 200, names });
      }, 500);
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        for (const m of p.push(d)) {
          const e = JSON.parse(m.data) as { compartment: string; name: string };
          names.push(`${e.compartment}/${e.name}`);
          if (e.name === 'last') {
            req.destroy();
            resolve({ status: 200, names });
          }
        }
      });
      // the subscription exists once the first bytes came; then publish
      res.once('data', () => {
        for (const c of [db, web])
          hub.publish({ compartment: c, kind: 'container', name: 'x', state: 'died', at: 'now' });
        for (const c of [db, web])
          hub.publish({ compartment: c, kind: 'container', name: 'last', state: 'died', at: 'now' });
      });
    });
    req.on('error', reject);
  });
}

describe('live routes behind the real auth', () => {
  it('streams to each principal the compartments it may view', async () => {
    expect((await seen('/api/events', {})).status).toBe(401);
    const all = await seen('/api/events', loginAs(server, 'viewer').headers);
    expect(all.names.slice(0, 2)).toEqual(['db/x', 'web/x']);
    const bob = loginAs(server, 'viewer', { compartment: 'web' });
    expect((await seen('/api/events', bob.headers)).names).toEqual(['web/x', 'web/last']);
    expect((await seen('/api/events?compartment=db', bob.headers)).status).toBe(403);
    const token = tokenFor(server, 'viewer', { compartment: 'db' });
    expect((await seen('/api/events', token.headers)).names).toEqual(['db/x', 'db/last']);
    expect((await seen('/api/events', loginAs(server, 'none').headers)).names).toEqual([]);
  });

  it('guards logs and stats per compartment', async () => {
    const bob = loginAs(server, 'viewer', { compartment: 'web' });
    expect((await server.inject({ url: '/api/compartments/web/stats', headers: bob.headers })).statusCode).toBe(200);
    expect((await server.inject({ url: '/api/compartments/db/stats', headers: bob.headers })).statusCode).toBe(403);
    expect((await server.inject({ url: '/api/compartments/db/logs', headers: bob.headers })).statusCode).toBe(403);
    expect((await server.inject({ url: '/api/compartments/web/stats' })).statusCode).toBe(401);
  });

  it('refuses a terminal to a viewer and to another origin', async () => {
    const viewer = loginAs(server, 'viewer', { compartment: 'web' });
    const op = loginAs(server, 'operator', { compartment: 'web' });
    const upgrade = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const req = http.get(`${base}/api/compartments/web/containers/web/terminal`, {
          headers: {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
            ...headers,
          },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('upgrade', (_res, socket) => {
          socket.destroy();
          resolve(101);
        });
        // a refused upgrade: the 403 answer, or (when the socket is destroyed before it is flushed) a reset
        req.on('error', () => resolve(-1));
      });
    expect([403, -1]).toContain(await upgrade(viewer.headers));
    expect([403, -1]).toContain(await upgrade({ ...op.headers, origin: 'https://evil.example' }));
    expect(await upgrade(op.headers)).toBe(101);
  });
});
