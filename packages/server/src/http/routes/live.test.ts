// In-process tests of the live routes on a bare Fastify instance with a fake guard and a fake runtime (hub,
// logs, stats, terminal): SSE framing and filtering by what the principal may view, Last-Event-ID resume and
// reset, heartbeats, unsubscribe on disconnect, logs with and without follow, stats, the terminal over a
// WebSocket (input, resize, output, kill on close, roles, origin).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../core/errors.js';
import { type CompartmentId, parseCompartmentId } from '../../core/ids.js';
import type { LiveEvent } from '../../core/live/events.js';
import { LiveHub } from '../../core/live/hub.js';
import type { LogLine, LogQuery, TerminalSession, TerminalSize } from '../../core/live/ports.js';
import { SseParser } from '../../core/live/sse.js';
import { errorHandler } from '../errors.js';
import type { AuditEntry, Guard, Role } from '../types.js';
import { makeLiveRoutes } from './live.js';
import type { LiveRuntime } from './live-runtime.js';

const ROLES: Role[] = ['viewer', 'operator', 'admin'];
/** user → compartment ('*' = global) → role */
const GRANTS: Record<string, Record<string, Role>> = {
  alice: { '*': 'viewer' },
  bob: { web: 'viewer' },
  olga: { web: 'operator' },
};
const fakeGuard: Guard = (role, options) => async (req, reply) => {
  const p = req.principal;
  if (!p) return reply.status(401).send({ error: { code: 'unauthorized', message: 'log in' } });
  const param = options?.compartmentParam === undefined ? 'id' : options.compartmentParam;
  const c = param ? (req.params as Record<string, string>)[param] : undefined;
  const g = GRANTS[p.username] ?? {};
  const held = Math.max(ROLES.indexOf(g['*'] as Role), c ? ROLES.indexOf(g[c] as Role) : -1);
  if (held < ROLES.indexOf(role)) return reply.status(403).send({ error: { code: 'forbidden', message: 'no' } });
};

const web = parseCompartmentId('web');
const db = parseCompartmentId('db');
const ev = (compartment: CompartmentId, name: string, state: 'died' | 'started' = 'died'): LiveEvent => ({
  compartment,
  kind: 'container',
  name,
  state,
  at: '2026-11-23T07:00:00.000Z',
});

class FakeTerminal implements TerminalSession {
  data: ((d: string) => void)[] = [];
  exits: ((e: { exitCode: number }) => void)[] = [];
  written: string[] = [];
  sizes: TerminalSize[] = [];
  killed = false;
  constructor(size: TerminalSize) {
    this.sizes.push(size);
  }
  onData(l: (d: string) => void) {
    this.data.push(l);
  }
  onExit(l: (e: { exitCode: number }) => void) {
    this.exits.push(l);
  }
  write(d: string) {
    this.written.push(d);
    // a shell that runs `echo X` lines
    const m = /^echo (.*)\n$/.exec(d);
    if (m) for (const l of this.data) l(`${m[1]}\r\n`);
    if (d === 'exit\n') for (const l of this.exits) l({ exitCode: 0 });
  }
  resize(s: TerminalSize) {
    this.sizes.push(s);
  }
  kill() {
    this.killed = true;
  }
}

function fakeRuntime() {
  const hub = new LiveHub({ epoch: 'ep' });
  const logQueries: LogQuery[] = [];
  const follows: { stopped: boolean; push: (l: LogLine) => void }[] = [];
  const terminals: FakeTerminal[] = [];
  const line = (n: number): LogLine => ({
    cursor: `cur-${n}`,
    time: '2026-11-23T07:00:00.000Z',
    priority: 'info',
    unit: 'web.service',
    identifier: 'web',
    message: `line ${n}\nsecond`,
  });
  const rt: LiveRuntime = {
    hub,
    heartbeatMs: 50,
    compartments: () => [web, db],
    compartment: (id) => {
      if (id !== 'web' && id !== 'db') throw new NotFoundError(`There is no compartment '${id}'.`);
      return parseCompartmentId(id);
    },
    logs: {
      read: async (_c, q) => {
        logQueries.push(q);
        return [line(1), line(2)];
      },
      follow: (_c, q) => {
        logQueries.push(q);
        const queue: LogLine[] = [line(1)];
        let wake: (() => void) | undefined;
        const f = {
          stopped: false,
          push: (l: LogLine) => {
            queue.push(l);
            wake?.();
          },
        };
        follows.push(f);
        return {
          lines: (async function* () {
            while (!f.stopped) {
              const l = queue.shift();
              if (l) yield l;
              else await new Promise<void>((r) => (wake = r));
            }
          })(),
          stop: async () => {
            f.stopped = true;
            wake?.();
          },
        };
      },
    },
    stats: {
      stats: async (c) => ({
        compartment: c,
        at: '2026-11-23T07:00:00.000Z',
        memoryAvailable: false,
        containers: [
          {
            name: 'web',
            id: 'abc',
            cpuPercent: 1.5,
            cpuNanos: 10,
            memoryBytes: null,
            memoryLimitBytes: null,
            memoryPercent: null,
            pids: null,
          },
        ],
      }),
    },
    terminal: {
      open: async (_c, name, size) => {
        if (name === 'gone') throw new Error('no such container');
        if (name === 'slow') await new Promise((r) => setTimeout(r, 100));
        const t = new FakeTerminal(size);
        terminals.push(t);
        return t;
      },
    },
    close: async () => undefined,
  };
  return { rt, hub, logQueries, follows, terminals };
}

