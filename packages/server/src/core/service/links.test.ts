import { describe, expect, it } from 'vitest';
import type { GuardedPort } from '../edge/guard.js';
import type { HeldProvide, HeldUse } from '../edge/link-ports.js';
import type { HeldRoute } from '../edge/ports.js';
import { LinkService } from './links.js';

function service(options: { busy?: boolean; guard?: boolean } = {}) {
  const store = {
    routes: [] as HeldRoute[],
    provides: [{ compartment: 'pg', service: 'db', to: 'c0:5432', port: 30000 }] as HeldProvide[],
    uses: [{ consumer: 'shop', compartment: 'pg', service: 'db', as: 'DB' }] as HeldUse[],
  };
  const loads: GuardedPort[][] = [];
  const links = new LinkService({
    store: { allRoutes: () => store.routes, allProvides: () => store.provides, allUses: () => store.uses },
    ...(options.guard === false ? {} : { guard: { apply: async (p) => void loads.push([...p]) } }),
    busy: async () => options.busy ?? false,
  });
  return { store, loads, links };
}

describe('LinkService', () => {
  it('replaces the overridden compartment’s routes, provides and uses, keeping the others as stored', () => {
    const { links } = service();
    expect(links.desired().map((p) => [p.port, p.compartments])).toEqual([[30000, ['pg', 'shop']]]);
    // shop drops its use: pg alone
    expect(links.desired({ compartment: 'shop', routes: [], provides: [], uses: [] })).toEqual([
      { port: 30000, compartments: ['pg'], edge: false, what: 'service db of pg' },
    ]);
    // pg moves db and adds a route; shop's stored use follows the service
    expect(
      links.desired({
        compartment: 'pg',
        routes: [{ host: 'pg.example.org', path: '/', to: 'c1:80', port: 20000 }],
        provides: [{ service: 'db', to: 'c0:5432', port: 30001 }],
        uses: [],
      }),
    ).toEqual([
      { port: 20000, compartments: ['pg'], edge: true, what: 'route pg.example.org/ of pg' },
      { port: 30001, compartments: ['pg', 'shop'], edge: false, what: 'service db of pg' },
    ]);
  });

  it('syncs from the store when it changed, and not while it is in sync or an apply runs', async () => {
    const { store, loads, links } = service();
    expect(await links.sync()).toBe('loaded');
    expect(await links.sync()).toBe('in-sync');
    store.uses = [];
    expect(await links.sync()).toBe('loaded');
    expect(loads.at(-1)).toEqual([{ port: 30000, compartments: ['pg'], edge: false, what: 'service db of pg' }]);
    expect(await links.sync(0)).toBe('loaded');
    expect(loads).toHaveLength(3);

    const busy = service({ busy: true });
    expect(await busy.links.sync()).toBe('busy');
    expect(busy.loads).toEqual([]);
  });

  it('clears a guard a previous run left when there is nothing to guard, once', async () => {
    const { store, loads, links } = service();
    store.provides = [];
    store.uses = [];
    expect(await links.sync()).toBe('loaded');
    expect(loads).toEqual([[]]);
    expect(await links.sync()).toBe('in-sync');
  });

  it('without a guard: sync does nothing and publish fails', async () => {
    const { links } = service({ guard: false });
    expect(links.enforced).toBe(false);
    expect(await links.sync()).toBe('none');
    await expect(links.publish('pg', { routes: [], provides: [], uses: [] })).rejects.toThrow(/no loopback guard/);
  });

  it('lists every provided service with its consumers, or those a user may see', () => {
    const { links } = service();
    const all = [
      { provider: 'pg', service: 'db', to: 'c0:5432', port: 30000, consumers: [{ compartment: 'shop', as: 'DB' }] },
    ];
    expect(links.connections()).toEqual(all);
    expect(links.connections((c) => c === 'shop')).toEqual(all);
    expect(links.connections((c) => c === 'other')).toEqual([]);
  });
});
