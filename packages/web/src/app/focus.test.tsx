/**
 * Where the focus goes in the whole app (router, pages) against a faked server: after a navigation to the new
 * page's heading, not on the first load, and not away from a tab of the page's own tab bar.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../test-support/fake-api';
import { makeQueryClient, routeTree } from './App';
import { ThemeProvider } from './theme';

const BLOG = {
  id: 'blog',
  description: '',
  podmanVersion: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

function start(path: string) {
  fakeApi((c) =>
    c.path === '/api/auth/setup'
      ? [200, { required: false }]
      : c.path === '/api/compartments'
        ? [
            200,
            {
              compartments: [
                { ...BLOG, units: 0, unitStates: {}, containerStates: {}, otherStates: {}, statusAt: null },
              ],
            },
          ]
        : c.path === '/api/compartments/blog'
          ? [200, { ...BLOG, units: [], history: [] }]
          : undefined,
  );
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

describe('focus after navigation', () => {
  it('stays where it is on the first load, then goes to the heading of each new page', async () => {
    start('/');
    const dashboard = await screen.findByRole('heading', { level: 1, name: 'Compartments' }, { timeout: 15_000 });
    expect(document.activeElement).toBe(document.body);

    const nav = screen.getByRole('navigation', { name: 'Main' });
    const routes = nav.querySelector('a[href="/routes"]') as HTMLAnchorElement;
    act(() => routes.focus());
    fireEvent.click(routes);
    const heading = await screen.findByRole('heading', { level: 1, name: 'Routes' }, { timeout: 15_000 });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(heading.tabIndex).toBe(-1);
    expect(dashboard.isConnected).toBe(false);

    // a compartment from the dashboard: its name is the heading
    fireEvent.click(nav.querySelector('a[href="/"]') as HTMLAnchorElement);
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: 'Compartments' })),
    );
    fireEvent.click(await screen.findByRole('link', { name: /^blog/ }));
    const blog = await screen.findByRole('heading', { level: 1, name: 'blog' }, { timeout: 15_000 });
    await waitFor(() => expect(document.activeElement).toBe(blog));
  });

  it("a tab of the page's own tab bar keeps the focus", async () => {
    const router = start('/c/blog');
    await screen.findByRole('heading', { level: 1, name: 'blog' }, { timeout: 15_000 });
    const tabs = screen.getByRole('navigation', { name: 'Compartment' });
    const logs = tabs.querySelector('a[href="/c/blog/logs"]') as HTMLAnchorElement;
    act(() => logs.focus());
    fireEvent.click(logs);
    await waitFor(() => expect(router.state.location.pathname).toBe('/c/blog/logs'));
    await new Promise((r) => setTimeout(r, 50));
    expect(document.activeElement).toBe(logs);
    expect(logs.getAttribute('aria-current')).toBe('page');
  });
});