let app: FastifyInstance;
let base: string;
let fx: ReturnType<typeof fakeRuntime>;
let audits: AuditEntry[];

beforeEach(async () => {
  fx = fakeRuntime();
  audits = [];
  app = Fastify();
  app.setErrorHandler(errorHandler);
  // as the server does: the WebSocket plugin at the root (the live plugin registers it itself otherwise)
  await app.register(websocket);
  app.addHook('onRequest', async (req) => {
    const u = req.headers['x-test-user'];
    if (typeof u === 'string') req.principal = { kind: 'session', username: u, address: req.ip };
  });
  await app.register(async (i) =>
    makeLiveRoutes(fx.rt)(i, {
      app: {} as never,
      guard: fakeGuard,
      audit: (_req, e) => void audits.push(e),
    }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await app.close();
});

interface SseClient {
  status: number;
  headers: http.IncomingHttpHeaders;
  messages: { event: string; id: string | undefined; data: string }[];
  raw: string;
  waitFor(pred: (m: SseClient['messages']) => boolean, ms?: number): Promise<void>;
  close(): void;
}

function sse(path: string, headers: Record<string, string>): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers }, (res) => {
      const parser = new SseParser();
      const c: SseClient = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        messages: [],
        raw: '',
        waitFor: async (pred, ms = 2000) => {
          const t0 = Date.now();
          while (!pred(c.messages)) {
            if (Date.now() - t0 > ms) throw new Error(`timed out; got ${JSON.stringify(c.messages)} raw ${c.raw}`);
            await new Promise((r) => setTimeout(r, 5));
          }
        },
        close: () => req.destroy(),
      };
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        c.raw += d;
        c.messages.push(...parser.push(d));
      });
      res.on('error', () => {});
      resolve(c);
    });
    req.on('error', reject);
  });
}

