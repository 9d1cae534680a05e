/**
 * The Backups tab's Schedule card against a faked server: the policy, its next run (UTC too) and the last run's
 * outcome (a failure with its error); an operator saves a policy and the server's problems show under the fields
 * they name; "Prune now" says what it forgot; a viewer reads only.
 */
import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderTab } from '../../test-support/compartment-tab';
import { type Answer, type Call, changes, fakeApi } from '../../test-support/fake-api';
import { BackupScheduleCard } from './BackupSchedule';

const P = '/api/compartments/shop/backups/policy';

const view = (over: Record<string, unknown> = {}) => ({
  compartment: 'shop',
  policy: { schedule: 'daily 03:00', mode: 'stop', keep: { last: 3, daily: 7, weekly: 0, monthly: 0 } },
  nextRun: '2026-12-05T03:00:00.000Z',
  lastRun: null,
  lastCheck: null,
  ...over,
});

const session = (role: 'viewer' | 'operator') => ({
  username: 'u',
  kind: 'session',
  grants: [{ compartment: 'shop', role }],
});

function serve(role: 'viewer' | 'operator', initial: ReturnType<typeof view>, put?: (body: unknown) => Answer) {
  let current = initial;
  return fakeApi((c: Call): Answer => {
    if (c.path === P && c.method === 'GET') return [200, current];
    if (c.path === P && c.method === 'PUT') {
      const a = put?.(c.body);
      if (a) return a;
      const b = c.body as { schedule: string; mode: string; keep: unknown };
      current = view({ policy: { ...b } });
      return [200, current];
    }
    if (c.path === '/api/compartments/shop/backups/prune')
      return [200, { removed: [{ id: 'a', shortId: 'aaaaaaaa', time: 't', paths: [], tags: [] }], kept: [] }];
    return undefined;
  }, session(role));
}

afterEach(() => vi.unstubAllGlobals());

const card = (operator: boolean, hasRepository = true) =>
  renderTab('shop', {}, <BackupScheduleCard id="shop" operator={operator} hasRepository={hasRepository} />);

