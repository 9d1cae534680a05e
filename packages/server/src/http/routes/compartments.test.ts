import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompartmentDetailSchema, CompartmentListSchema, UnitGraphSchema } from '../../api/contract.js';
import { overviewOf } from './compartments-overview.js';
import { type Setup, setup } from './compartments-test-setup.js';

let dir: string;
let s: Setup;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-routes-'));
});
afterEach(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/compartments', () => {
  it('lists compartments with unit counts by state', async () => {
    s = await setup(dir, { shop: true });
    await s.ctx.app.compartments.create({ id: 'empty' });
    const res = await s.t.as('viewer', 'GET', '/api/compartments');
    expect(res.statusCode).toBe(200);
    const body = CompartmentListSchema.parse(res.json());
    expect(body.compartments.map((c) => c.id)).toEqual(['empty', 'shop']);
    const shop = body.compartments.find((c) => c.id === 'shop')!;
    expect(shop.units).toBe(3); // c0, c1 and the default network
    expect(shop.unitStates).toEqual({ active: 3 });
    // the network ran (active/exited): done, not a running container
    expect(shop.containerStates).toEqual({ running: 2 });
    expect(shop.otherStates).toEqual({ done: 1 });
    expect(shop.statusAt).not.toBeNull();
    // a new compartment has the default network in its (not yet applied) desired state
    expect(body.compartments[0]).toMatchObject({ id: 'empty', units: 1 });
  });

  it('counts a stopped unit after a stop through the API (the cache is dropped)', async () => {
    s = await setup(dir, { shop: true });
    await s.t.as('viewer', 'GET', '/api/compartments');
    const stop = await s.t.as('operator', 'POST', '/api/compartments/shop/units/stop', { units: ['c0'] });
    expect(stop.statusCode).toBe(200);
    const shop = CompartmentListSchema.parse((await s.t.as('viewer', 'GET', '/api/compartments')).json())
      .compartments[0]!;
    expect(shop.unitStates).toEqual({ active: 2, failed: 1 });
    // one container runs, one failed; the network (active/exited) is no container
    expect(shop.containerStates).toEqual({ running: 1, failed: 1 });
    expect(shop.otherStates).toEqual({ done: 1 });
  });

  it('reads unit states afresh after a live unit event (a change by another process shows at once)', async () => {
    s = await setup(dir, { shop: true });
    const list = async () =>
      CompartmentListSchema.parse((await s.t.as('viewer', 'GET', '/api/compartments')).json()).compartments[0]!;
    const host = s.ctx.hosts.get('shop')!;
    expect((await list()).containerStates).toEqual({ running: 2 });
    await host.stopUnits(['c1.service']); // by the CLI: nothing through this server's API
    expect((await list()).containerStates).toEqual({ running: 2 }); // the cached states
    // the journal's "Stopped c1.service" reaches the live runtime, which tells the overview before publishing
    overviewOf(s.ctx.app).statesChanged('shop');
    expect((await list()).containerStates).toEqual({ running: 1, failed: 1 });
  });

  it('does not keep a list built from states read before a live unit event', async () => {
    s = await setup(dir, { shop: true });
    const list = async () =>
      CompartmentListSchema.parse((await s.t.as('viewer', 'GET', '/api/compartments')).json()).compartments[0]!;
    const host = s.ctx.hosts.get('shop')!;
    const original = host.unitStatuses.bind(host);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    host.unitStatuses = async (units) => {
      const read = await original(units); // read before the change…
      await gate; // …answered after it
      return read;
    };
    const first = list();
    await new Promise((r) => setTimeout(r, 50));
    await host.stopUnits(['c1.service']);
    overviewOf(s.ctx.app).statesChanged('shop');
    release();
    expect((await first).containerStates).toEqual({ running: 2 }); // what was read then
    host.unitStatuses = original;
    expect((await list()).containerStates).toEqual({ running: 1, failed: 1 });
  });

  it('reads unit states once per compartment however many requests come at once', async () => {
    s = await setup(dir, { shop: true });
    const host = s.ctx.hosts.get('shop')!;
    let reads = 0;
    const original = host.unitStatuses.bind(host);
    host.unitStatuses = async (units) => {
      reads++;
      return original(units);
    };
    await Promise.all(Array.from({ length: 20 }, () => s.t.as('viewer', 'GET', '/api/compartments')));
    await s.t.as('viewer', 'GET', '/api/compartments/shop');
    expect(reads).toBe(1);
  });

  it('shows a compartment another process created within a second (the rows are cached for 1 s)', async () => {
    s = await setup(dir, { shop: true });
    const ids = async () =>
      CompartmentListSchema.parse((await s.t.as('viewer', 'GET', '/api/compartments')).json()).compartments.map(
        (c) => c.id,
      );
    expect(await ids()).toEqual(['shop']);
    await s.ctx.app.compartments.create({ id: 'cli' }); // not through the API: nothing invalidates the cache
    await new Promise((r) => setTimeout(r, 1_050));
    expect(await ids()).toEqual(['cli', 'shop']);
  });

  it('still lists a compartment whose states cannot be read', async () => {
    s = await setup(dir, { shop: true });
    s.ctx.accounts.delete('shop'); // its user is gone: hostFor fails
    const shop = CompartmentListSchema.parse((await s.t.as('viewer', 'GET', '/api/compartments')).json())
      .compartments[0]!;
    expect(shop).toMatchObject({ units: 3, unitStates: {}, statusAt: null });
  });
});

