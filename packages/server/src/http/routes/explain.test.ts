import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { parseDryRun } from '../../host/generator.js';
import { errorHandler } from '../errors.js';
import type { RouteDeps } from '../types.js';
import { explainRoutes } from './explain.js';

const GENERATED = `---web.service---
[Unit]
SourcePath=/stage/web.container

[Service]
ExecStart=/usr/bin/podman run --name systemd-%N --rm localhost/x
ExecStop=/usr/bin/podman rm -v -f -i systemd-%N
`;

async function server(stderr = '') {
  const staged: Record<string, string>[] = [];
  const app = {
    compartments: { get: (id: string) => ({ id }) },
    host: {
      users: { sessionFor: async () => ({ user: 'qm-shop', uid: 990, home: '/home/qm-shop' }) },
      generator: {
        dryRun: async (_s: unknown, files: Record<string, string>) => {
          staged.push(files);
          return parseDryRun(stderr ? '' : GENERATED, stderr, Object.keys(files).sort(), stderr ? 1 : 0);
        },
      },
    },
  } as unknown as AppContext;
  const s = Fastify();
  s.setErrorHandler(errorHandler);
  const deps: RouteDeps = { app, guard: () => async () => undefined, audit: () => undefined };
  await s.register(async (i) => explainRoutes(i, deps));
  return { s, staged };
}

describe('POST /api/compartments/:id/explain', () => {
  it("answers the generated service's command lines, in order", async () => {
    const { s, staged } = await server();
    const files = { 'web.container': '[Container]\nImage=localhost/x\n', 'app.network': '[Network]\n' };
    const res = await s.inject({
      method: 'POST',
      url: '/api/compartments/shop/explain',
      payload: { unit: 'web.container', files },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      unit: 'web.container',
      ok: true,
      reason: null,
      service: 'web.service',
      commands: [
        { key: 'ExecStart', value: '/usr/bin/podman run --name systemd-%N --rm localhost/x' },
        { key: 'ExecStop', value: '/usr/bin/podman rm -v -f -i systemd-%N' },
      ],
    });
    expect(staged).toEqual([files]);
  });

  it("gives the generator's reason when it rejects the unit", async () => {
    const { s } = await server('converting "web.container": no Image or Rootfs key specified');
    const files = { 'web.container': '[Container]\n' };
    const res = await s.inject({
      method: 'POST',
      url: '/api/compartments/shop/explain',
      payload: { unit: 'web.container', files },
    });
    expect(res.json()).toMatchObject({ ok: false, reason: 'no Image or Rootfs key specified', commands: [] });
  });

  it('refuses a unit missing from the set and names that are not Quadlet files', async () => {
    const { s } = await server();
    const missing = await s.inject({
      method: 'POST',
      url: '/api/compartments/shop/explain',
      payload: { unit: 'web.container', files: { 'db.container': '[Container]\n' } },
    });
    expect(missing.statusCode).toBe(400);
    const hostile = await s.inject({
      method: 'POST',
      url: '/api/compartments/shop/explain',
      payload: { unit: 'web.container', files: { 'web.container': 'x', '../etc.container': 'x' } },
    });
    expect(hostile.statusCode).toBe(400);
  });
});
