/**
 * The compartment page's frame against a faked server: an address below it that is no tab says so and links
 * every tab.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient } from '../app/App';
import { fakeApi } from '../test-support/fake-api';
import { CompartmentPage } from './Compartment';

const BLOG = {
  id: 'blog',
  description: '',
  podmanVersion: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  units: [],
  history: [],
};

function start(path: string) {
  fakeApi((c) =>
    c.path === '/api/compartments/blog'
      ? [200, BLOG]
      : c.path === '/api/compartments/blog/units'
        ? [200, { units: [] }]
        : undefined,
  );
  const router = createMemoryRouter([{ path: '/c/:id/*', element: <CompartmentPage /> }], {
    initialEntries: [path],
  });
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

afterEach(() => vi.unstubAllGlobals());

describe('an address that is no tab', () => {
  it('says there is no such tab and links every tab', async () => {
    const router = start('/c/blog/nope');
    const box = await screen.findByTestId('no-such-tab');
    expect(box.textContent).toContain('This compartment has no tab "nope".');
    const links = within(box).getAllByRole('link');
    expect(links.map((l) => l.getAttribute('href'))).toEqual([
      '/c/blog',
      '/c/blog/dependencies',
      '/c/blog/edit',
      '/c/blog/plan',
      '/c/blog/logs',
      '/c/blog/terminal',
      '/c/blog/resources',
      '/c/blog/images',
      '/c/blog/history',
      '/c/blog/backups',
      '/c/blog/routes',
    ]);
    expect(links[0]?.textContent).toBe('Units');
    fireEvent.click(within(box).getByRole('link', { name: 'Logs' }));
    expect(router.state.location.pathname).toBe('/c/blog/logs');
    expect(screen.queryByTestId('no-such-tab')).toBeNull();
  });
});