describe('POST /api/compartments', () => {
  it('creates a compartment (201) and audits it', async () => {
    s = await setup(dir);
    const res = await s.t.as('admin', 'POST', '/api/compartments', { id: 'blog', description: 'Blog' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ id: 'blog', description: 'Blog', podmanVersion: null });
    expect(s.ctx.accounts.has('blog')).toBe(true);
    expect(s.t.audits).toEqual([
      { action: 'compartment.create', target: 'compartment:blog', result: 'ok', details: {}, user: 'admin' },
    ]);
  });

  it('answers 409 for a compartment that exists, audited as failed', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('admin', 'POST', '/api/compartments', { id: 'shop' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('conflict');
    expect(s.t.audits[0]).toMatchObject({ action: 'compartment.create', result: 'failed' });
    expect(s.t.audits[0]!.details).toMatchObject({ error: 'conflict' });
  });

  it.each([
    [{ id: 'Bad_Id' }, '/id'],
    [{ id: 'a--b' }, '/id'],
    [{}, '/id'],
    [{ id: 'ok', podmanVersion: '5' }, '/podmanVersion'],
    [{ id: 'ok', description: 42 }, '/description'],
    // found by the hostile-input suite: stored with ESC, line breaks and NUL, and a lone surrogate as U+FFFD
    [{ id: 'ok', description: 'a\u001b[31mb' }, '/description'],
    [{ id: 'ok', description: 'a\nb\0' }, '/description'],
    [{ id: 'ok', description: 'a\ud800b' }, '/description'],
  ])('refuses %j with 400 and the path of the bad field', async (body, path) => {
    s = await setup(dir);
    const res = await s.t.as('admin', 'POST', '/api/compartments', body);
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.code).toBe('invalid');
    expect(err.details.validation.map((v: { instancePath: string }) => v.instancePath)).toContain(path);
    expect(s.t.audits).toEqual([]);
  });

  it('refuses a body that is not JSON with 400', async () => {
    s = await setup(dir);
    const res = await s.t.as('admin', 'POST', '/api/compartments', '{"id":', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBeTypeOf('string');
  });
});

describe('GET /api/compartments/:id', () => {
  it('shows units with their state and the latest revisions', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('shopViewer', 'GET', '/api/compartments/shop');
    expect(res.statusCode).toBe(200);
    const body = CompartmentDetailSchema.parse(res.json());
    expect(body.units.map((u) => [u.unit, u.source, u.status?.activeState])).toEqual([
      ['c0.service', 'c0.container', 'active'],
      ['c1.service', 'c1.container', 'active'],
      ['shop-network.service', 'shop.network', 'active'],
    ]);
    expect(body.history).toEqual([expect.objectContaining({ number: 1, result: 'applied', actor: 'seed' })]);
  });

  it("names the Podman version its units are linted against: the host's, unless it pins one", async () => {
    s = await setup(dir, { shop: true });
    s.ctx.hosts.get('shop')!.version = '5.4';
    const res = await s.t.as('shopViewer', 'GET', '/api/compartments/shop');
    expect(CompartmentDetailSchema.parse(res.json()).lintPodmanVersion).toBe('5.4');
    await s.ctx.app.compartments.create({ id: 'pinned', podmanVersion: '4.9' });
    const pinned = await s.t.as('viewer', 'GET', '/api/compartments/pinned');
    expect(CompartmentDetailSchema.parse(pinned.json()).lintPodmanVersion).toBe('4.9');
  });

  it('answers 404 in the error shape for a compartment that does not exist', async () => {
    s = await setup(dir);
    const res = await s.t.as('viewer', 'GET', '/api/compartments/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: expect.stringContaining("'nope'") } });
  });

  it('answers 400 for an id that is not a compartment id', async () => {
    s = await setup(dir);
    const res = await s.t.as('viewer', 'GET', '/api/compartments/Not_An_Id');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.validation[0].instancePath).toBe('/id');
  });
});

