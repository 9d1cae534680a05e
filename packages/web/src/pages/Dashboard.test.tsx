/**
 * The dashboard counts containers: a compartment's network unit that ran (active/exited) is no running
 * container; a failed unit of any kind is flagged, and so is a failed scheduled backup; an administrator sees
 * that the last backup of quadletman's own state failed, a viewer is not asked for the audit log.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient } from '../app/App';
import { fakeApi, viewerSession } from '../test-support/fake-api';
import { DashboardPage } from './Dashboard';

const row = (id: string) => ({
  id,
  description: '',
  podmanVersion: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  statusAt: '2026-01-01T00:00:00Z',
  updates: 0,
  backupFailed: null as { at: string; error: string } | null,
});

afterEach(() => vi.unstubAllGlobals());

describe('the dashboard', () => {
  it('counts the running container, not the network, and flags a failed other unit', async () => {
    fakeApi((c) =>
      c.path === '/api/compartments'
        ? [
            200,
            {
              compartments: [
                {
                  ...row('shop'),
                  units: 2,
                  unitStates: { active: 2 },
                  containerStates: { running: 1 },
                  otherStates: { done: 1 },
                },
                {
                  ...row('wiki'),
                  backupFailed: { at: '2026-12-04T03:00:00.000Z', error: 'Fatal: unable to open repository' },
                  units: 3,
                  unitStates: { active: 1, failed: 1, inactive: 1 },
                  containerStates: { running: 1, stopped: 1 },
                  otherStates: { failed: 1 },
                },
              ],
            },
          ]
        : c.path === '/api/doctor'
          ? [200, { checks: [] }]
          : undefined,
    );
    render(
      <QueryClientProvider client={makeQueryClient()}>
        <MemoryRouter>
          <DashboardPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    const list = await screen.findByRole('list', { name: 'Compartments' });
    const cards = within(list).getAllByRole('listitem');
    // problems first: wiki has a failed (network) unit
    expect(cards.map((c) => c.querySelector('.font-mono')?.textContent)).toEqual(['wiki', 'shop']);
    const counts = (i: number) => within(cards[i]!).getByTestId('counts').textContent;
    expect(counts(1)).toBe('Containers:0 failed1 running0 stopped+ 1 other unit(s)');
    expect(counts(0)).toBe('Containers:0 failed1 running1 stopped1 other unit(s) failed');
    // a failed scheduled backup is flagged, with restic's error on hover
    const failed = within(cards[0]!).getByTestId('backup-failed');
    expect(failed.textContent).toMatch(/^The scheduled backup of .* failed$/);
    expect(failed.getAttribute('title')).toBe('Fatal: unable to open repository');
    expect(within(cards[1]!).queryByTestId('backup-failed')).toBeNull();
  });

  const entry = (result: string) => ({
    id: 9,
    at: '2026-12-05T02:19:21.000Z',
    actor: 'root',
    actorKind: 'cli',
    address: 'local',
    action: 'backup.self',
    target: 'system:quadletman',
    compartment: null,
    result,
    details: { error: 'Fatal: unable to open repository at sftp:keeper@nas:q: No route to host' },
    hash: 'h',
  });
  const renderWith = (result: string | null, session?: unknown) => {
    const calls = fakeApi(
      (c, q) =>
        c.path === '/api/compartments'
          ? [200, { compartments: [] }]
          : c.path === '/api/doctor'
            ? [200, { checks: [] }]
            : c.path === '/api/audit' && q.get('action') === 'backup.self' && q.get('limit') === '1'
              ? [200, { entries: result ? [entry(result)] : [] }]
              : undefined,
      session,
    );
    render(
      <QueryClientProvider client={makeQueryClient()}>
        <MemoryRouter>
          <DashboardPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    return calls;
  };

  it("tells an administrator that quadletman's own backup failed, with why and where to look", async () => {
    renderWith('failed');
    const failed = await screen.findByTestId('own-backup-failed');
    expect(failed.textContent).toMatch(/The last backup of quadletman's own state failed/);
    expect(within(failed).getByRole('link', { name: 'Own backups' }).getAttribute('href')).toBe('/admin/backup');
    expect(screen.getByText(/No route to host/)).toBeTruthy();
  });

  it('says nothing when it went through, or to a viewer (who may not read the audit log)', async () => {
    const asked = renderWith('ok');
    await screen.findByText(/Host/);
    // the audit log was read, and its entry says the backup went through
    await waitFor(() => expect(asked.some((c) => c.path === '/api/audit')).toBe(true));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId('own-backup-failed')).toBeNull();
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
    const calls = renderWith('failed', viewerSession);
    await screen.findByText(/Host/);
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId('own-backup-failed')).toBeNull();
    expect(calls.some((c) => c.path === '/api/audit')).toBe(false);
  });
});
