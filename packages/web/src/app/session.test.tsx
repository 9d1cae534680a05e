/**
 * Session handling in the whole app (router, query cache, pages) against a faked server: first run goes to
 * setup, a 401 sends the user to the login page keeping where they were, logging in brings them back.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient, routeTree } from './App';
import { ThemeProvider } from './theme';

type Handler = (method: string, path: string, body: unknown) => [number, unknown];

function serve(handler: Handler) {
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    const path = url.split('?')[0]!;
    const [status, body] = handler(init?.method ?? 'GET', path, init?.body ? JSON.parse(String(init.body)) : undefined);
    return new Response(status === 204 ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

const notFound = (method: string, path: string): [number, unknown] => [
  404,
  { error: { code: 'not_found', message: `Route ${method}:${path} not found` } },
];
const alice = { username: 'alice', kind: 'session', grants: [{ compartment: '*', role: 'admin' }], csrfToken: 'c' };

function start(path: string) {
  const router = createMemoryRouter(routeTree, { initialEntries: [path] });
  render(
    <ThemeProvider>
      <QueryClientProvider client={makeQueryClient()}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </ThemeProvider>,
  );
  return router;
}

afterEach(() => vi.unstubAllGlobals());

describe('session', () => {
  it('sends the first visitor to setup while no admin exists', async () => {
    serve((method, path) => {
      if (path === '/api/auth/session') return [401, { error: { code: 'unauthorized', message: 'Nobody' } }];
      if (path === '/api/auth/setup') return [200, { required: true }];
      return notFound(method, path);
    });
    const router = start('/');
    await screen.findByRole('heading', { name: 'Create the administrator' });
    expect(router.state.location.pathname).toBe('/setup');
  });

  it('a 401 sends the user to the login page, and logging in returns to where they were', async () => {
    let loggedIn = true;
    const fetch = serve((method, path, body) => {
      if (path === '/api/auth/setup') return [200, { required: false }];
      if (path === '/api/auth/session')
        return loggedIn ? [200, alice] : [401, { error: { code: 'unauthorized', message: 'Nobody' } }];
      if (path === '/api/auth/login') {
        const b = body as { username: string; password: string };
        if (b.password !== 'right') return [401, { error: { code: 'unauthorized', message: 'no' } }];
        loggedIn = true;
        return [200, alice];
      }
      if (path === '/api/compartments/web') {
        if (loggedIn) {
          loggedIn = false; // the session expires between the session check and this call
          return [401, { error: { code: 'unauthorized', message: 'Session expired' } }];
        }
        return [401, { error: { code: 'unauthorized', message: 'Session expired' } }];
      }
      return notFound(method, path);
    });
    const router = start('/c/web/history');
    // The compartment page is loaded on first visit (a code-split chunk): allow for that.
    await screen.findByText(
      'Your session has ended. Log in again to continue where you were.',
      {},
      { timeout: 15_000 },
    );
    expect(router.state.location.pathname).toBe('/login');
    expect(new URLSearchParams(router.state.location.search).get('next')).toBe('/c/web/history');

    fireEvent.change(screen.getByLabelText('User name'), { target: { value: 'alice' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    await screen.findByText('Wrong user name or password.');

    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'right' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/c/web/history'), { timeout: 15_000 });
    expect(fetch.mock.calls.some(([u]) => String(u).startsWith('/api/auth/login'))).toBe(true);
  });

  it('shows "not available" for a route the server does not have yet', async () => {
    serve((method, path) => {
      if (path === '/api/auth/setup') return [200, { required: false }];
      if (path === '/api/auth/session') return [200, alice];
      if (path === '/api/compartments') return [200, { compartments: [] }];
      return notFound(method, path);
    });
    start('/admin/audit');
    await screen.findByText('Audit chain: not available on this server yet.', {}, { timeout: 15_000 });
  });

  it('never follows a next= that leaves the site', async () => {
    const { safeNext } = await import('../pages/Login');
    expect(safeNext('//evil.example/x')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/\\evil')).toBe('/');
    expect(safeNext('/c/web')).toBe('/c/web');
  });
});

describe('the admin pages', () => {
  it('tell a user who is no admin that they are for admins only, and ask the server nothing', async () => {
    const victor = { username: 'victor', kind: 'session', grants: [{ compartment: '*', role: 'operator' }] };
    const fetch = serve((method, path) => {
      if (path === '/api/auth/setup') return [200, { required: false }];
      if (path === '/api/auth/session') return [200, victor];
      return notFound(method, path);
    });
    start('/admin/tokens');
    await screen.findByText(
      'This page is for administrators of the whole server only. You are signed in as victor; an administrator can give you that role.',
    );
    expect(screen.getByRole('heading', { level: 1, name: 'Administration' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Back to the dashboard' }).getAttribute('href')).toBe('/');
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button', { name: /create|add/i })).toBeNull();
    expect(
      fetch.mock.calls.some(([u]) => String(u).startsWith('/api/admin') || String(u).startsWith('/api/audit')),
    ).toBe(false);
  });

  it('an operator of one compartment only is no admin either', async () => {
    const cora = { username: 'cora', kind: 'session', grants: [{ compartment: 'blog', role: 'admin' }] };
    serve((method, path) => {
      if (path === '/api/auth/setup') return [200, { required: false }];
      if (path === '/api/auth/session') return [200, cora];
      return notFound(method, path);
    });
    start('/admin');
    await screen.findByText(/This page is for administrators of the whole server only\. You are signed in as cora;/);
  });
});
