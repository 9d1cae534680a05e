/**
 * The Upgrades card against a faked server: the units an upgrade can move (image, pin, mode, a known update),
 * an operator's "Upgrade" of one unit with its steps and how it ended (rolled back, with both digests); a
 * viewer has no buttons.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderTab } from '../../test-support/compartment-tab';
import { UpgradesCard } from './Updates';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const IMAGE = 'registry.example.org/shop/web:1';
const result = {
  outcome: 'rolled-back',
  revision: 4,
  message: 'Upgrade failed and was rolled back: web.service: never turned healthy',
  plan: { noop: true, reload: false, changes: [], units: { start: [], restart: [], stop: [] } },
  diagnostics: [],
  podmanVersion: '5.4',
  dryRun: [],
  units: [],
  images: [
    {
      unit: 'web.container',
      image: IMAGE,
      previousImage: IMAGE,
      before: { id: 'x', digest: D('a') },
      after: { id: 'y', digest: D('b') },
    },
  ],
};

function serve(role: 'operator' | 'viewer', answer: Record<string, unknown> = result) {
  const bodies: unknown[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const path = url.split('?')[0]!;
      const json = (status: number, b: unknown) =>
        new Response(JSON.stringify(b), { status, headers: { 'content-type': 'application/json' } });
      if (path === '/api/auth/session')
        return json(200, { username: 'u', kind: 'session', grants: [{ compartment: 'shop', role }] });
      if (path === '/api/compartments/shop/upgradable')
        return json(200, {
          units: [
            {
              unit: 'api.container',
              image: 'registry.example.org/shop/api:2',
              pin: D('c'),
              updates: 'notify',
              raw: false,
            },
            { unit: 'web.container', image: IMAGE, updates: 'apply', raw: false },
          ],
        });
      if (path === '/api/compartments/shop/updates')
        return json(200, {
          checks: [
            {
              image: IMAGE,
              units: ['web.container'],
              checkedAt: '2026-12-01T10:00:00.000Z',
              status: 'update-available',
              remoteDigest: D('b'),
              localDigests: [D('a')],
              reason: null,
            },
          ],
        });
      if (path === '/api/compartments/shop/upgrade') {
        bodies.push(JSON.parse(String(init?.body)));
        const sse = [
          `event: progress\ndata: ${JSON.stringify({ step: 'pull', status: 'ok', message: `Pulled ${IMAGE}` })}\n\n`,
          `event: progress\ndata: ${JSON.stringify({ step: 'rollback', status: 'ok', message: 'The previous images and files are back' })}\n\n`,
          `event: result\ndata: ${JSON.stringify(answer)}\n\n`,
        ].join('');
        return new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream' } });
      }
      return json(404, { error: { code: 'not_found', message: `Route ${path} not found` } });
    }),
  );
  return bodies;
}

afterEach(() => vi.unstubAllGlobals());

describe('upgrades card', () => {
  it('lists the units with pin, mode and a known update; an upgrade shows its steps and its roll back', async () => {
    const bodies = serve('operator');
    renderTab('shop', {}, <UpgradesCard id="shop" />);
    const web = (await screen.findByText('web.container')).closest('li')!;
    expect(within(web).getByText('updates: apply')).toBeTruthy();
    expect(await within(web).findByText('update available')).toBeTruthy();
    const api = screen.getByText('api.container').closest('li')!;
    expect(within(api).getByText('pinned')).toBeTruthy();
    expect(within(api).getByText(/@ cccccccccccc/)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Upgrade web.container' }));
    expect(await screen.findByText(/Upgrade failed and was rolled back/)).toBeTruthy();
    expect(screen.getByText(`Pulled ${IMAGE}`)).toBeTruthy();
    expect(screen.getByText(/aaaaaaaaaaaa → bbbbbbbbbbbb/)).toBeTruthy();
    expect(bodies).toEqual([{ units: ['web.container'] }]);
  });

  it('"Upgrade all" names no unit', async () => {
    const bodies = serve('operator');
    renderTab('shop', {}, <UpgradesCard id="shop" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Upgrade all' }));
    await screen.findByText(/Upgrade failed and was rolled back/);
    expect(bodies).toEqual([{}]);
  });

  it('backs up first unless unticked; the result names the snapshot taken before', async () => {
    const bodies = serve('operator', {
      ...result,
      outcome: 'applied',
      backup: { snapshot: 'abcdef01'.repeat(8), mode: 'stop' },
    });
    renderTab('shop', {}, <UpgradesCard id="shop" />);
    const box = await screen.findByLabelText(/^Back up first/);
    expect((box as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Upgrade all' }));
    expect((await screen.findByTestId('upgrade-backup')).textContent).toBe(
      'Backed up first: snapshot abcdef01 (stop).',
    );
    fireEvent.click(box);
    fireEvent.click(screen.getByRole('button', { name: 'Upgrade all' }));
    await waitFor(() => expect(bodies).toEqual([{}, { backup: false }]));
  });

  it('a viewer sees the units and no buttons', async () => {
    serve('viewer');
    renderTab('shop', {}, <UpgradesCard id="shop" />);
    await screen.findByText('web.container');
    expect(screen.queryByRole('button', { name: /Upgrade/ })).toBeNull();
  });
});
