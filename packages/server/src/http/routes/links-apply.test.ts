import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LINK_ADDRESS } from '../../core/spec-links.js';
import { type Setup, setup } from './compartments-test-setup.js';
import { specText } from './compartments-test-support.js';

let dir: string;
let s: Setup;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-links-'));
});
afterEach(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const Q = '.config/containers/systemd';

/** The spec of `id` (two containers c0 and c1) with these extra top-level lines. */
const withLines = (id: string, ...lines: string[]) => `${specText(id)}${lines.map((l) => `${l}\n`).join('')}`;
const providing = (id: string, provides: string) => withLines(id, 'provides:', `  ${provides}`);
const using = (id: string, ...uses: string[]) => withLines(id, 'uses:', ...uses.map((u) => `  - ${u}`));

const apply = (id: string, text: string) => s.t.as('operator', 'POST', `/api/compartments/${id}/apply`, { text });

/** A server with pg providing db (c0:5432) and shop and other created. */
async function providerAndConsumer(): Promise<void> {
  s = await setup(dir);
  for (const id of ['pg', 'shop', 'other']) await s.ctx.app.compartments.create({ id });
  const res = await apply('pg', providing('pg', 'db: "c0:5432"'));
  expect(res.json()).toMatchObject({ outcome: 'applied' });
}

const file = (id: string, name: string) => s.ctx.hosts.get(id)?.files.get(`${Q}/${name}`) ?? '';
const lastGuard = () => s.ctx.guardLoads.at(-1) ?? [];

describe('connections between compartments through the apply API', () => {
  it('gives the provided service a loopback port, publishes it and guards it', async () => {
    await providerAndConsumer();
    expect(file('pg', 'c0.container')).toContain('PublishPort=127.0.0.1:30000:5432');
    expect(file('pg', 'c1.container')).not.toContain('PublishPort');
    expect(s.ctx.app.compartments.state('pg').provides).toEqual([{ service: 'db', to: 'c0:5432', port: 30000 }]);
    const spec = await s.t.as('viewer', 'GET', '/api/compartments/pg/spec');
    expect(spec.json().spec.provides).toEqual({ db: { to: 'c0:5432', port: 30000 } });
    expect(lastGuard()).toEqual([{ port: 30000, compartments: ['pg'], edge: false, what: 'service db of pg' }]);
  });

  it('tells every container of the consumer where the service is, and lets only the consumer in', async () => {
    await providerAndConsumer();
    const plan = await s.t.as('viewer', 'POST', '/api/compartments/shop/plan', {
      text: using('shop', '{ compartment: pg, service: db, as: DB }'),
    });
    expect(plan.statusCode).toBe(200);
    expect(plan.json().plan.links).toEqual({ add: ['DB ← pg/db'], remove: [] });

    const res = await apply('shop', using('shop', '{ compartment: pg, service: db, as: DB }'));
    expect(res.json()).toMatchObject({ outcome: 'applied' });
    for (const c of ['c0.container', 'c1.container']) {
      const text = file('shop', c);
      expect(text, c).toMatch(new RegExp(`^Environment=.*DB_HOST=${LINK_ADDRESS.replaceAll('.', '\\.')}`, 'm'));
      expect(text, c).toMatch(/^Environment=.*DB_PORT=30000/m);
      expect(text, c).toMatch(new RegExp(`^Environment=.*DB_ADDR=${LINK_ADDRESS.replaceAll('.', '\\.')}:30000`, 'm'));
    }
    expect(s.ctx.app.compartments.state('shop').uses).toEqual([
      { compartment: 'pg', service: 'db', as: 'DB', port: 30000 },
    ]);
    expect(lastGuard()).toEqual([{ port: 30000, compartments: ['pg', 'shop'], edge: false, what: 'service db of pg' }]);
    expect(s.ctx.app.links.connections()).toEqual([
      { provider: 'pg', service: 'db', to: 'c0:5432', port: 30000, consumers: [{ compartment: 'shop', as: 'DB' }] },
    ]);

    // a third compartment that did not declare the use is not let in
    const other = await apply('other', specText('other'));
    expect(other.json()).toMatchObject({ outcome: 'applied' });
    expect(s.ctx.app.links.desired().flatMap((p) => p.compartments)).not.toContain('other');
    expect(lastGuard().flatMap((p) => p.compartments)).not.toContain('other');

    // applying the same again changes nothing, and loads no guard
    const loads = s.ctx.guardLoads.length;
    const again = await apply('shop', using('shop', '{ compartment: pg, service: db, as: DB }'));
    expect(again.json().outcome).toBe('noop');
    expect(s.ctx.guardLoads).toHaveLength(loads);
  });

  it('answers 409 for a use of a service the provider does not provide, listing what it provides', async () => {
    await providerAndConsumer();
    const res = await apply('shop', using('shop', '{ compartment: pg, service: cache, as: CACHE }'));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain(
      "uses[0].service: compartment 'pg' provides no 'cache' (it provides db)",
    );
    const none = await apply('shop', using('shop', '{ compartment: other, service: db, as: DB }'));
    expect(none.statusCode).toBe(409);
    expect(none.json().error.message).toContain("compartment 'other' provides no 'db' (it provides nothing)");
    const missing = await apply('shop', using('shop', '{ compartment: nope, service: db, as: DB }'));
    expect(missing.statusCode).toBe(409);
    expect(missing.json().error.message).toContain("uses[0].compartment: there is no compartment 'nope'");
    expect(s.ctx.app.compartments.history('shop')).toHaveLength(0);
  });

  it('refuses removing or moving a used service, and deleting its provider, until the use is gone', async () => {
    await providerAndConsumer();
    await apply('shop', using('shop', '{ compartment: pg, service: db, as: DB }'));

    const removed = await apply('pg', specText('pg'));
    expect(removed.statusCode).toBe(409);
    expect(removed.json().error.message).toContain(
      "provides.db: compartment 'shop' uses it (as DB); remove that use first",
    );
    const moved = await apply('pg', providing('pg', 'db: { to: "c0:5432", port: 30500 }'));
    expect(moved.statusCode).toBe(409);
    expect(moved.json().error.message).toContain("provides.db.port: compartment 'shop' uses it on 30000 (as DB)");
    // another target on the same port is fine
    expect((await apply('pg', providing('pg', 'db: "c1:5432"'))).json()).toMatchObject({ outcome: 'applied' });
    expect(s.ctx.app.compartments.state('pg').provides).toEqual([{ service: 'db', to: 'c1:5432', port: 30000 }]);

    const del = await s.t.as('admin', 'DELETE', '/api/compartments/pg');
    expect(del.statusCode).toBe(409);
    expect(del.json().error.message).toBe(
      "Compartment 'pg' provides services others use: 'shop' uses db (as DB). Remove those uses first.",
    );
    expect(s.ctx.app.store.compartments.get('pg' as never)).toBeDefined();

    expect((await apply('shop', specText('shop'))).json()).toMatchObject({ outcome: 'applied' });
    expect(file('shop', 'c0.container')).not.toContain('DB_');
    expect(lastGuard()).toEqual([{ port: 30000, compartments: ['pg'], edge: false, what: 'service db of pg' }]);
    const ok = await s.t.as('admin', 'DELETE', '/api/compartments/pg');
    expect(ok.statusCode).toBe(200);
    expect(s.ctx.app.store.links.allProvides()).toEqual([]);
    expect(await s.ctx.app.links.sync()).toBe('loaded');
    expect(lastGuard()).toEqual([]);
  });

  it('guards a route port (owner and edge) and a provided port (owner and consumers) together', async () => {
    await providerAndConsumer();
    const res = await apply(
      'pg',
      withLines('pg', 'provides:', '  db: "c0:5432"', 'routes:', '  - { host: pg.example.org, to: "c1:8080" }'),
    );
    expect(res.json()).toMatchObject({ outcome: 'applied' });
    expect(lastGuard()).toEqual([
      { port: 20000, compartments: ['pg'], edge: true, what: 'route pg.example.org/ of pg' },
      { port: 30000, compartments: ['pg'], edge: false, what: 'service db of pg' },
    ]);
  });

  it('refuses a provided port that is its own route’s', async () => {
    await providerAndConsumer();
    const res = await apply(
      'pg',
      withLines(
        'pg',
        'provides:',
        '  db: "c0:5432"',
        'routes:',
        '  - { host: pg.example.org, to: "c1:8080", port: 30000 }',
      ),
    );
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('provides.db.port: 30000 is the port of its route pg.example.org/');
  });

  it('answers 409 for a route port another compartment’s provided service holds, naming it', async () => {
    await providerAndConsumer();
    const res = await apply(
      'shop',
      withLines('shop', 'routes:', '  - { host: shop.example.org, to: "c0:80", port: 30000 }'),
    );
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain("routes[0].port: 30000 is held by compartment 'pg' (service db)");
    expect(s.ctx.app.compartments.history('shop')).toHaveLength(0);
  });

  it('gives a provided service no port another compartment publishes, and refuses one named', async () => {
    s = await setup(dir);
    for (const id of ['pg', 'other']) await s.ctx.app.compartments.create({ id });
    const publishing = specText('other').replace(
      'exec: [sleep, infinity]',
      'exec: [sleep, infinity], publishPort: ["30000:80"]',
    );
    expect((await apply('other', publishing)).json()).toMatchObject({ outcome: 'applied' });
    expect((await apply('pg', providing('pg', 'db: "c0:5432"'))).json()).toMatchObject({ outcome: 'applied' });
    expect(s.ctx.app.compartments.state('pg').provides).toEqual([{ service: 'db', to: 'c0:5432', port: 30001 }]);
    const named = await apply('pg', providing('pg', 'ro: { to: "c1:5432", port: 30000 }'));
    expect(named.statusCode).toBe(409);
    expect(named.json().error.message).toContain(
      "provides.ro.port: 30000 is held by compartment 'other' (c0.container PublishPort=30000:80)",
    );
  });

  it('rolls back an apply that changes connections when the guard cannot be loaded, keeping the stored state', async () => {
    await providerAndConsumer();
    const before = s.ctx.app.compartments.state('shop');
    const loads = s.ctx.guardLoads.length;
    s.ctx.guardFailure.error = new Error('nft: permission denied');
    const res = await apply('shop', using('shop', '{ compartment: pg, service: db, as: DB }'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'rolled-back' });
    expect(res.json().message).toContain('nft: permission denied');
    expect(s.ctx.app.compartments.state('shop')).toEqual(before);
    expect(s.ctx.app.store.links.allUses()).toEqual([]);
    expect(file('shop', 'c0.container')).not.toContain('DB_');
    expect(s.ctx.guardLoads).toHaveLength(loads);

    // once the guard loads again, the same apply goes through
    s.ctx.guardFailure.error = undefined;
    expect((await apply('shop', using('shop', '{ compartment: pg, service: db, as: DB }'))).json()).toMatchObject({
      outcome: 'applied',
    });
  });

  it('loads the guard as it was when a later step fails', async () => {
    await providerAndConsumer();
    const res = await apply(
      'shop',
      using('shop', '{ compartment: pg, service: db, as: DB }').replaceAll('localhost/app:1', 'localhost/broken:1'),
    );
    expect(res.json()).toMatchObject({ outcome: 'rolled-back' });
    const loads = s.ctx.guardLoads;
    expect(loads.at(-2)).toEqual([
      { port: 30000, compartments: ['pg', 'shop'], edge: false, what: 'service db of pg' },
    ]);
    expect(loads.at(-1)).toEqual([{ port: 30000, compartments: ['pg'], edge: false, what: 'service db of pg' }]);
    expect(s.ctx.app.store.links.allUses()).toEqual([]);
  });
});
