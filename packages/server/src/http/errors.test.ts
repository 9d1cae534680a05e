import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AppContext } from '../app.js';
import { CommandError, InvalidError } from '../core/errors.js';
import { parseCompartmentId } from '../core/ids.js';
import { openStore } from '../store/index.js';
import { loginAs, tokenFor } from './auth/test-support.js';
import { messageFor } from './errors.js';
import { buildServer } from './server.js';
import type { RoutePlugin } from './types.js';

const failure = {
  argv: ['systemctl', '--user', '-M', 'qm-web@', 'restart', 'web.service'],
  exitCode: 1,
  signal: null,
  stdout: '',
  stderr: 'Job for web.service failed because the control process exited with error code.\n',
  timedOut: false,
};

/** Routes that fail: a host command (for a viewer of compartment `:id`), a validation, a bad body. */
const failing: RoutePlugin = async (instance, { guard }) => {
  instance.get('/api/test/:id/command', { preHandler: guard('viewer') }, async () => {
    throw new CommandError(failure);
  });
  instance.get('/api/test/command-anonymous', async () => {
    throw new CommandError({ ...failure, exitCode: null, timedOut: true });
  });
  instance.get('/api/test/:id/invalid', { preHandler: guard('viewer') }, async () => {
    throw new InvalidError('The port is out of range.', { details: { path: 'probes[0].port' } });
  });
  instance.get('/api/test/:id/stream-message', { preHandler: guard('viewer') }, async (req) => ({
    message: messageFor(new CommandError(failure), req),
  }));
  const r = instance.withTypeProvider();
  r.post(
    '/api/test/:id/body',
    { preHandler: guard('viewer'), schema: { body: z.object({ port: z.number().int().max(65535) }) } },
    async () => ({ ok: true }),
  );
};

let servers: FastifyInstance[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

async function setup() {
  const store = openStore({ path: ':memory:' });
  // grants and tokens name a compartment that exists
  store.compartments.create({ id: parseCompartmentId('web') });
  const ctx = { store, host: {}, close: () => store.close() } as unknown as AppContext;
  const server = await buildServer(ctx, { routes: [failing] });
  servers.push(server);
  server.addHook('onClose', async () => store.close());
  return server;
}

describe('what a caller sees of an error', () => {
  it.each([
    ['viewer', {}],
    ['operator', {}],
    ['admin', { compartment: 'web' }],
  ] as const)('as %s %o: the code and a message without the command', async (role, scope) => {
    const server = await setup();
    const who = loginAs(server, role, scope);
    const res = await server.inject({ url: '/api/test/web/command', headers: who.headers });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toEqual({
      error: {
        code: 'command_failed',
        message: 'A host command exited with code 1; an administrator can see which one and its output.',
      },
    });
    expect(res.body).not.toContain('systemctl');
    expect(res.body).not.toContain('control process');
  });

  it('a global admin, by session or by token, gets the command, its output and the details', async () => {
    const server = await setup();
    for (const headers of [loginAs(server, 'admin').headers, tokenFor(server, 'admin').headers]) {
      const res = await server.inject({ url: '/api/test/web/command', headers });
      expect(res.statusCode).toBe(502);
      const { error } = res.json();
      expect(error.code).toBe('command_failed');
      expect(error.message).toContain('systemctl --user -M qm-web@ restart web.service exited with code 1');
      expect(error.message).toContain('control process exited');
      expect(error.details).toEqual({ argv: failure.argv, exitCode: 1, timedOut: false });
    }
  });

  it('an admin token of one compartment, or a viewer token of a global admin, is no global admin', async () => {
    const server = await setup();
    const scoped = tokenFor(server, 'admin', { compartment: 'web' });
    const capped = tokenFor(server, 'viewer');
    server.quadletman.store.grants.set(capped.username, '*', 'admin');
    server.quadletman.auth.forgetTokens();
    for (const headers of [scoped.headers, capped.headers]) {
      const res = await server.inject({ url: '/api/test/web/command', headers });
      expect(res.json().error.details).toBeUndefined();
      expect(res.body).not.toContain('systemctl');
    }
  });

  it('nobody logged in: the code and how the command ended, nothing else', async () => {
    const server = await setup();
    const res = await server.inject({ url: '/api/test/command-anonymous' });
    expect(res.json()).toEqual({
      error: {
        code: 'command_failed',
        message: 'A host command timed out; an administrator can see which one and its output.',
      },
    });
  });

  it('streams tell the same: messageFor hides the command from all but a global admin', async () => {
    const server = await setup();
    const viewer = await server.inject({
      url: '/api/test/web/stream-message',
      headers: loginAs(server, 'viewer').headers,
    });
    expect(viewer.json().message).not.toContain('systemctl');
    const admin = await server.inject({
      url: '/api/test/web/stream-message',
      headers: loginAs(server, 'admin').headers,
    });
    expect(admin.json().message).toContain('systemctl');
  });

  it('validation details stay visible to everyone', async () => {
    const server = await setup();
    const viewer = loginAs(server, 'viewer');
    const invalid = await server.inject({ url: '/api/test/web/invalid', headers: viewer.headers });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error).toEqual({
      code: 'invalid',
      message: 'The port is out of range.',
      details: { path: 'probes[0].port' },
    });
    const body = await server.inject({
      method: 'POST',
      url: '/api/test/web/body',
      headers: viewer.headers,
      payload: { port: 70000 },
    });
    expect(body.statusCode).toBe(400);
    expect(body.json().error.details.validation).toBeDefined();
  });
});
