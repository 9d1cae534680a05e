/**
 * The audit page against a faked server: the hash chain as GET /api/audit/verify reports it (intact, or the
 * first broken entry and why), and the log's filters sent as the route's query.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditEntry } from '../api/types';
import { makeQueryClient } from '../app/App';
import { fakeApi } from '../test-support/fake-api';
import { AdminPage } from './Admin';

const ENTRY: AuditEntry = {
  id: 7,
  at: '2026-12-04T08:00:00.000Z',
  actor: 'ada',
  actorKind: 'session',
  address: '127.0.0.1',
  action: 'compartment.import',
  target: 'compartment:blog',
  compartment: 'blog',
  result: 'ok',
  details: {},
  hash: 'ab',
};

function start() {
  return render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter initialEntries={['/admin/audit']}>
        <Routes>
          <Route path="/admin/*" element={<AdminPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('audit', () => {
  it('shows an intact chain with its length, and the entries', async () => {
    fakeApi((c) =>
      c.path === '/api/audit/verify'
        ? [200, { ok: true, entries: 12 }]
        : c.path === '/api/audit'
          ? [200, { entries: [ENTRY] }]
          : undefined,
    );
    start();
    await screen.findByText('Chain intact (12 entries)');
    expect(await screen.findByText('compartment:blog')).toBeTruthy();
  });

  it('names the first broken entry and why', async () => {
    fakeApi((c) =>
      c.path === '/api/audit/verify'
        ? [200, { ok: false, entries: 4, brokenId: 5, reason: 'entry 5 was edited (its hash does not match)' }]
        : c.path === '/api/audit'
          ? [200, { entries: [] }]
          : undefined,
    );
    start();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Chain broken at entry 5');
    expect(alert.textContent).toContain('entry 5 was edited (its hash does not match)');
  });

  it('sends the filters that are set, as the query of GET /api/audit', async () => {
    fakeApi((c) =>
      c.path === '/api/audit/verify'
        ? [200, { ok: true, entries: 1 }]
        : c.path === '/api/audit'
          ? [200, { entries: [ENTRY] }]
          : undefined,
    );
    start();
    await screen.findByText('compartment:blog');
    fireEvent.change(screen.getByLabelText('Who'), { target: { value: 'ada' } });
    fireEvent.change(screen.getByLabelText('Result'), { target: { value: 'denied' } });
    fireEvent.click(screen.getByRole('button', { name: 'Filter' }));
    const urls = () => vi.mocked(fetch).mock.calls.map(([u]) => String(u));
    await waitFor(() => expect(urls()).toContain('/api/audit?actor=ada&result=denied'));
  });
});
