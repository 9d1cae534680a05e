/**
 * A compartment from a compose file against a faked server: paste, convert (the report sorted so that what was
 * dropped or needs input comes first), then create, then apply; an existing compartment of that name is refused
 * with a clear message and nothing is applied.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient } from '../app/App';
import { ComposeImport } from './ComposeImport';

const COMPOSE = 'name: notes\nservices:\n  web:\n    image: nginx\n    deploy: { replicas: 2 }\n';
const CONVERTED = {
  compartment: 'notes',
  yaml: 'compartment: notes\nunits:\n  web.container:\n    container: { image: nginx }\n',
  podmanVersion: '5.4',
  report: [
    { path: 'services.web.image', disposition: 'mapped', note: 'Container Image=' },
    { path: 'services.web.deploy.replicas', disposition: 'needs-input', note: 'one container per service' },
  ],
};

function serve(createStatus = 201) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const json = (status: number, b: unknown) =>
    new Response(JSON.stringify(b), { status, headers: { 'content-type': 'application/json' } });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const path = url.split('?')[0]!;
      const method = init?.method ?? 'GET';
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method, path, body });
      if (path === '/api/auth/session') return json(200, { username: 'a', kind: 'session', grants: [] });
      if (path === '/api/convert/compose') return json(200, CONVERTED);
      if (path === '/api/compartments' && method === 'POST')
        return createStatus === 201
          ? json(201, { id: 'notes' })
          : json(409, { error: { code: 'conflict', message: "Compartment 'notes' already exists." } });
      if (path === '/api/compartments/notes/apply')
        return json(200, {
          outcome: 'applied',
          revision: 1,
          message: 'Revision 1 applied.',
          plan: {},
          diagnostics: [],
          dryRun: [],
          units: [],
        });
      return json(404, { error: { code: 'not_found', message: `Route ${method}:${path} not found` } });
    }),
  );
  return calls;
}

const start = (canCreate = true) =>
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter>
        <ComposeImport canCreate={canCreate} />
      </MemoryRouter>
    </QueryClientProvider>,
  );

afterEach(() => vi.unstubAllGlobals());

async function convert() {
  fireEvent.change(screen.getByLabelText('compose.yaml'), { target: { value: COMPOSE } });
  fireEvent.change(screen.getByLabelText('.env'), { target: { value: 'TAG=1\n' } });
  fireEvent.click(screen.getByRole('button', { name: 'Convert' }));
  return screen.findByTestId('compose-result');
}

describe('a compartment from a compose file', () => {
  it('converts what was pasted and shows the report, what needs input first', async () => {
    const calls = serve();
    start();
    const result = await convert();
    const convertCall = calls.find((c) => c.path === '/api/convert/compose');
    expect(convertCall?.body).toEqual({
      files: [
        { name: 'compose.yaml', text: COMPOSE },
        { name: '.env', text: 'TAG=1\n' },
      ],
    });
    expect(within(result).getByRole('status').textContent).toBe(
      '0 dropped · 1 needs-input · 0 podman-args · 1 mapped — for Podman 5.4',
    );
    const rows = within(result).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      'services.web.deploy.replicasneeds-inputone container per service',
      'services.web.imagemappedContainer Image=',
    ]);
    expect(calls.some((c) => c.path === '/api/compartments')).toBe(false);
  });

  it('creates the compartment, then applies the spec', async () => {
    const calls = serve();
    start();
    await convert();
    fireEvent.click(screen.getByRole('button', { name: 'Create compartment notes' }));
    expect(await screen.findByText(/Compartment notes exists now/)).toBeTruthy();
    expect(calls.some((c) => c.path === '/api/compartments/notes/apply')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Apply the spec to notes' }));
    expect(await screen.findByText(/Revision 1 applied\./)).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST').map((c) => [c.path, c.body])).toEqual([
      ['/api/convert/compose', expect.anything()],
      ['/api/compartments', { id: 'notes', description: 'from a compose file' }],
      ['/api/compartments/notes/apply', { text: CONVERTED.yaml }],
    ]);
    expect(screen.getByRole('link', { name: 'Open notes' }).getAttribute('href')).toBe('/c/notes');
  });

  it('refuses to apply onto a compartment that exists, and says so', async () => {
    const calls = serve(409);
    start();
    await convert();
    fireEvent.click(screen.getByRole('button', { name: 'Create compartment notes' }));
    expect(await screen.findByText(/A compartment notes exists already/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Apply the spec/ })).toBeNull();
    expect(calls.some((c) => c.path === '/api/compartments/notes/apply')).toBe(false);
  });

  it('tells a non-administrator that creating needs an administrator', async () => {
    serve();
    start(false);
    await convert();
    expect(screen.queryByRole('button', { name: /Create compartment/ })).toBeNull();
    expect(screen.getByText('Creating a compartment needs an administrator.')).toBeTruthy();
  });
});