describe('DELETE /api/compartments/:id', () => {
  it('deletes it, keeping volumes unless asked, and audits it', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('admin', 'DELETE', '/api/compartments/shop?volumes=true');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ deleted: 'shop', volumes: true });
    expect(s.ctx.accounts.has('shop')).toBe(false);
    expect((await s.t.as('viewer', 'GET', '/api/compartments/shop')).statusCode).toBe(404);
    expect(s.t.audits).toEqual([
      expect.objectContaining({ action: 'compartment.delete', result: 'ok', details: { volumes: true } }),
    ]);
  });

  it('answers 404 for a compartment that does not exist, audited as failed', async () => {
    s = await setup(dir);
    const res = await s.t.as('admin', 'DELETE', '/api/compartments/nope');
    expect(res.statusCode).toBe(404);
    expect(s.t.audits[0]).toMatchObject({ action: 'compartment.delete', result: 'failed' });
  });

  it('refuses a volumes flag that is not a boolean', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('admin', 'DELETE', '/api/compartments/shop?volumes=maybe');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.validation[0].instancePath).toBe('/volumes');
  });
});

describe('GET /api/compartments/:id/dependencies', () => {
  it("answers the units' dependencies and start order from the desired state", async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('shopViewer', 'GET', '/api/compartments/shop/dependencies');
    expect(res.statusCode).toBe(200);
    const body = UnitGraphSchema.parse(res.json());
    expect(body.nodes.map((n) => [n.id, n.unit])).toEqual([
      ['c0.container', 'c0.service'],
      ['c1.container', 'c1.service'],
      ['shop.network', 'shop-network.service'],
      ['shop.target', 'shop.target'],
    ]);
    expect(body.edges).toContainEqual({
      from: 'c0.container',
      to: 'shop.network',
      kind: 'network',
      key: 'Network',
      order: 'after',
      healthGate: false,
    });
    expect(body.layers).toEqual([['shop.network'], ['c0.container', 'c1.container'], ['shop.target']]);
    expect(body).toMatchObject({ cycles: [], missing: [] });
  });

  it('is 404 for a compartment that does not exist', async () => {
    s = await setup(dir, { shop: true });
    const res = await s.t.as('admin', 'GET', '/api/compartments/nope/dependencies');
    expect(res.statusCode).toBe(404);
  });
});
