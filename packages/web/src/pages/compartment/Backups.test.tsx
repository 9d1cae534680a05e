/**
 * The Backups tab against a faked server: no repository yet; an operator's first backup shows the repository's
 * password once (and a second backup does not), with what the backup did; the snapshots with their tags; an
 * admin's restore asks first and then restores, into this compartment or another one it administers (where it
 * went and what was skipped said after); a check's result; viewers see no buttons, operators no Restore; a
 * backup under way (started anywhere) with restic's progress, and a stage before restic starts.
 */
import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderTab } from '../../test-support/compartment-tab';
import { type Answer, type Call, changes, fakeApi } from '../../test-support/fake-api';
import { BackupsTab } from './Backups';

const LOCATION = '/home/qm-shop/.local/share/quadletman/backups';
const PASSWORD = 'Zt4pQ9wLm2XcV7bN5rKd8sHf';
const SNAP = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const VOLUME = '/home/qm-shop/.local/share/containers/storage/volumes/shop-data/_data';

const snapshot = (id: string, time: string, revision: number, mode: string) => ({
  id,
  shortId: id.slice(0, 8),
  time,
  paths: [VOLUME, '/home/qm-shop/.config/containers/systemd'],
  tags: ['compartment=shop', `revision=${revision}`, `mode=${mode}`],
  size: 5 * 1024 * 1024,
  added: 2 * 1024 * 1024,
  durationS: 2.4,
});

const OFF = {
  compartment: 'shop',
  policy: { schedule: 'off', mode: 'stop', keep: null },
  nextRun: null,
  lastRun: null,
};

const session = (role: 'viewer' | 'operator' | 'admin') => ({
  username: 'u',
  kind: 'session',
  grants: [{ compartment: 'shop', role }],
});

function serve(
  role: 'viewer' | 'operator' | 'admin',
  state: { repository: boolean; snapshots: unknown[]; progress?: unknown },
) {
  let made = state.repository;
  const snapshots = [...state.snapshots];
  return fakeApi((c: Call): Answer => {
    if (c.path === '/api/compartments/shop/backups/progress') return [200, { progress: state.progress ?? null }];
    if (c.path === '/api/compartments/shop/backups/policy' && c.method === 'GET') return [200, OFF];
    if (c.path === '/api/compartments/shop/backups' && c.method === 'GET')
      return [200, { repository: made ? { location: LOCATION } : null, snapshots }];
    if (c.path === '/api/compartments/shop/backups' && c.method === 'POST') {
      const mode = (c.body as { mode: string }).mode;
      const first = !made;
      made = true;
      snapshots.push(snapshot(SNAP, '2026-12-04T03:00:00.000Z', 3, mode));
      return [
        200,
        {
          compartment: 'shop',
          mode,
          summary: {
            snapshotId: SNAP,
            filesNew: 12,
            filesChanged: 1,
            filesUnmodified: 30,
            dataAdded: 2 * 1024 * 1024,
            totalFiles: 43,
            totalBytes: 5 * 1024 * 1024,
            durationS: 2.4,
          },
          paths: [VOLUME],
          stopped: mode === 'stop' ? ['web.service', 'db.service'] : [],
          downtimeMs: mode === 'stop' ? 3500 : null,
          ...(first ? { repository: { location: LOCATION, password: PASSWORD } } : {}),
        },
      ];
    }
    if (c.path === '/api/compartments/shop/backups/restore')
      return [
        200,
        {
          compartment: 'shop',
          snapshot: (c.body as { snapshot: string }).snapshot,
          restored: [VOLUME],
          restarted: ['web.service'],
          probes: 1,
          durationMs: 4200,
        },
      ];
    if (c.path.startsWith('/api/compartments/shop/backups/') && c.path.endsWith('/files'))
      return [200, { snapshot: SNAP, path: '/', entries: [], truncated: false }];
    if (c.path === '/api/compartments/shop/backups/check')
      return [200, { ok: true, output: 'using temporary cache\nno errors were found' }];
    if (c.path === '/api/compartments/shop') return [200, { id: 'shop', units: [] }];
    if (c.path === '/api/compartments') return [200, { compartments: [{ id: 'shop', description: '' }] }];
    return undefined;
  }, session(role));
}

