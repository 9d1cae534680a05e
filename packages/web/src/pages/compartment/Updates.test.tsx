/**
 * The Updates card against a faked server: the last check of each image (status, time, both digests, the units);
 * an operator checks now and sees the answer; a viewer has no button.
 */
import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderTab } from '../../test-support/compartment-tab';
import { UpdatesCard } from './Updates';

const hex = (c: string) => c.repeat(64);
const IMAGE = 'registry.example.org/shop/web:1';
const check = (status: string, remote: string) => ({
  image: IMAGE,
  units: ['web.container'],
  checkedAt: '2026-12-01T10:00:00.000Z',
  status,
  remoteDigest: `sha256:${hex(remote)}`,
  localDigests: [`sha256:${hex('a')}`],
  reason: null,
});

function serve(role: 'operator' | 'viewer') {
  let checks: unknown[] = [];
  const calls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const path = url.split('?')[0]!;
      const method = init?.method ?? 'GET';
      calls.push(`${method} ${path}`);
      const json = (status: number, b: unknown) =>
        new Response(JSON.stringify(b), { status, headers: { 'content-type': 'application/json' } });
      if (path === '/api/auth/session')
        return json(200, { username: 'u', kind: 'session', grants: [{ compartment: 'shop', role }] });
      if (path === '/api/compartments/shop/updates') return json(200, { checks });
      if (path === '/api/compartments/shop/updates/check') {
        checks = [check('update-available', 'b')];
        return json(200, { checks });
      }
      return json(404, { error: { code: 'not_found', message: `Route ${method}:${path} not found` } });
    }),
  );
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

describe('updates card', () => {
  it('an operator checks now and sees "update available" with both digests', async () => {
    const calls = serve('operator');
    renderTab('shop', {}, <UpdatesCard id="shop" />);
    expect(await screen.findByText(/^No update check yet/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Check for updates' }));
    const row = (await screen.findByText(IMAGE)).closest('li')!;
    expect(within(row).getByText('update available')).toBeTruthy();
    expect(within(row).getByText(/here aaaaaaaaaaaa/)).toBeTruthy();
    expect(within(row).getByText(/registry bbbbbbbbbbbb/)).toBeTruthy();
    expect(within(row).getByText(/web\.container/)).toBeTruthy();
    expect(calls).toContain('POST /api/compartments/shop/updates/check');
  });

  it('a viewer sees the last check and has no button', async () => {
    serve('viewer');
    renderTab('shop', {}, <UpdatesCard id="shop" />);
    await screen.findByText(/^No update check yet/);
    expect(screen.queryByRole('button', { name: 'Check for updates' })).toBeNull();
  });
});
