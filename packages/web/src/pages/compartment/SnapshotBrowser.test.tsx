/**
 * The snapshot browser against a faked server: the snapshot's folders at the top, a folder opened with its entries
 * (size, mode, owner) and a breadcrumb back; an admin restores a file after a confirm that names the path and the
 * `.before-restore-…` copy, and sees where the previous version went; an operator browses without restore buttons.
 */
import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderTab } from '../../test-support/compartment-tab';
import { type Call, changes, fakeApi } from '../../test-support/fake-api';
import { SnapshotBrowser } from './SnapshotBrowser';

const ID = 'abcdef0123456789';
const DATA = '/srv/quadletman/volumes/shop/data';
const SNAP = { id: ID, shortId: 'abcdef01', time: '2026-12-01T03:00:00Z', paths: [DATA], tags: ['compartment=shop'] };
const top = { name: DATA, type: 'dir', path: DATA, size: null, mode: null, uid: null, gid: null, mtime: null };
const entry = (name: string, type: string, size: number | null) => ({
  name,
  type,
  path: `${DATA}/${name}`,
  size,
  mode: type === 'dir' ? '0755' : '0644',
  uid: 33,
  gid: 33,
  mtime: '2026-12-01T02:00:00Z',
});
const operatorSession = { username: 'olga', kind: 'session', grants: [{ compartment: '*', role: 'operator' }] };

function serve(session?: unknown): Call[] {
  return fakeApi((c, q) => {
    if (c.method === 'GET' && c.path === `/api/compartments/shop/backups/${ID}/files`) {
      const path = q.get('path') ?? '/';
      if (path === '/') return [200, { snapshot: ID, path, entries: [top], truncated: false }];
      if (path === DATA)
        return [
          200,
          { snapshot: ID, path, entries: [entry('a.txt', 'file', 2048), entry('www', 'dir', null)], truncated: true },
        ];
      return [200, { snapshot: ID, path, entries: [], truncated: false }];
    }
    if (c.method === 'POST' && c.path === '/api/compartments/shop/backups/restore-file') {
      const { path } = c.body as { path: string };
      return [200, { snapshot: ID, path, restored: path, previous: `${path}.before-restore-2026-12-04T10-00-00-000Z` }];
    }
    return undefined;
  }, session);
}

afterEach(() => vi.unstubAllGlobals());

const browser = (admin: boolean) =>
  renderTab('shop', {}, <SnapshotBrowser id="shop" snapshot={SNAP} admin={admin} onClose={() => undefined} />);

describe('snapshot browser', () => {
  it('lists the snapshot folders, opens one with its entries, and goes back by the breadcrumb', async () => {
    serve();
    browser(true);
    fireEvent.click(await screen.findByRole('button', { name: `Open folder ${DATA}` }));
    const row = (await screen.findByText('a.txt')).closest('tr')!;
    expect(row.textContent).toContain('2.0 KiB');
    expect(row.textContent).toContain('0644');
    expect(row.textContent).toContain('33:33');
    expect(screen.getByText('Only the first 2 entries are shown.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Open folder www' }));
    expect(await screen.findByText('This folder is empty.')).toBeTruthy();
    const crumbs = screen.getByRole('navigation', { name: 'Folder' });
    expect(within(crumbs).getByText('www').getAttribute('aria-current')).toBe('page');
    fireEvent.click(within(crumbs).getByRole('button', { name: 'Snapshot' }));
    expect(await screen.findByRole('button', { name: `Open folder ${DATA}` })).toBeTruthy();
  });

  it('an admin restores a file after a confirm naming it and the copy kept; the result says where', async () => {
    const calls = serve();
    browser(true);
    fireEvent.click(await screen.findByRole('button', { name: `Open folder ${DATA}` }));
    fireEvent.click(await screen.findByRole('button', { name: 'Restore a.txt' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toContain(`Restore ${DATA}/a.txt from this snapshot?`);
    expect(within(dialog).getByText('a.txt.before-restore-…').tagName).toBe('CODE');
    expect(changes(calls)).toEqual([]);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore it' }));
    const result = await screen.findByTestId('restore-file-result');
    expect(result.textContent).toContain(`Restored ${DATA}/a.txt.`);
    expect(result.textContent).toContain(`kept as ${DATA}/a.txt.before-restore-2026-12-04T10-00-00-000Z`);
    expect(changes(calls)).toEqual([
      {
        method: 'POST',
        path: '/api/compartments/shop/backups/restore-file',
        body: { snapshot: ID, path: `${DATA}/a.txt` },
      },
    ]);
  });

  it('an operator browses without restore buttons; at the top there are none either', async () => {
    serve(operatorSession);
    browser(false);
    fireEvent.click(await screen.findByRole('button', { name: `Open folder ${DATA}` }));
    expect(await screen.findByText('a.txt')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Restore / })).toBeNull();
  });
});