afterEach(() => vi.unstubAllGlobals());

describe('backups tab', () => {
  it("shows a backup under way, started elsewhere, with restic's progress", async () => {
    serve('viewer', {
      repository: true,
      snapshots: [],
      progress: {
        operation: 'backup',
        stage: 'restic',
        startedAt: '2026-12-05T02:00:00.000Z',
        status: {
          percent: 42.5,
          filesDone: 1200,
          totalFiles: 35000,
          bytesDone: 400 * 1024 * 1024,
          totalBytes: 1024 * 1024 * 1024,
          secondsElapsed: 3,
          secondsRemaining: 4.4,
          currentFiles: ['/srv/data/small/7/r.aaab'],
        },
      },
    });
    renderTab('shop', {}, <BackupsTab id="shop" />);
    const box = await screen.findByTestId('backup-progress');
    expect(within(box).getByText('Backup under way: 42.5 %')).toBeTruthy();
    expect((within(box).getByRole('progressbar') as HTMLProgressElement).value).toBe(42.5);
    expect(box.textContent).toContain('1200 of 35000 files');
    expect(box.textContent).toContain('about 4 s left');
    expect(box.textContent).toContain('/srv/data/small/7/r.aaab');
  });

  it('names the stage of a restore before restic reports', async () => {
    serve('viewer', {
      repository: true,
      snapshots: [],
      progress: { operation: 'restore', stage: 'stopping', startedAt: '2026-12-05T02:00:00.000Z', status: null },
    });
    renderTab('shop', {}, <BackupsTab id="shop" />);
    const box = await screen.findByTestId('backup-progress');
    expect(box.textContent).toContain('Restore under way');
    expect(box.textContent).toContain('Stopping the units…');
    expect(within(box).queryByRole('progressbar')).toBeNull();
  });

  it('says there is no repository yet and no snapshots', async () => {
    serve('operator', { repository: false, snapshots: [] });
    renderTab('shop', {}, <BackupsTab id="shop" />);
    expect(await screen.findByText('None yet: the first backup makes one.')).toBeTruthy();
    expect(screen.getByText('No snapshots yet.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Back up now' })).toBeTruthy();
    // nothing to check before there is a repository
    expect(screen.queryByRole('button', { name: 'Check repository' })).toBeNull();
  });

  it("the first backup shows the repository's password once, with what it did", async () => {
    const calls = serve('operator', { repository: false, snapshots: [] });
    renderTab('shop', {}, <BackupsTab id="shop" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Back up now' }));
    const panel = await screen.findByTestId('repository-password');
    expect(within(panel).getByTestId('secret-repository').textContent).toBe(PASSWORD);
    expect(within(panel).getByRole('alert').textContent).toMatch(
      /needed to restore .* on another host.*not shown again/,
    );
    expect(within(panel).getByRole('button', { name: "Copy the repository's password" })).toBeTruthy();
    expect(changes(calls)).toEqual([
      { method: 'POST', path: '/api/compartments/shop/backups', body: { mode: 'stop' } },
    ]);

    const result = screen.getByTestId('backup-result');
    expect(result.textContent).toContain('Snapshot a1b2c3d4 saved (Stop).');
    expect(result.textContent).toContain('43 (12 new, 1 changed, 30 unmodified)');
    expect(result.textContent).toContain('5.0 MiB');
    expect(result.textContent).toContain('2.0 MiB');
    expect(result.textContent).toContain('2.4 s');
    expect(result.textContent).toContain('web.service, db.service; down for 3.5 s');
    // the list is read again: the repository and the new snapshot
    expect(await screen.findByText(LOCATION)).toBeTruthy();
    expect(await screen.findByText('a1b2c3d4')).toBeTruthy();

    // hidden once copied, and a second (live) backup does not show it again
    fireEvent.click(within(panel).getByRole('button', { name: 'I have copied it: hide' }));
    expect(within(panel).queryByTestId('secret-repository')).toBeNull();
    fireEvent.click(screen.getByLabelText(/^Live/));
    fireEvent.click(screen.getByRole('button', { name: 'Back up now' }));
    await vi.waitFor(() => expect(changes(calls)).toHaveLength(2));
    expect(changes(calls)[1]!.body).toEqual({ mode: 'live' });
    expect(await screen.findByText('Nothing stopped (live).')).toBeTruthy();
    expect(screen.queryByTestId('repository-password')).toBeNull();
    expect(screen.queryByText(PASSWORD)).toBeNull();
  });

  it('lists the snapshots with their tags; an admin restores one after confirming', async () => {
    const calls = serve('admin', {
      repository: true,
      snapshots: [snapshot(SNAP, '2026-12-04T03:00:00.000Z', 3, 'stop')],
    });
    renderTab('shop', {}, <BackupsTab id="shop" />);
    const row = (await screen.findByText('a1b2c3d4')).closest('tr')!;
    expect(within(row).getByText('compartment shop')).toBeTruthy();
    expect(within(row).getByText('revision 3')).toBeTruthy();
    expect(within(row).getByText('mode stop')).toBeTruthy();
    expect(within(row).getByText(VOLUME)).toBeTruthy();
    // restic's summary of the snapshot: its size, what it added, how long it took
    expect(within(row).getByTestId('snapshot-size').textContent).toBe('5.0 MiB+2.0 MiB new · 2.4 s');

    fireEvent.click(within(row).getByRole('button', { name: 'Restore snapshot a1b2c3d4' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.textContent).toContain('Restore snapshot a1b2c3d4');
    expect(dialog.textContent).toContain(
      "running containers are stopped, each volume's contents are replaced by the snapshot's, and the containers are started again",
    );
    expect(changes(calls)).toEqual([]);
    // no other compartment this admin administers: nothing to choose
    expect(within(dialog).queryByLabelText('Restore into')).toBeNull();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(changes(calls)).toEqual([]);

    fireEvent.click(within(row).getByRole('button', { name: 'Restore snapshot a1b2c3d4' }));
    fireEvent.click(
      within(await screen.findByRole('alertdialog')).getByRole('button', {
        name: 'Stop, replace the volumes and start again',
      }),
    );
    const result = await screen.findByTestId('restore-result');
    expect(changes(calls)).toEqual([
      { method: 'POST', path: '/api/compartments/shop/backups/restore', body: { snapshot: SNAP } },
    ]);
    expect(result.textContent).toContain('Snapshot a1b2c3d4 restored in 4.2 s.');
    expect(result.textContent).toContain(`Volumes replaced: ${VOLUME}`);
    expect(result.textContent).toContain('Started again: web.service');
    expect(result.textContent).toContain("The compartment's probes answer with the restored data (1).");
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('restores into another compartment the admin administers, and says where and what was skipped', async () => {
    const calls = fakeApi(
      (c: Call): Answer => {
        if (c.path === '/api/compartments/shop/backups/policy') return [200, OFF];
        if (c.path === '/api/compartments/shop/backups' && c.method === 'GET')
          return [
            200,
            { repository: { location: LOCATION }, snapshots: [snapshot(SNAP, '2026-12-04T03:00:00.000Z', 3, 'stop')] },
          ];
        if (c.path === '/api/compartments')
          return [200, { compartments: ['blog', 'shop', 'wiki'].map((id) => ({ id, description: '' })) }];
        if (c.path === '/api/compartments/shop/backups/restore')
          return [
            200,
            {
              compartment: 'shop',
              into: 'blog',
              snapshot: SNAP,
              restored: ['/var/lib/quadletman/volumes/blog/data'],
              skipped: ['cache'],
              restarted: [],
              durationMs: 1500,
            },
          ];
        return undefined;
      },
      // admin of shop and blog; wiki only viewed
      {
        username: 'u',
        kind: 'session',
        grants: [
          { compartment: 'shop', role: 'admin' },
          { compartment: 'blog', role: 'admin' },
          { compartment: 'wiki', role: 'viewer' },
        ],
      },
    );
    renderTab('shop', {}, <BackupsTab id="shop" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Restore snapshot a1b2c3d4' }));
    const dialog = await screen.findByRole('alertdialog');
    const into = (await within(dialog).findByLabelText('Restore into')) as HTMLSelectElement;
    expect([...into.options].map((o) => [o.value, o.textContent])).toEqual([
      ['', 'this compartment (shop)'],
      ['blog', 'blog'],
    ]);
    expect(into.value).toBe('');
    fireEvent.change(into, { target: { value: 'blog' } });
    expect(within(dialog).getByRole('heading').textContent).toContain('into blog?');
    expect(dialog.textContent).toContain("blog's running containers are stopped");
    fireEvent.click(within(dialog).getByRole('button', { name: 'Stop, replace the volumes and start again' }));
    const result = await screen.findByTestId('restore-result');
    expect(changes(calls)).toEqual([
      { method: 'POST', path: '/api/compartments/shop/backups/restore', body: { snapshot: SNAP, into: 'blog' } },
    ]);
    expect(result.textContent).toContain('Snapshot a1b2c3d4 restored into blog in 1.5 s.');
    expect(result.textContent).toContain('Volumes replaced: /var/lib/quadletman/volumes/blog/data');
    expect(result.textContent).toContain('Not declared by blog, left out: cache');
    // the next restore asks again, from this compartment
    fireEvent.click(screen.getByRole('button', { name: 'Restore snapshot a1b2c3d4' }));
    expect(((await screen.findByLabelText('Restore into')) as HTMLSelectElement).value).toBe('');
  });

  it("checks the repository and shows restic's answer", async () => {
    const calls = serve('operator', { repository: true, snapshots: [] });
    renderTab('shop', {}, <BackupsTab id="shop" />);
    expect(await screen.findByText(LOCATION)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Check repository' }));
    const result = await screen.findByTestId('check-result');
    expect(result.textContent).toContain('The repository has no errors.');
    expect(result.textContent).toContain('no errors were found');
    expect(changes(calls)).toEqual([{ method: 'POST', path: '/api/compartments/shop/backups/check' }]);
  });

  it('says a backup is running, then shows a failed one in the error box', async () => {
    fakeApi((c) => {
      if (c.path.endsWith('/policy')) return [200, OFF];
      if (c.method === 'GET') return [200, { repository: null, snapshots: [] }];
      return [409, { error: { code: 'conflict', message: 'restic is not installed on this host' } }];
    }, session('operator'));
    // the backup's answer waits until the test lets it through
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const inner = globalThis.fetch;
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      if (init?.method === 'POST') await gate;
      return inner(url, init);
    });
    renderTab('shop', {}, <BackupsTab id="shop" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Back up now' }));
    const running = await screen.findByRole('button', { name: 'Backing up…' });
    expect((running as HTMLButtonElement).disabled).toBe(true);
    release();
    expect((await screen.findByRole('alert')).textContent).toBe('restic is not installed on this host');
    expect(screen.queryByTestId('repository-password')).toBeNull();
    expect((screen.getByRole('button', { name: 'Back up now' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('a viewer sees the snapshots without buttons; an operator without Restore', async () => {
    const state = { repository: true, snapshots: [snapshot(SNAP, '2026-12-04T03:00:00.000Z', 3, 'live')] };
    serve('viewer', state);
    const view = renderTab('shop', {}, <BackupsTab id="shop" />);
    expect(await screen.findByText('a1b2c3d4')).toBeTruthy();
    expect(screen.getByText('mode live')).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
    view.unmount();
    vi.unstubAllGlobals();

    serve('operator', state);
    renderTab('shop', {}, <BackupsTab id="shop" />);
    expect(await screen.findByText('a1b2c3d4')).toBeTruthy();
    expect(await screen.findByRole('button', { name: 'Back up now' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Check repository' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Restore/ })).toBeNull();
    // an operator browses a snapshot
    fireEvent.click(screen.getByRole('button', { name: 'Browse snapshot a1b2c3d4' }));
    expect(await screen.findByTestId('snapshot-browser')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('snapshot-browser')).toBeNull();
  });
});
