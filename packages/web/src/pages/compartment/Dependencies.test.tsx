/**
 * The Dependencies tab against a faked server: the start order as a numbered list with each unit's needs (health
 * gates, implicit Quadlet references, missing units), templates apart, warnings for missing units and cycles, and
 * the SVG graph with a box per started unit and a line per ordered pair.
 */
import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UnitGraph } from '../../api/types';
import { renderTab } from '../../test-support/compartment-tab';
import { fakeApi, viewerSession } from '../../test-support/fake-api';
import { DependenciesTab } from './Dependencies';

const node = (id: string, unit: string, kind: UnitGraph['nodes'][number]['kind'], extra = {}) => ({
  id,
  path: `.config/containers/systemd/${id}`,
  kind,
  unit,
  ...extra,
});
const edge = (from: string, to: string, kind: UnitGraph['edges'][number]['kind'], key: string, extra = {}) => ({
  from,
  to,
  kind,
  key,
  order: 'after' as 'after' | 'before' | null,
  healthGate: false,
  ...extra,
});

const shop: UnitGraph = {
  nodes: [
    node('api.container', 'api.service', 'container'),
    node('db.container', 'db.service', 'container', { notifyHealthy: true }),
    node('shop.network', 'shop-network.service', 'network'),
    node('shop.target', 'shop.target', 'target'),
    node('worker@.container', 'worker@.service', 'container', { template: true }),
  ],
  edges: [
    edge('db.container', 'shop.network', 'network', 'Network'),
    edge('api.container', 'shop.network', 'network', 'Network'),
    edge('api.container', 'db.container', 'requires', 'Requires', { order: null }),
    edge('api.container', 'db.container', 'after', 'After', { healthGate: true }),
    edge('api.container', 'cache.volume', 'volume', 'Volume', { missing: true }),
    edge('api.container', 'shop.target', 'partOf', 'PartOf', { order: null }),
    edge('shop.target', 'api.container', 'wants', 'WantedBy'),
    edge('shop.target', 'db.container', 'wants', 'WantedBy'),
    edge('worker@.container', 'api.container', 'after', 'After'),
  ],
  order: ['shop.network', 'db.container', 'api.container', 'shop.target'],
  layers: [['shop.network'], ['db.container'], ['api.container'], ['shop.target']],
  cycles: [],
  missing: [{ from: 'api.container', to: 'cache.volume', key: 'Volume' }],
};

function serve(graph: UnitGraph) {
  return fakeApi(({ method, path }) => {
    if (method === 'GET' && path === '/api/compartments/shop/dependencies') return [200, graph];
    return undefined;
  }, viewerSession);
}

afterEach(() => vi.unstubAllGlobals());

describe('DependenciesTab', () => {
  it('lists the units in start order with what each needs, and the templates apart', async () => {
    serve(shop);
    renderTab('shop', {}, <DependenciesTab id="shop" />);
    const list = await screen.findByRole('list', { name: 'Start order' });
    const items = within(list)
      .getAllByRole('listitem')
      .filter((li) => li.parentElement === list);
    expect(items.map((li) => li.getAttribute('data-unit'))).toEqual([
      'shop.network',
      'db.container',
      'api.container',
      'shop.target',
    ]);
    expect(within(items[0]!).getByText('waits for nothing')).toBeTruthy();
    expect(within(items[1]!).getByText('ready when healthy')).toBeTruthy();
    const api = within(items[2]!);
    expect(api.getByText('network shop.network')).toBeTruthy();
    expect(api.getByText('needs db.container')).toBeTruthy();
    expect(api.getByText('waits until db.container is healthy')).toBeTruthy();
    expect(api.getByText('volume cache.volume (missing)')).toBeTruthy();
    expect(api.getByText('part of shop.target')).toBeTruthy();
    expect(within(items[3]!).getByText('wants api.container')).toBeTruthy();
    expect(screen.getByText('Templates (started only through their instances)')).toBeTruthy();
    expect(screen.getByText('after api.container')).toBeTruthy();
  });

  it('warns about missing units, and draws a box per started unit and a line per ordered pair', async () => {
    serve(shop);
    const { container } = renderTab('shop', {}, <DependenciesTab id="shop" />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Missing units');
    expect(alert.textContent).toContain('api.container: Volume=cache.volume, but the compartment has no such unit');
    const svg = screen.getByRole('img', { name: /arrows point from a unit/ });
    expect([...svg.querySelectorAll('[data-node]')].map((g) => g.getAttribute('data-node'))).toEqual(shop.order);
    const lines = [...container.querySelectorAll('[data-edge]')];
    expect(lines.map((l) => l.getAttribute('data-edge'))).toEqual([
      'shop.network -> db.container',
      'shop.network -> api.container',
      'db.container -> api.container',
      'shop.target -> api.container',
      'api.container -> shop.target',
      'db.container -> shop.target',
    ]);
    // the health gate is drawn thicker; a line without ordering is dashed
    const gate = lines.find((l) => l.getAttribute('data-edge') === 'db.container -> api.container')!;
    expect(gate.getAttribute('stroke-width')).toBe('2');
    const partOf = lines.find((l) => l.getAttribute('data-edge') === 'shop.target -> api.container')!;
    expect(partOf.getAttribute('stroke-dasharray')).toBe('4 3');
  });

  it('warns about ordering cycles', async () => {
    serve({
      nodes: [node('a.container', 'a.service', 'container'), node('b.container', 'b.service', 'container')],
      edges: [
        edge('a.container', 'b.container', 'after', 'After'),
        edge('b.container', 'a.container', 'after', 'After'),
      ],
      order: ['a.container', 'b.container'],
      layers: [['a.container', 'b.container']],
      cycles: [['a.container', 'b.container']],
      missing: [],
    });
    renderTab('shop', {}, <DependenciesTab id="shop" />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Ordering cycles');
    expect(alert.textContent).toContain('a.container → b.container are ordered after each other');
  });

  it('says when the compartment has no units', async () => {
    serve({ nodes: [], edges: [], order: [], layers: [], cycles: [], missing: [] });
    renderTab('shop', {}, <DependenciesTab id="shop" />);
    expect(await screen.findByText('This compartment has no units.')).toBeTruthy();
  });
});