const until = async (pred: () => boolean, ms = 2000) => {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('GET /api/events', () => {
  it('needs a principal', async () => {
    const r = await app.inject({ url: '/api/events' });
    expect(r.statusCode).toBe(401);
  });

  it('streams every event to a global viewer, as SSE with ids', async () => {
    const c = await sse('/api/events', { 'x-test-user': 'alice' });
    expect(c.status).toBe(200);
    expect(c.headers['content-type']).toMatch(/^text\/event-stream/);
    await until(() => fx.hub.subscriberCount === 1);
    fx.hub.publish(ev(web, 'a'));
    fx.hub.publish(ev(db, 'b'));
    await c.waitFor((m) => m.length === 2);
    expect(c.messages.map((m) => [m.event, m.id, JSON.parse(m.data).name])).toEqual([
      ['message', 'ep-1', 'a'],
      ['message', 'ep-2', 'b'],
    ]);
    expect(c.raw).toMatch(/^retry: 2000\n: connected\n\n/);
    c.close();
  });

  it('shows a per-compartment viewer only their compartments, and refuses them others', async () => {
    const c = await sse('/api/events', { 'x-test-user': 'bob' });
    await until(() => fx.hub.subscriberCount === 1);
    fx.hub.publish(ev(db, 'hidden'));
    fx.hub.publish(ev(web, 'shown'));
    await c.waitFor((m) => m.length === 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(c.messages.map((m) => JSON.parse(m.data).name)).toEqual(['shown']);
    c.close();
    expect(
      (await app.inject({ url: '/api/events?compartment=db', headers: { 'x-test-user': 'bob' } })).statusCode,
    ).toBe(403);
    const r = await app.inject({ url: '/api/events?compartment=nope', headers: { 'x-test-user': 'alice' } });
    expect([r.statusCode, r.json().error.code]).toEqual([404, 'not_found']);
    const bad = await app.inject({ url: '/api/events?compartment=Not_An_Id', headers: { 'x-test-user': 'alice' } });
    expect(bad.statusCode).toBe(400);
  });

  it('?compartment= narrows the stream', async () => {
    const c = await sse('/api/events?compartment=db', { 'x-test-user': 'alice' });
    await until(() => fx.hub.subscriberCount === 1);
    fx.hub.publish(ev(web, 'a'));
    fx.hub.publish(ev(db, 'b'));
    await c.waitFor((m) => m.length === 1);
    expect(JSON.parse(c.messages[0]!.data).name).toBe('b');
    c.close();
  });

  it('resumes after Last-Event-ID from the ring buffer, and says reset for an id it cannot resume', async () => {
    for (const n of ['a', 'b', 'c']) fx.hub.publish(ev(web, n));
    const c = await sse('/api/events', { 'x-test-user': 'alice', 'last-event-id': 'ep-1' });
    await c.waitFor((m) => m.length === 2);
    expect(c.messages.map((m) => m.id)).toEqual(['ep-2', 'ep-3']);
    c.close();
    const old = await sse('/api/events', { 'x-test-user': 'alice', 'last-event-id': 'other-7' });
    await old.waitFor((m) => m.length === 1);
    expect(old.messages[0]).toMatchObject({ event: 'reset', id: 'ep-3' });
    old.close();
  });

  it('sends heartbeats and unsubscribes when the client goes away', async () => {
    const c = await sse('/api/events', { 'x-test-user': 'alice' });
    await until(() => c.raw.includes(': ping'));
    expect(fx.hub.subscriberCount).toBe(1);
    c.close();
    await until(() => fx.hub.subscriberCount === 0);
  });

  it('ends open streams when the server closes (server.close() does not wait for them)', async () => {
    const c = await sse('/api/events', { 'x-test-user': 'alice' });
    const l = await sse('/api/compartments/web/logs?follow=1', { 'x-test-user': 'alice' });
    await until(() => fx.hub.subscriberCount === 1 && fx.follows.length === 1);
    const t0 = Date.now();
    await app.close();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(fx.hub.subscriberCount).toBe(0);
    await until(() => fx.follows[0]!.stopped);
    c.close();
    l.close();
  });
});

describe('GET /api/compartments/:id/logs', () => {
  it('sends the lines with their cursors as ids, then end', async () => {
    const c = await sse('/api/compartments/web/logs?unit=web&lines=5&since=-10m', { 'x-test-user': 'bob' });
    expect(c.status).toBe(200);
    await c.waitFor((m) => m.some((x) => x.event === 'end'));
    expect(c.messages.map((m) => [m.event, m.id])).toEqual([
      ['message', 'cur-1'],
      ['message', 'cur-2'],
      ['end', 'cur-2'],
    ]);
    expect(JSON.parse(c.messages[0]!.data).message).toBe('line 1\nsecond');
    expect(fx.logQueries[0]).toEqual({ lines: 5, unit: 'web.service', since: '-10m' });
  });

  it("asks for several units at once (the compartment's own), each as a unit name", async () => {
    const c = await sse('/api/compartments/web/logs?units=web,db.service,backup.timer&lines=5', {
      'x-test-user': 'bob',
    });
    await c.waitFor((m) => m.some((x) => x.event === 'end'));
    expect(fx.logQueries[0]).toEqual({ lines: 5, units: ['web.service', 'db.service', 'backup.timer'] });
  });

  it('follows until the client disconnects, then stops the journal stream; resumes after Last-Event-ID', async () => {
    const c = await sse('/api/compartments/web/logs?follow=1', { 'x-test-user': 'bob', 'last-event-id': 'cur-9' });
    await c.waitFor((m) => m.length === 1);
    fx.follows[0]!.push({ ...JSON.parse(c.messages[0]!.data), cursor: 'cur-10', message: 'new' });
    await c.waitFor((m) => m.length === 2);
    expect(JSON.parse(c.messages[1]!.data).message).toBe('new');
    expect(fx.logQueries[0]).toEqual({ lines: 100, afterCursor: 'cur-9' });
    c.close();
    await until(() => fx.follows[0]!.stopped);
  });

  it('checks roles, the compartment and the query', async () => {
    const h = { 'x-test-user': 'bob' };
    expect((await app.inject({ url: '/api/compartments/db/logs', headers: h })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/compartments/web/logs' })).statusCode).toBe(401);
    const a = { 'x-test-user': 'alice' };
    expect((await app.inject({ url: '/api/compartments/nope/logs', headers: a })).statusCode).toBe(404);
    for (const q of [
      'lines=-1',
      'lines=x',
      'unit=../x',
      'since=--all',
      'unit=a%20b',
      'units=web,../x',
      'units=a%0Ab',
    ]) {
      expect((await app.inject({ url: `/api/compartments/web/logs?${q}`, headers: a })).statusCode, q).toBe(400);
    }
  });
});

describe('GET /api/compartments/:id/stats', () => {
  it('returns CPU and null memory where cgroups do not give it', async () => {
    const r = await app.inject({ url: '/api/compartments/web/stats', headers: { 'x-test-user': 'bob' } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      memoryAvailable: false,
      containers: [{ name: 'web', cpuPercent: 1.5, memoryBytes: null }],
    });
    expect(
      (await app.inject({ url: '/api/compartments/db/stats', headers: { 'x-test-user': 'bob' } })).statusCode,
    ).toBe(403);
  });
});

describe('terminal WebSocket', () => {
  const path = '/api/compartments/web/containers/web/terminal?cols=100&rows=30';

  it('runs input through the pty, passes resizes, sends output, kills the pty on close; audited', async () => {
    const ws = await app.injectWS(path, { headers: { 'x-test-user': 'olga' } });
    const got: string[] = [];
    ws.on('message', (d: Buffer, binary: boolean) => got.push(binary ? `bin:${d.toString()}` : `txt:${d.toString()}`));
    ws.send(JSON.stringify({ type: 'input', data: 'echo hello\n' }));
    await until(() => got.length === 1);
    expect(got).toEqual(['bin:hello\r\n']);
    ws.send(Buffer.from('echo raw\n'));
    await until(() => got.length === 2);
    ws.send(JSON.stringify({ type: 'resize', cols: 120, rows: 40 }));
    ws.send(JSON.stringify({ type: 'resize', cols: 'x' })); // ignored
    await until(() => fx.terminals[0]!.sizes.length === 2);
    expect(fx.terminals[0]!.sizes).toEqual([
      { cols: 100, rows: 30 },
      { cols: 120, rows: 40 },
    ]);
    expect(audits).toEqual([
      {
        action: 'container.terminal',
        target: 'compartment:web/container:web',
        result: 'ok',
        details: { container: 'web' },
      },
    ]);
    ws.terminate();
    await until(() => fx.terminals[0]!.killed);
  });

  it('keeps input and a resize sent while the pty starts', async () => {
    const ws = await app.injectWS('/api/compartments/web/containers/slow/terminal', {
      headers: { 'x-test-user': 'olga' },
    });
    const got: string[] = [];
    ws.on('message', (d: Buffer) => got.push(d.toString()));
    ws.send(JSON.stringify({ type: 'resize', cols: 90, rows: 33 }));
    ws.send(JSON.stringify({ type: 'input', data: 'echo early\n' }));
    await until(() => got.length === 1);
    expect(got).toEqual(['early\r\n']);
    expect(fx.terminals[0]!.sizes).toEqual([
      { cols: 80, rows: 24 },
      { cols: 90, rows: 33 },
    ]);
    ws.terminate();
  });

  it('tells the client when the shell exits', async () => {
    const ws = await app.injectWS(path, { headers: { 'x-test-user': 'olga' } });
    const got: string[] = [];
    ws.on('message', (d: Buffer) => got.push(d.toString()));
    const closed = new Promise<number>((r) => ws.on('close', (code: number) => r(code)));
    ws.send(JSON.stringify({ type: 'input', data: 'exit\n' }));
    expect(await closed).toBe(1000);
    expect(got).toEqual([JSON.stringify({ type: 'exit', exitCode: 0 })]);
  });

  it('reports a terminal that cannot open, audited as failed', async () => {
    const got: string[] = [];
    let closed!: Promise<number>;
    await app.injectWS(
      '/api/compartments/web/containers/gone/terminal',
      { headers: { 'x-test-user': 'olga' } },
      {
        onInit: (ws) => {
          ws.on('message', (d: Buffer) => got.push(d.toString()));
          closed = new Promise<number>((r) => ws.on('close', (code: number) => r(code)));
        },
      },
    );
    expect(await closed).toBe(1011);
    expect(JSON.parse(got[0]!)).toMatchObject({ type: 'error' });
    expect(audits[0]).toMatchObject({ result: 'failed' });
  });

  it('needs the operator role and a same-origin page', async () => {
    await expect(app.injectWS(path, { headers: { 'x-test-user': 'bob' } })).rejects.toThrow(/403/);
    await expect(app.injectWS(path, {})).rejects.toThrow(/401/);
    await expect(
      app.injectWS(path, { headers: { 'x-test-user': 'olga', origin: 'https://evil.example', host: 'localhost' } }),
    ).rejects.toThrow(/403/);
    expect(fx.terminals).toHaveLength(0);
  });
});
