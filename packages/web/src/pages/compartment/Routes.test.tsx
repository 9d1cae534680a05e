/**
 * A compartment's routes against a faked server: the Routes tab lists the compartment's routes (asked for with
 * `?compartment=`) with their "open" links, says when the edge is not reachable, and explains how to add a route
 * when there is none; the Units tab gives a routed unit (a container's or a pod's) an "open" link.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderTab } from '../../test-support/compartment-tab';
import { type Answer, type Call, changes, fakeApi, viewerSession } from '../../test-support/fake-api';
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

/** A stored spec with a container, a pod and a volume (only the first two can be routed to). */
const storedSpec = (routes?: unknown[]) => ({
  units: {
    'web.container': { text: '[Container]\nImage=docker.io/library/nginx\n' },
    'gallery.pod': { text: '[Pod]\n' },
    'data.volume': { text: '[Volume]\n' },
  },
  ...(routes ? { routes } : {}),
});

const applied = (over: Record<string, unknown> = {}) => ({
  outcome: 'applied',
  revision: 4,
  message: 'Applied revision 4.',
  diagnostics: [],
  plan: { changes: [], routes: { add: [], remove: [] } },
  ...over,
});

/** A server with a spec to read and a PUT …/spec answering `put`. */
function serveSpec(status: unknown, spec: unknown, put: (body: unknown) => Answer, session?: unknown) {
  return fakeApi((c: Call): Answer => {
    if (c.path === '/api/edge') return [200, status];
    if (c.path === '/api/compartments/photos/spec' && c.method === 'GET')
      return [200, { spec, yaml: '', revision: 3, sha256: '' }];
    if (c.path === '/api/compartments/photos/spec' && c.method === 'PUT') return put(c.body);
    return undefined;
  }, session);
}

async function fillForm(host: string, unitStem: string, port: string) {
  const unitSelect = (await screen.findByRole('combobox', { name: 'Unit' })) as HTMLSelectElement;
  await waitFor(() =>
    expect(
      within(unitSelect)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['gallery', 'web']),
  );
  fireEvent.change(screen.getByRole('textbox', { name: 'Host name' }), { target: { value: host } });
  expect((screen.getByRole('textbox', { name: 'Path' }) as HTMLInputElement).value).toBe('/');
  fireEvent.change(unitSelect, { target: { value: unitStem } });
  fireEvent.change(screen.getByRole('spinbutton', { name: 'Port inside the unit' }), { target: { value: port } });
}

