import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../app.js';
import { openStore } from '../store/index.js';
import { ANONYMOUS_BODY_LIMIT } from './anonymous-body.js';
import { loginAs, tokenFor } from './auth/test-support.js';
import { buildServer } from './server.js';
import type { RoutePlugin } from './types.js';

const BIG = 4 * 1024 * 1024;
const ROUTE_LIMIT = 16 * 1024 * 1024;

/** A guarded route with a 16 MiB limit whose JSON parser counts its runs. */
function uploadRoutes(parsed: { count: number }): RoutePlugin {
  return async (instance, { guard }) => {
    instance.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      parsed.count++;
      try {
        done(null, JSON.parse(body as string));
      } catch (err) {
        done(err as Error);
      }
    });
    instance.post('/api/test/upload/:id', { bodyLimit: ROUTE_LIMIT, preHandler: guard('operator') }, async (req) => ({
      bytes: JSON.stringify(req.body).length,
    }));
  };
}

let servers: FastifyInstance[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

async function setup() {
  const store = openStore({ path: ':memory:' });
  const ctx = { store, host: {}, close: () => store.close() } as unknown as AppContext;
  const parsed = { count: 0 };
  const server = await buildServer(ctx, { routes: [uploadRoutes(parsed)] });
  servers.push(server);
  server.addHook('onClose', async () => store.close());
  return { server, parsed };
}

const bigJson = () => JSON.stringify({ text: 'x'.repeat(BIG) });

/** Sends `head` then `body` chunks on a raw connection (stopping when an answer comes); what came back. */
function rawRequest(
  port: number,
  head: string,
  chunks: Iterable<Buffer>,
  timeoutMs = 3000,
): Promise<{ answer: string; sent: number; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let closed = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ answer, sent, closed });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (d) => {
      answer += d.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('connect', async () => {
      socket.write(head);
      for (const chunk of chunks) {
        if (answer !== '' || socket.destroyed) break;
        sent += chunk.length;
        if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
        await new Promise((r) => setImmediate(r));
      }
    });
  });
}

describe('anonymous request bodies', () => {
  it('a large anonymous body is refused before it is parsed; the same body with a session or token is not', async () => {
    const { server, parsed } = await setup();
    const payload = bigJson();
    const headers = { 'content-type': 'application/json' };
    const anon = await server.inject({ method: 'POST', url: '/api/test/upload/web', headers, payload });
    expect(anon.statusCode).toBe(413);
    expect(anon.json().error).toMatchObject({ code: 'too_large', message: expect.stringMatching(/^Log in first/) });
    expect(anon.headers.connection).toBe('close');
    expect(parsed.count).toBe(0);

    const session = loginAs(server, 'operator');
    const withSession = await server.inject({
      method: 'POST',
      url: '/api/test/upload/web',
      headers: { ...headers, ...session.headers },
      payload,
    });
    expect(withSession.statusCode).toBe(200);
    expect(withSession.json().bytes).toBe(payload.length);
    const token = tokenFor(server, 'operator');
    const withToken = await server.inject({
      method: 'POST',
      url: '/api/test/upload/web',
      headers: { ...headers, ...token.headers },
      payload,
    });
    expect(withToken.statusCode).toBe(200);
    expect(parsed.count).toBe(2);
  });

  it('an expired session cookie counts as anonymous; small anonymous bodies reach the routes as before', async () => {
    const { server, parsed } = await setup();
    const headers = { 'content-type': 'application/json', cookie: 'qm_session=this-session-does-not-exist-at-all' };
    const big = await server.inject({ method: 'POST', url: '/api/test/upload/web', headers, payload: bigJson() });
    expect(big.statusCode).toBe(413);
    const small = await server.inject({
      method: 'POST',
      url: '/api/test/upload/web',
      headers,
      payload: { text: 'x'.repeat(ANONYMOUS_BODY_LIMIT - 100) },
    });
    expect(small.statusCode).toBe(401);
    expect(parsed.count).toBe(1);
  });

  it('answers an anonymous Content-Length of 8 MiB before the client has sent it', async () => {
    const { server } = await setup();
    await server.listen({ host: '127.0.0.1', port: 0 });
    const port = (server.server.address() as { port: number }).port;
    const length = 8 * 1024 * 1024;
    const head =
      'POST /api/test/upload/web HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${length}\r\n\r\n`;
    // 1 KiB now, the rest only if nothing came back (it never should).
    const chunks = function* () {
      yield Buffer.from(`{"text":"${'x'.repeat(1000)}`);
      for (let sent = 1000; sent < length; sent += 65536) yield Buffer.alloc(65536, 0x78);
    };
    const r = await rawRequest(port, head, chunks());
    expect(r.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.answer).toMatch(/connection: close/i);
    expect(r.sent).toBeLessThan(length);
  });

  it('cuts off a chunked anonymous body that grows past the limit', async () => {
    const { server, parsed } = await setup();
    await server.listen({ host: '127.0.0.1', port: 0 });
    const port = (server.server.address() as { port: number }).port;
    const head =
      'POST /api/test/upload/web HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      'Transfer-Encoding: chunked\r\n\r\n';
    const total = 8 * 1024 * 1024;
    const chunks = function* () {
      yield Buffer.from(`a\r\n{"text":"x\r\n`);
      const data = Buffer.alloc(16 * 1024, 0x78);
      for (let sent = 0; sent < total; sent += data.length) {
        yield Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
      }
    };
    const r = await rawRequest(port, head, chunks());
    expect(r.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.sent).toBeLessThan(total);
    expect(parsed.count).toBe(0);
  });
});
