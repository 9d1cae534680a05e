/**
 * A compartment from podman run commands against a faked server: paste, convert (the report sorted so that what
 * was dropped or needs input comes first), then create, then apply; a command the server refuses shows its
 * message, where it is, and nothing else happens.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient } from '../app/App';
import { RunImport } from './RunImport';

const COMMAND = 'podman run -d --name web -p 8080:80 \\\n  registry.example.org/library/nginx:1.27\n';
const CONVERTED = {
  compartment: 'web',
  yaml: 'compartment: web\nunits:\n  web.container:\n    container: { image: registry.example.org/library/nginx:1.27 }\n',
  podmanVersion: '5.4',
  report: [
    { path: 'web.--publish.0', disposition: 'mapped', note: 'PublishPort=8080:80' },
    { path: 'web.--detach', disposition: 'dropped', note: 'systemd runs the container in the background' },
  ],
};
const REFUSED = 'column 22: ;: a second command: put each podman run on its own line, or join them with &&';

function serve() {
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
      if (path === '/api/convert/run') {
        return String((body as { command: string }).command).includes(';')
          ? json(400, { error: { code: 'invalid', message: REFUSED } })
          : json(200, CONVERTED);
      }
      if (path === '/api/compartments' && method === 'POST') return json(201, { id: 'web' });
      if (path === '/api/compartments/web/apply')
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

const start = () =>
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter>
        <RunImport canCreate={true} />
      </MemoryRouter>
    </QueryClientProvider>,
  );

afterEach(() => vi.unstubAllGlobals());

function paste(command: string, compartment = '') {
  fireEvent.change(screen.getByLabelText('podman run commands'), { target: { value: command } });
  if (compartment) fireEvent.change(screen.getByLabelText('Compartment name'), { target: { value: compartment } });
  fireEvent.click(screen.getByRole('button', { name: 'Convert' }));
}

describe('a compartment from podman run commands', () => {
  it('converts what was pasted, shows the report of every option, then creates and applies', async () => {
    const calls = serve();
    start();
    paste(COMMAND, 'site');
    const result = await screen.findByTestId('run-result');
    expect(calls.find((c) => c.path === '/api/convert/run')?.body).toEqual({ command: COMMAND, compartment: 'site' });
    expect(within(result).getByRole('heading').textContent).toBe('What becomes of each option (compartment web)');
    expect(within(result).getAllByRole('columnheader')[0]!.textContent).toBe('Option');
    expect(within(result).getByRole('status').textContent).toBe(
      '1 dropped · 0 needs-input · 0 podman-args · 1 mapped — for Podman 5.4',
    );
    const rows = within(result).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      'web.--detachdroppedsystemd runs the container in the background',
      'web.--publish.0mappedPublishPort=8080:80',
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Create compartment web' }));
    expect(await screen.findByText(/Compartment web exists now/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Apply the spec to web' }));
    expect(await screen.findByText(/Revision 1 applied\./)).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST').map((c) => [c.path, c.body])).toEqual([
      ['/api/convert/run', expect.anything()],
      ['/api/compartments', { id: 'web', description: 'from a podman run command' }],
      ['/api/compartments/web/apply', { text: CONVERTED.yaml }],
    ]);
  });

  it("shows the server's refusal, with its place, and offers nothing to create", async () => {
    const calls = serve();
    start();
    paste('podman run --name a x; rm -rf /');
    expect(await screen.findByText(REFUSED)).toBeTruthy();
    expect(screen.queryByTestId('run-result')).toBeNull();
    expect(screen.queryByRole('button', { name: /Create compartment/ })).toBeNull();
    expect(calls.some((c) => c.path === '/api/compartments')).toBe(false);
  });

  it('converts nothing until something is pasted', () => {
    serve();
    start();
    expect((screen.getByRole('button', { name: 'Convert' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