describe('backup schedule card', () => {
  it('shows the policy, the next run in UTC too, and a failed last run with its error', async () => {
    serve(
      'viewer',
      view({
        lastRun: {
          at: '2026-12-04T03:00:00.000Z',
          finishedAt: '2026-12-04T03:01:00.000Z',
          result: 'failed',
          stage: 'prune',
          error: 'unable to create lock in backend: repository is already locked',
          snapshot: 'abcdef0123',
        },
      }),
    );
    card(false);
    const dl = await screen.findByTestId('backup-policy');
    expect(dl.textContent).toContain('daily 03:00');
    expect(dl.textContent).toContain('Last 3, Daily 7');
    expect(dl.textContent).toContain('(2026-12-05 03:00 UTC)');
    expect(dl.textContent).toContain('Failed');
    expect(dl.textContent).toContain('the retention (forget and prune) failed.');
    expect(screen.getByTestId('last-run-error').textContent).toMatch(/already locked/);
    // a viewer: no form, no buttons
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.queryByLabelText('Schedule')).toBeNull();
  });

  it('says off, no retention, none yet', async () => {
    serve('viewer', view({ policy: { schedule: 'off', mode: 'stop', keep: null }, nextRun: null }));
    card(false);
    const dl = await screen.findByTestId('backup-policy');
    expect(dl.textContent).toContain('Never (off)');
    expect(dl.textContent).toContain('None: every snapshot is kept.');
    expect(dl.textContent).toContain('None yet.');
    expect(dl.textContent).toContain('None yet: a scheduled run checks the repository weekly.');
  });

  it("names a failed check of the repository and restic's last lines; a sound one plainly", async () => {
    const output = 'check snapshots, trees and blobs\nerror: pack 1234: damaged\nFatal: repository contains errors';
    serve(
      'viewer',
      view({
        lastRun: {
          at: '2026-12-04T03:00:00.000Z',
          finishedAt: '2026-12-04T03:02:00.000Z',
          result: 'failed',
          stage: 'check',
          error: 'restic check found problems: …',
          snapshot: 'abcdef0123',
          checked: true,
        },
        lastCheck: { at: '2026-12-04T03:01:00.000Z', ok: false, output },
      }),
    );
    card(false);
    const dl = await screen.findByTestId('backup-policy');
    expect(dl.textContent).toContain('the repository check failed.');
    const check = screen.getByTestId('last-check');
    expect(check.textContent).toContain('restic check found problems.');
    expect(check.textContent).toContain('Fatal: repository contains errors');
  });

  it("an operator saves a policy; the server's problems show under their fields", async () => {
    const calls = serve(
      'operator',
      view({ policy: { schedule: 'off', mode: 'stop', keep: null }, nextRun: null }),
      (b) => {
        const body = b as { schedule: string; keep: { last: number } | null };
        if (body.schedule === 'daily 25:00')
          return [
            400,
            {
              error: {
                code: 'invalid',
                message: 'schedule: hour 25 is out of range: 0 … 23; keep.last: must be a whole number from 0 to 1000',
                details: {
                  issues: [
                    { path: 'schedule', message: 'hour 25 is out of range: 0 … 23' },
                    { path: 'keep.last', message: 'must be a whole number from 0 to 1000' },
                  ],
                },
              },
            },
          ];
        return undefined;
      },
    );
    card(true);
    const schedule = await screen.findByLabelText('Schedule');
    fireEvent.change(schedule, { target: { value: 'daily 25:00' } });
    fireEvent.change(screen.getByLabelText('Mode of scheduled backups'), { target: { value: 'live' } });
    expect(screen.queryByLabelText('Last')).toBeNull(); // no retention yet
    fireEvent.click(screen.getByLabelText(/^Retention/));
    fireEvent.change(screen.getByLabelText('Last'), { target: { value: '5000' } });
    fireEvent.change(screen.getByLabelText('Weekly'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save schedule' }));

    expect(await screen.findByText('hour 25 is out of range: 0 … 23')).toBeTruthy();
    expect(schedule.getAttribute('aria-invalid')).toBe('true');
    expect(schedule.getAttribute('aria-describedby')).toContain('backup-policy-shop-schedule-error');
    const last = screen.getByLabelText('Last');
    expect(last.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('must be a whole number from 0 to 1000')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull(); // by field, not in a box
    expect(changes(calls)[0]).toEqual({
      method: 'PUT',
      path: P,
      body: { schedule: 'daily 25:00', mode: 'live', keep: { last: 5000, daily: 0, weekly: 0, monthly: 0 } },
    });

    fireEvent.change(schedule, { target: { value: 'weekly sun 02:30' } });
    fireEvent.change(last, { target: { value: '10' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save schedule' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(screen.queryByText('hour 25 is out of range: 0 … 23')).toBeNull();
    expect(changes(calls)[1]!.body).toEqual({
      schedule: 'weekly sun 02:30',
      mode: 'live',
      keep: { last: 10, daily: 0, weekly: 0, monthly: 0 },
    });
    await vi.waitFor(() => expect(screen.getByTestId('backup-policy').textContent).toContain('weekly sun 02:30'));
  });

  it('an operator turns the retention off (keep: null) and prunes now', async () => {
    const calls = serve('operator', view());
    card(true);
    fireEvent.click(await screen.findByRole('button', { name: 'Prune now' }));
    expect((await screen.findByTestId('prune-result')).textContent).toBe('Forgot 1 snapshots, kept 0.');
    fireEvent.click(screen.getByLabelText(/^Retention/));
    fireEvent.click(screen.getByRole('button', { name: 'Save schedule' }));
    await vi.waitFor(() => expect(changes(calls)).toHaveLength(2));
    expect(changes(calls)[0]).toEqual({ method: 'POST', path: '/api/compartments/shop/backups/prune' });
    expect(changes(calls)[1]!.body).toEqual({ schedule: 'daily 03:00', mode: 'stop', keep: null });
    // no retention: nothing to prune
    await vi.waitFor(() => expect(screen.queryByRole('button', { name: 'Prune now' })).toBeNull());
  });

  it('offers no prune before the repository exists', async () => {
    serve('operator', view());
    card(true, false);
    const form = await screen.findByRole('form', { name: 'Backup policy' });
    expect(within(form).getByRole('button', { name: 'Save schedule' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Prune now' })).toBeNull();
  });
});
