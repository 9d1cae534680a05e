/**
 * The History tab against a faked server: the live revision (the last applied, as GET …/revisions says) is
 * marked and offers no roll back, nor does one that did not apply; the roll back of another asks first, showing
 * what it would do on the host (GET …/revisions/:n/rollback-plan), and rolls back only when confirmed.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderTab } from '../../test-support/compartment-tab';
import { changes, fakeApi, viewerSession } from '../../test-support/fake-api';
import { HistoryTab } from './History';

const operator = { username: 'ola', kind: 'session', grants: [{ compartment: 'shop', role: 'operator' }] };
const rev = (number: number, result: string, message = '') => ({
  number,
  actor: 'ada',
  startedAt: `2026-12-0${number}T08:00:00.000Z`,
  finishedAt: `2026-12-0${number}T08:00:05.000Z`,
  result,
  message,
});
const HISTORY = {
  // revision 3 failed to start and was rolled back: revision 2 still runs
  revisions: [rev(3, 'rolled-back', 'c3 did not start'), rev(2, 'applied'), rev(1, 'applied')],
  live: 2,
};
const Q = '.config/containers/systemd';
const PLAN = {
  plan: {
    changes: [
      { path: `${Q}/c0.container`, kind: 'changed', diff: '-Image=localhost/app:2\n+Image=localhost/app:1\n' },
      { path: `${Q}/c2.container`, kind: 'removed', diff: '-[Container]\n' },
    ],
    routes: { add: [], remove: ['shop.example.test → c2:8080 (127.0.0.1:30001)'] },
    unchanged: [`${Q}/c1.container`],
    units: { start: [], restart: ['c0.service'], stop: ['c2.service'] },
    reload: true,
    noop: false,
  },
  diagnostics: [],
  podmanVersion: '5.4.0',
};

function serve(session: unknown = operator) {
  return fakeApi((c) => {
    if (c.method === 'GET' && c.path === '/api/compartments/shop/revisions') return [200, HISTORY];
    if (c.method === 'GET' && c.path === '/api/compartments/shop/revisions/1/rollback-plan') return [200, PLAN];
    if (c.method === 'POST' && c.path === '/api/compartments/shop/rollback') {
      return [
        200,
        {
          outcome: 'applied',
          revision: 4,
          message: 'Applied.',
          plan: PLAN.plan,
          diagnostics: [],
          podmanVersion: null,
          dryRun: [],
          units: [],
        },
      ];
    }
    return undefined;
  }, session);
}

const row = async (n: number) => (await screen.findByText(`Revision ${n}`)).closest('li')!;

afterEach(() => vi.unstubAllGlobals());

describe('history tab', () => {
  it('marks the live revision (the last applied, not the newer rolled-back one) and offers it no roll back', async () => {
    serve();
    renderTab('shop', {}, <HistoryTab id="shop" />);
    const live = await row(2);
    expect(live.getAttribute('aria-current')).toBe('true');
    expect(within(live).getByText('Live now')).toBeTruthy();
    expect(within(live).queryByRole('button', { name: 'Roll back to this revision' })).toBeNull();
    const rolledBack = await row(3);
    expect(rolledBack.getAttribute('aria-current')).toBeNull();
    expect(within(rolledBack).queryByText('Live now')).toBeNull();
    expect(within(rolledBack).queryByRole('button', { name: 'Roll back to this revision' })).toBeNull();
    const older = await row(1);
    expect(within(older).queryByText('Live now')).toBeNull();
    expect(within(older).getByRole('button', { name: 'Roll back to this revision' })).toBeTruthy();
    expect(screen.getAllByText('Live now')).toHaveLength(1);
  });

  it('shows what a roll back would do on the host before it rolls back', async () => {
    const calls = serve();
    renderTab('shop', {}, <HistoryTab id="shop" />);
    fireEvent.click(within(await row(1)).getByRole('button', { name: 'Roll back to this revision' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'What rolling back to revision 1 does' });
    await within(dialog).findByText('The state of revision 1 is applied again, as a new revision. On the host:');
    expect(within(dialog).getByText('Files changed (1)')).toBeTruthy();
    expect(within(dialog).getByText(`${Q}/c0.container`)).toBeTruthy();
    expect(within(dialog).getByText('Files removed (1)')).toBeTruthy();
    expect(within(dialog).getByText(`${Q}/c2.container`)).toBeTruthy();
    expect(within(dialog).queryByText(/^Files added/)).toBeNull();
    expect(within(dialog).getByText('Restart (1)')).toBeTruthy();
    expect(within(dialog).getByText('Stop (1)')).toBeTruthy();
    expect(within(dialog).getByText('c2.service')).toBeTruthy();
    expect(within(dialog).getByText('Routes removed (1)')).toBeTruthy();
    expect(within(dialog).getByText('shop.example.test → c2:8080 (127.0.0.1:30001)')).toBeTruthy();
    expect(calls.map((c) => `${c.method} ${c.path}`)).toContain('GET /api/compartments/shop/revisions/1/rollback-plan');
    // asking changed nothing; confirming rolls back to revision 1
    expect(changes(calls)).toEqual([]);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Roll back to revision 1' }));
    await screen.findByText('Rolled back.');
    expect(changes(calls)).toEqual([
      { method: 'POST', path: '/api/compartments/shop/rollback', body: { revision: 1 } },
    ]);
  });

  it('cancelling changes nothing', async () => {
    const calls = serve();
    renderTab('shop', {}, <HistoryTab id="shop" />);
    fireEvent.click(within(await row(1)).getByRole('button', { name: 'Roll back to this revision' }));
    const dialog = await screen.findByRole('alertdialog');
    await within(dialog).findByText('Files removed (1)');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(changes(calls)).toEqual([]);
  });

  it('says when a roll back would change nothing on the host', async () => {
    fakeApi(
      (c) =>
        c.path === '/api/compartments/shop/revisions'
          ? [200, HISTORY]
          : c.path === '/api/compartments/shop/revisions/1/rollback-plan'
            ? [200, { ...PLAN, plan: { ...PLAN.plan, changes: [], routes: undefined, noop: true, reload: false } }]
            : undefined,
      operator,
    );
    renderTab('shop', {}, <HistoryTab id="shop" />);
    fireEvent.click(within(await row(1)).getByRole('button', { name: 'Roll back to this revision' }));
    expect(
      await screen.findByText('Nothing would change: the files on the host already match revision 1.'),
    ).toBeTruthy();
  });

  it('a viewer sees the live revision and no roll back at all', async () => {
    serve(viewerSession);
    renderTab('shop', {}, <HistoryTab id="shop" />);
    expect(within(await row(2)).getByText('Live now')).toBeTruthy();
    await row(1);
    expect(screen.queryByRole('button', { name: 'Roll back to this revision' })).toBeNull();
  });
});
