/**
 * The Logs tab opens loaded, with the compartment's own units (not the rest of its user's manager); `?unit=` opens
 * it on one unit; "everything" asks for every line of the user.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient } from '../../app/App';
import { LogsTab } from './Logs';

const json = (status: number, b: unknown) =>
  new Response(JSON.stringify(b), { status, headers: { 'content-type': 'application/json' } });

/** The URLs the tab opened streams on. */
let opened: string[] = [];

class FakeEventSource {
  static readonly CLOSED = 2;
  readyState = 0;
  constructor(readonly url: string) {
    opened.push(url);
  }
  addEventListener() {}
  removeEventListener() {}
  close() {}
  set onopen(_: unknown) {}
  set onerror(_: unknown) {}
}

beforeEach(() => {
  opened = [];
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      const path = url.split('?')[0]!;
      if (path === '/api/compartments/blog')
        return json(200, {
          id: 'blog',
          description: '',
          podmanVersion: null,
          createdAt: '2026-01-01T00:00:00Z',
          updatedAt: '2026-01-01T00:00:00Z',
          units: [
            { unit: 'db.service', source: 'db.container' },
            { unit: 'web.service', source: 'web.container' },
          ],
          history: [],
        });
      return json(404, { error: { code: 'not_found', message: `Route GET:${path} not found` } });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

function renderAt(entry: string) {
  return render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter initialEntries={[entry]}>
        <LogsTab id="blog" />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const query = (u: string) => new URL(u, 'http://x').searchParams;

describe('the logs tab', () => {
  it("opens loaded, on the compartment's own units", async () => {
    renderAt('/c/blog/logs');
    await waitFor(() => expect(opened).toHaveLength(1));
    const q = query(opened[0]!);
    expect(q.get('units')).toBe('db.service,web.service');
    expect(q.get('unit')).toBeNull();
    expect(q.get('follow')).toBe('1');
  });

  it('opens on the unit the link names', async () => {
    renderAt('/c/blog/logs?unit=web.service');
    await waitFor(() => expect(opened).toHaveLength(1));
    expect(query(opened[0]!).get('unit')).toBe('web.service');
    expect(query(opened[0]!).get('units')).toBeNull();
    expect((screen.getByLabelText('Unit') as HTMLSelectElement).value).toBe('web.service');
  });

  it('asks for every line of the user when told to, and wraps long lines', async () => {
    renderAt('/c/blog/logs');
    await waitFor(() => expect(opened).toHaveLength(1));
    fireEvent.change(screen.getByLabelText('Unit'), { target: { value: '*' } });
    fireEvent.click(screen.getByRole('button', { name: 'Reload logs' }));
    await waitFor(() => expect(opened.length).toBeGreaterThan(1));
    const q = query(opened.at(-1)!);
    expect(q.get('unit')).toBeNull();
    expect(q.get('units')).toBeNull();
    expect(screen.getByRole('log').className).toContain('whitespace-pre-wrap');
  });
});
