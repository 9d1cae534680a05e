/**
 * The Images tab against a faked server: the images with the units that use them (unused ones marked) and what is
 * missing; for an admin, "Remove unused images" asks first with what will go (a dry run), then prunes and shows
 * what went, what Podman refused and the space; a viewer has no button.
 */
import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderTab } from '../../test-support/compartment-tab';
import { ImagesTab } from './Images';

const hex = (c: string) => c.repeat(64);
const image = (id: string, names: string[], usedBy: string[], size: number, containers = 0) => ({
  id: hex(id),
  repository: names[0]?.split(':')[0] ?? null,
  tags: names.map((n) => n.split(':')[1]!),
  names,
  digest: `sha256:${hex(id)}`,
  size,
  created: '2026-11-30T09:15:00.000Z',
  usedBy,
  unused: usedBy.length === 0,
  containers,
  dangling: false,
});

const v1 = image('a', ['localhost/web:v1'], ['web.container'], 5 * 1024 * 1024, 1);
const v2 = image('b', ['localhost/web:v2'], [], 3 * 1024 * 1024);
const old = image('c', ['localhost/old:1'], [], 1024);

function serve(role: 'admin' | 'viewer', failed: { image: typeof v2; error: string }[] = []) {
  let images = [v1, v2, old];
  const calls: { method: string; path: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const path = url.split('?')[0]!;
      const method = init?.method ?? 'GET';
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method, path, body });
      const json = (status: number, b: unknown) =>
        new Response(JSON.stringify(b), { status, headers: { 'content-type': 'application/json' } });
      if (path === '/api/auth/session')
        return json(200, { username: 'u', kind: 'session', grants: [{ compartment: 'shop', role }] });
      if (path === '/api/compartments/shop/updates') return json(200, { checks: [] });
      if (path === '/api/compartments/shop/images')
        return json(200, { images, missing: [{ unit: 'db.container', image: 'localhost/db:16' }] });
      if (path === '/api/compartments/shop/images/prune') {
        const gone = [v2, old].filter((i) => !failed.some((f) => f.image.id === i.id));
        if (!body.dryRun) images = images.filter((i) => !gone.includes(i));
        const removed = body.dryRun ? [v2, old] : gone;
        return json(200, {
          dryRun: body.dryRun,
          removed,
          failed: body.dryRun ? [] : failed,
          bytes: removed.reduce((n, i) => n + i.size, 0),
        });
      }
      return json(404, { error: { code: 'not_found', message: `Route ${method}:${path} not found` } });
    }),
  );
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

describe('images tab', () => {
  it('lists each image with tag, short digest, size and the units that use it; unused ones marked', async () => {
    serve('viewer');
    renderTab('shop', {}, <ImagesTab id="shop" />);
    const row = (await screen.findByText('web.container')).closest('tr')!;
    expect(within(row).getByText('localhost/web')).toBeTruthy();
    expect(within(row).getByText('v1')).toBeTruthy();
    expect(within(row).getByText('aaaaaaaaaaaa')).toBeTruthy();
    expect(within(row).getByText('5.0 MiB')).toBeTruthy();
    expect(screen.getAllByText('unused')).toHaveLength(2);
    expect(screen.getByText('localhost/db:16, needed by db.container')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Remove unused images' })).toBeNull();
  });

  it('an admin confirms what will go, then sees what went and the space', async () => {
    const calls = serve('admin');
    renderTab('shop', {}, <ImagesTab id="shop" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove unused images' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(within(dialog).getByText('Remove 2 image(s) no unit or container uses (3.0 MiB)?')).toBeTruthy();
    expect(within(dialog).getByText('localhost/web:v2')).toBeTruthy();
    expect(within(dialog).getByText('localhost/old:1')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([{ dryRun: true }]);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove 2 image(s)' }));
    expect(await screen.findByText('Removed 2 image(s); up to 3.0 MiB freed.')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([{ dryRun: true }, { dryRun: false }]);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    // the list is read again: only the image web.container uses is left
    await vi.waitFor(() => expect(screen.queryAllByText('unused')).toHaveLength(0));
  });

  it('cancel removes nothing; an image Podman refused is shown with its reason', async () => {
    const calls = serve('admin', [{ image: v2, error: 'podman rmi x as qm-shop failed: image is in use' }]);
    renderTab('shop', {}, <ImagesTab id="shop" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove unused images' }));
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);

    fireEvent.click(screen.getByRole('button', { name: 'Remove unused images' }));
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Remove 2 image(s)' }));
    expect(await screen.findByText('Removed 1 image(s); up to 1.0 KiB freed.')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe(
      'Not removed: localhost/web:v2: podman rmi x as qm-shop failed: image is in use',
    );
  });
});
