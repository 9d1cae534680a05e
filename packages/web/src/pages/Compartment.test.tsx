/**
 * The compartment page's frame against a faked server: the tab bar keeps the active tab in view on a narrow
 * screen; an address below it that is no tab says so and links every tab.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
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

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('the tab bar on a narrow screen', () => {
  it('scrolls the active tab into view, on load and on every change', async () => {
    // jsdom lays nothing out: a bar 390 px wide holding 12 tabs of 100 px, by hand
    const W = 390;
    const TAB = 100;
    const isBar = (el: Element) => el.matches('nav[aria-label="Compartment"]');
    vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
      if (isBar(this)) return new DOMRect(0, 0, W, 40);
      const nav = this.parentElement;
      if (nav && isBar(nav)) return new DOMRect([...nav.children].indexOf(this) * TAB - nav.scrollLeft, 0, TAB, 40);
      return new DOMRect();
    });
    vi.spyOn(Element.prototype, 'scrollWidth', 'get').mockImplementation(function (this: Element) {
      return isBar(this) ? 12 * TAB : 0;
    });
    vi.spyOn(Element.prototype, 'clientWidth', 'get').mockImplementation(function (this: Element) {
      return isBar(this) ? W : 0;
    });
    const inView = (name: string) => {
      const bar = screen.getByRole('navigation', { name: 'Compartment' });
      const r = within(bar).getByRole('link', { name }).getBoundingClientRect();
      return r.left >= 0 && r.right <= W;
    };

    const router = start('/c/blog/routes');
    await screen.findByRole('link', { name: 'Routes' });
    await waitFor(() => expect(inView('Routes')).toBe(true));
    expect(inView('Units')).toBe(false);
    await act(() => router.navigate('/c/blog'));
    await waitFor(() => expect(inView('Units')).toBe(true));
    await act(() => router.navigate('/c/blog/images'));
    await waitFor(() => expect(inView('Images')).toBe(true));
    // centred, as far as the bar goes
    expect(screen.getByRole('navigation', { name: 'Compartment' }).scrollLeft).toBe(800 - (W - TAB) / 2);
  });
});

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
      '/c/blog/stats',
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
