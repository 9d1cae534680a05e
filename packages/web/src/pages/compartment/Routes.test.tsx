/**
 * A compartment's routes against a faked server: the Routes tab lists the compartment's routes (asked for with
 * `?compartment=`) with their "open" links, says when the edge is not reachable, and explains how to add a route
 * when there is none; the Units tab gives a routed unit (a container's or a pod's) an "open" link.
 */
import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderTab } from '../../test-support/compartment-tab';
import { type Answer, type Call, fakeApi } from '../../test-support/fake-api';
import { RoutesTab } from './Routes';
import { UnitsTab } from './Units';

const route = (over: Record<string, unknown> = {}) => ({
  compartment: 'photos',
  host: 'photos.example.org',
  path: '/',
  to: 'web:8080',
  port: 20000,
  url: 'https://photos.example.org/',
  answer: 'HTTP 200',
  ok: true,
  certificate: { issuer: 'Caddy Local Authority - ECC Intermediate', validTo: '2026-12-11T08:00:00.000Z' },
  ...over,
});

const edge = (routes: unknown[], over: Record<string, unknown> = {}) => ({
  settings: { adminSocket: '/run/quadletman-edge/admin.sock', httpPort: 80, httpsPort: 443, tls: { mode: 'internal' } },
  reachable: true,
  inSync: true,
  error: null,
  caddyfile: '',
  hasRootCertificate: true,
  routes,
  ...over,
});

const unit = (name: string, source: string) => ({
  unit: name,
  source,
  status: { unit: name, activeState: 'active', subState: 'running', result: 'success' },
});

function serve(status: unknown) {
  return fakeApi((c: Call): Answer => {
    if (c.path === '/api/edge') return [200, status];
    if (c.path === '/api/compartments/photos')
      return [
        200,
        {
          id: 'photos',
          description: '',
          units: [
            unit('web.service', 'web.container'),
            unit('db.service', 'db.container'),
            unit('gallery-pod.service', 'gallery.pod'),
          ],
          history: [],
        },
      ];
    return undefined;
  });
}

/** The query strings of the GETs of /api/edge. */
const edgeQueries = () =>
  vi
    .mocked(fetch)
    .mock.calls.map(([url]) => String(url))
    .filter((u) => u.startsWith('/api/edge'))
    .map((u) => u.slice('/api/edge'.length));

afterEach(() => vi.unstubAllGlobals());

describe("a compartment's routes tab", () => {
  it("lists the compartment's routes with open links", async () => {
    serve(
      edge([
        route(),
        route({
          host: 'admin.photos.example.org',
          url: 'https://admin.photos.example.org/',
          to: 'web:9090',
          port: 20001,
          answer: 'HTTP 503',
          ok: false,
          certificate: null,
        }),
        // (another compartment's route, as a viewer of several may get them: not listed here)
        route({ compartment: 'wiki', host: 'wiki.example.org', url: 'https://wiki.example.org/', to: 'app:3000' }),
      ]),
    );
    renderTab('photos', {}, <RoutesTab id="photos" />);
    const table = await screen.findByRole('table', { name: 'Routes' });
    expect(edgeQueries()).toEqual(['?compartment=photos']);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-route'))).toEqual(['photos.example.org/', 'admin.photos.example.org/']);
    // the compartment is not a column here
    expect(within(table).queryByRole('columnheader', { name: 'Compartment' })).toBeNull();
    const open = within(rows[0]!).getByRole('link', { name: 'open https://photos.example.org/ (in a new tab)' });
    expect(open.getAttribute('href')).toBe('https://photos.example.org/');
    expect(open.getAttribute('target')).toBe('_blank');
    expect(within(rows[0]!).getByText('ok')).toBeTruthy();
    expect(within(rows[0]!).getByText('Caddy Local Authority - ECC Intermediate')).toBeTruthy();
    expect(within(rows[1]!).getByText('failed')).toBeTruthy();
    expect(within(rows[1]!).getByText('HTTP 503')).toBeTruthy();
    expect(within(rows[1]!).getByText('web:9090')).toBeTruthy();
    expect(rows[1]!.textContent).toContain('20001');
    expect(screen.queryByText('wiki.example.org', { exact: false })).toBeNull();
    expect(screen.getByRole('link', { name: 'The edge and every route' }).getAttribute('href')).toBe('/routes');
  });

  it('explains how to add a route when there is none, and says when the edge is not reachable', async () => {
    serve(edge([], { reachable: false, inSync: false, error: 'connect ENOENT /run/quadletman-edge/admin.sock' }));
    renderTab('photos', {}, <RoutesTab id="photos" />);
    expect(await screen.findByText(/This compartment has no routes/)).toBeTruthy();
    expect(screen.getByText('routes:', { selector: 'code' })).toBeTruthy();
    expect(screen.getByTestId('routes-example').textContent).toContain('host: photos.example.org');
    expect(screen.queryByRole('table')).toBeNull();
    const state = screen.getByTestId('edge-state');
    expect(state.textContent).toContain('Not reachable');
    expect(state.textContent).toContain('connect ENOENT /run/quadletman-edge/admin.sock');
  });
});

describe("the units tab's open links", () => {
  it('gives the units a route targets (a container, a pod) an open link', async () => {
    serve(
      edge([
        route(),
        route({
          host: 'pics.example.org',
          path: '/gallery',
          url: 'https://pics.example.org/gallery',
          to: 'gallery:80',
          port: 20002,
        }),
      ]),
    );
    renderTab('photos', {}, <UnitsTab id="photos" />);
    const web = await screen.findByRole('link', { name: 'open https://photos.example.org/ (in a new tab)' });
    expect(web.closest('li')!.getAttribute('data-unit')).toBe('web.service');
    expect(web.getAttribute('target')).toBe('_blank');
    const gallery = screen.getByRole('link', { name: 'open https://pics.example.org/gallery (in a new tab)' });
    expect(gallery.closest('li')!.getAttribute('data-unit')).toBe('gallery-pod.service');
    expect(within(gallery.closest('li')!).getByText('pics.example.org/gallery')).toBeTruthy();
    const db = screen.getByText('db.service').closest('li')!;
    expect(within(db).queryByRole('link')).toBeNull();
    expect(edgeQueries()).toEqual(['?compartment=photos']);
  });

  it('lists the units without links when the server has no edge', async () => {
    fakeApi((c) =>
      c.path === '/api/compartments/photos'
        ? [200, { id: 'photos', description: '', units: [unit('web.service', 'web.container')], history: [] }]
        : undefined,
    );
    renderTab('photos', {}, <UnitsTab id="photos" />);
    expect(await screen.findByText('web.service')).toBeTruthy();
    expect(screen.queryByRole('link')).toBeNull();
  });
});