describe("a compartment's routes tab: adding and removing routes", () => {
  it('adds a route to the spec and applies it, then reads the routes again', async () => {
    const existing = { host: 'old.example.org', path: '/', to: 'gallery:80' };
    const calls = serveSpec(edge([]), storedSpec([existing]), () => [200, applied()]);
    renderTab('photos', {}, <RoutesTab id="photos" />);
    await fillForm('photos.example.org', 'web', '8080');
    fireEvent.click(screen.getByRole('button', { name: 'Add route' }));
    expect((await screen.findByRole('status')).textContent).toContain('Applied as revision 4.');
    const put = changes(calls);
    expect(put).toHaveLength(1);
    expect(put[0]!.method).toBe('PUT');
    expect(put[0]!.path).toBe('/api/compartments/photos/spec');
    const sent = (put[0]!.body as { spec: { routes: unknown[]; units: Record<string, unknown> } }).spec;
    expect(sent.routes).toEqual([existing, { host: 'photos.example.org', path: '/', to: 'web:8080' }]);
    expect(Object.keys(sent.units)).toEqual(['web.container', 'gallery.pod', 'data.volume']);
    await waitFor(() => expect(edgeQueries()).toHaveLength(2));
    // the form is emptied for the next one
    expect((screen.getByRole('textbox', { name: 'Host name' }) as HTMLInputElement).value).toBe('');
  });

  it("creates the spec's routes list for the first route", async () => {
    const calls = serveSpec(edge([]), storedSpec(), () => [200, applied()]);
    renderTab('photos', {}, <RoutesTab id="photos" />);
    await fillForm('pics.example.org', 'gallery', '80');
    fireEvent.change(screen.getByRole('textbox', { name: 'Path' }), { target: { value: '/gallery' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add route' }));
    await screen.findByText('Applied as revision 4.');
    expect((changes(calls)[0]!.body as { spec: { routes: unknown[] } }).spec.routes).toEqual([
      { host: 'pics.example.org', path: '/gallery', to: 'gallery:80' },
    ]);
  });

  it("shows the server's message when another compartment routes the host, and keeps the form", async () => {
    serveSpec(edge([]), storedSpec(), () => [
      409,
      { error: { code: 'conflict', message: 'The host photos.example.org is routed by the compartment wiki.' } },
    ]);
    renderTab('photos', {}, <RoutesTab id="photos" />);
    await fillForm('photos.example.org', 'web', '8080');
    fireEvent.click(screen.getByRole('button', { name: 'Add route' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The host photos.example.org is routed by the compartment wiki.',
    );
    expect((screen.getByRole('textbox', { name: 'Host name' }) as HTMLInputElement).value).toBe('photos.example.org');
    expect((screen.getByRole('spinbutton', { name: 'Port inside the unit' }) as HTMLInputElement).value).toBe('8080');
    expect((screen.getByRole('combobox', { name: 'Unit' }) as HTMLSelectElement).value).toBe('web');
  });

  it("shows a refused apply's message in an alert", async () => {
    serveSpec(edge([]), storedSpec(), () => [
      200,
      applied({ outcome: 'refused', message: 'The unit web has no published port 8080.' }),
    ]);
    renderTab('photos', {}, <RoutesTab id="photos" />);
    await fillForm('photos.example.org', 'web', '8080');
    fireEvent.click(screen.getByRole('button', { name: 'Add route' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Refused');
    expect(alert.textContent).toContain('The unit web has no published port 8080.');
    expect((screen.getByRole('textbox', { name: 'Host name' }) as HTMLInputElement).value).toBe('photos.example.org');
  });

  it('removes a route from the spec after confirming', async () => {
    const keep = { host: 'photos.example.org', path: '/', to: 'web:8080' };
    const gone = { host: 'pics.example.org', path: '/gallery', to: 'gallery:80' };
    const calls = serveSpec(
      edge([route(), route({ host: 'pics.example.org', path: '/gallery', url: 'https://pics.example.org/gallery' })]),
      storedSpec([keep, gone]),
      () => [200, applied({ revision: 5 })],
    );
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    renderTab('photos', {}, <RoutesTab id="photos" />);
    const remove = await screen.findByRole('button', { name: 'Remove route pics.example.org/gallery' });
    expect(screen.getByRole('button', { name: 'Remove route photos.example.org/' })).toBeTruthy();
    fireEvent.click(remove);
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(changes(calls)).toEqual([]);
    confirm.mockReturnValue(true);
    fireEvent.click(remove);
    await screen.findByText('Applied as revision 5.');
    const put = changes(calls);
    expect(put).toHaveLength(1);
    expect((put[0]!.body as { spec: { routes: unknown[] } }).spec.routes).toEqual([keep]);
  });

  it('gives a viewer no form and no remove buttons', async () => {
    const calls = serveSpec(edge([route()]), storedSpec(), () => [200, applied()], viewerSession);
    renderTab('photos', {}, <RoutesTab id="photos" />);
    await screen.findByRole('table', { name: 'Routes' });
    // (the session has been read by now: the table waits for the edge, asked for at the same time)
    await waitFor(() => expect(calls.some((c) => c.path === '/api/auth/session')).toBe(true));
    expect(screen.queryByRole('button', { name: /^Remove route/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Add route' })).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'Host name' })).toBeNull();
    expect(calls.some((c) => c.path === '/api/compartments/photos/spec')).toBe(false);
  });
});

describe("a compartment's routes tab: route options", () => {
  /** bcrypt of "secret", cost 14, as `caddy hash-password` prints it. */
  const HASH = '$2a$14$e01F4cFqQjyCju7lxCcyVuan7zOLusI9ECaw5gEeVIuPkwvrd/O3u';

  async function fillOptions(o: { user?: string; hash?: string; redirect?: string; headers?: string }) {
    fireEvent.click(screen.getByText('Options'));
    if (o.user !== undefined)
      fireEvent.change(screen.getByRole('textbox', { name: 'Basic auth user' }), { target: { value: o.user } });
    if (o.hash !== undefined)
      fireEvent.change(screen.getByRole('textbox', { name: 'Password hash (bcrypt)' }), { target: { value: o.hash } });
    if (o.redirect !== undefined)
      fireEvent.change(screen.getByRole('textbox', { name: 'Redirect from' }), { target: { value: o.redirect } });
    if (o.headers !== undefined)
      fireEvent.change(screen.getByRole('textbox', { name: 'Response headers' }), { target: { value: o.headers } });
  }

  it('adds a route with basic auth, redirected names and response headers, then empties the options', async () => {
    const calls = serveSpec(edge([]), storedSpec(), () => [200, applied()]);
    renderTab('photos', {}, <RoutesTab id="photos" />);
    await fillForm('photos.example.org', 'web', '8080');
    await fillOptions({
      user: 'alice',
      hash: HASH,
      redirect: 'www.photos.example.org, photos.example.com',
      headers: "X-Frame-Options: DENY\n\nContent-Security-Policy: default-src 'self'; img-src https:\n",
    });
    fireEvent.click(screen.getByRole('button', { name: 'Add route' }));
    await screen.findByText('Applied as revision 4.');
    expect((changes(calls)[0]!.body as { spec: { routes: unknown[] } }).spec.routes).toEqual([
      {
        host: 'photos.example.org',
        path: '/',
        to: 'web:8080',
        headers: {
          response: { 'X-Frame-Options': 'DENY', 'Content-Security-Policy': "default-src 'self'; img-src https:" },
        },
        basicAuth: [{ user: 'alice', hash: HASH }],
        redirectFrom: ['www.photos.example.org', 'photos.example.com'],
      },
    ]);
    expect((screen.getByRole('textbox', { name: 'Basic auth user' }) as HTMLInputElement).value).toBe('');
    expect((screen.getByRole('textbox', { name: 'Password hash (bcrypt)' }) as HTMLInputElement).value).toBe('');
  });

  it('sends no options when they are left empty', async () => {
    const calls = serveSpec(edge([]), storedSpec(), () => [200, applied()]);
    renderTab('photos', {}, <RoutesTab id="photos" />);
    await fillForm('photos.example.org', 'web', '8080');
    await fillOptions({ redirect: '  ', headers: '\n' });
    fireEvent.click(screen.getByRole('button', { name: 'Add route' }));
    await screen.findByText('Applied as revision 4.');
    expect((changes(calls)[0]!.body as { spec: { routes: unknown[] } }).spec.routes).toEqual([
      { host: 'photos.example.org', path: '/', to: 'web:8080' },
    ]);
  });

  it('never sends a password typed in the hash field', async () => {
    const calls = serveSpec(edge([]), storedSpec(), () => [200, applied()]);
    renderTab('photos', {}, <RoutesTab id="photos" />);
    await fillForm('photos.example.org', 'web', '8080');
    await fillOptions({ user: 'alice', hash: 'correct horse battery staple' });
    fireEvent.click(screen.getByRole('button', { name: 'Add route' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The password hash is not a bcrypt hash: put the hash there, never the password.',
    );
    expect(changes(calls)).toEqual([]);
    expect(calls.some((c) => JSON.stringify(c.body ?? '').includes('horse'))).toBe(false);
  });

  it('asks for both a user and a hash, and for Name: value header lines', async () => {
    const calls = serveSpec(edge([]), storedSpec(), () => [200, applied()]);
    renderTab('photos', {}, <RoutesTab id="photos" />);
    await fillForm('photos.example.org', 'web', '8080');
    await fillOptions({ user: 'alice' });
    fireEvent.click(screen.getByRole('button', { name: 'Add route' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Give both a basic auth user and a password hash.');
    fireEvent.change(screen.getByRole('textbox', { name: 'Basic auth user' }), { target: { value: '' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Response headers' }), {
      target: { value: 'X-Frame-Options: DENY\nno colon here' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Add route' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe('Line 2 of the response headers is not Name: value.'),
    );
    expect(changes(calls)).toEqual([]);
  });

  it('shows the options of a route in the table (user names, never hashes)', async () => {
    serveSpec(
      edge([
        route({
          options: {
            basicAuthUsers: ['alice', 'bob'],
            redirectFrom: ['www.photos.example.org'],
            requestHeaders: { 'X-Edge': 'yes' },
            responseHeaders: { 'X-Frame-Options': 'DENY' },
          },
        }),
        route({ host: 'pics.example.org', url: 'https://pics.example.org/' }),
      ]),
      storedSpec(),
      () => [200, applied()],
    );
    renderTab('photos', {}, <RoutesTab id="photos" />);
    const table = await screen.findByRole('table', { name: 'Routes' });
    const options = within(table).getAllByTestId('route-options');
    expect(options).toHaveLength(1);
    expect(
      within(options[0]!)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Basic auth: alice, bob', 'Redirected from www.photos.example.org', 'Headers: X-Edge, X-Frame-Options']);
  });
});
