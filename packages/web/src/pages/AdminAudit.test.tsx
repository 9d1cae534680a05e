/**
 * The audit log's entries name what changed: the target as the server names it, and the details, one a line (an
 * apply's files added and removed, a secret's name).
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditEntry } from '../api/types';
import { makeQueryClient } from '../app/App';
import { fakeApi } from '../test-support/fake-api';
import { AdminPage } from './Admin';

const entry = (id: number, action: string, target: string, details: AuditEntry['details']): AuditEntry => ({
  id,
  at: '2026-12-04T08:00:00.000Z',
  actor: 'ada',
  actorKind: 'session',
  address: '127.0.0.1',
  action,
  target,
  compartment: 'shop',
  result: 'ok',
  details,
  hash: 'ab',
});

afterEach(() => vi.unstubAllGlobals());

describe('audit entries', () => {
  it('show the object changed and the details', async () => {
    fakeApi((c) =>
      c.path === '/api/audit/verify'
        ? [200, { ok: true, entries: 2 }]
        : c.path === '/api/audit'
          ? [
              200,
              {
                entries: [
                  entry(2, 'secret.create', 'compartment:shop/secret:db-password', {
                    secret: 'db-password',
                    replace: false,
                  }),
                  entry(1, 'compartment.apply', 'compartment:shop/revision:4', {
                    outcome: 'applied',
                    revision: 4,
                    added: ['.config/containers/systemd/db.container', '.config/containers/systemd/db.volume'],
                    removed: ['.config/containers/systemd/old.container'],
                  }),
                ],
              },
            ]
          : undefined,
    );
    render(
      <QueryClientProvider client={makeQueryClient()}>
        <MemoryRouter initialEntries={['/admin/audit']}>
          <Routes>
            <Route path="/admin/*" element={<AdminPage />} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    expect(await screen.findByText('compartment:shop/secret:db-password')).toBeTruthy();
    expect(screen.getByRole('columnheader', { name: 'Details' })).toBeTruthy();
    expect(screen.getByText('secret: db-password')).toBeTruthy();
    expect(screen.getByText('compartment:shop/revision:4')).toBeTruthy();
    expect(
      screen.getByText('added: .config/containers/systemd/db.container, .config/containers/systemd/db.volume'),
    ).toBeTruthy();
    expect(screen.getByText('removed: .config/containers/systemd/old.container')).toBeTruthy();
  });
});
