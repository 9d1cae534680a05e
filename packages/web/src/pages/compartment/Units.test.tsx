/**
 * The Units tab names where each unit comes from: a Quadlet unit's service its source file, a plain systemd
 * unit (a timer, a socket, a service, a target, which is its own file) its kind.
 */
import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderTab } from '../../test-support/compartment-tab';
import { fakeApi } from '../../test-support/fake-api';
import { UnitsTab } from './Units';

const json = (status: number, b: unknown) =>
  new Response(JSON.stringify(b), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => vi.unstubAllGlobals());

/** The compartment blog with these units (GET /api/compartments/blog). */
function serveUnits(units: unknown[]) {
  fakeApi((c) =>
    c.path === '/api/compartments/blog'
      ? [
          200,
          {
            id: 'blog',
            description: '',
            podmanVersion: null,
            createdAt: '2026-01-01T00:00:00Z',
            updatedAt: '2026-01-01T00:00:00Z',
            units,
            history: [],
          },
        ]
      : undefined,
  );
}

describe('the units tab', () => {
  it("shows a Quadlet unit's source and a systemd unit's kind", async () => {
    const units = [
      ['backup.service', 'backup.service'],
      ['backup.timer', 'backup.timer'],
      ['stack.target', 'stack.target'],
      ['web.service', 'web.container'],
      ['web.socket', 'web.socket'],
    ].map(([unit, source]) => ({ unit, source }));
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        const path = url.split('?')[0]!;
        if (path === '/api/auth/session')
          return json(200, { username: 'op', kind: 'session', grants: [{ compartment: '*', role: 'operator' }] });
        if (path === '/api/compartments/blog')
          return json(200, {
            id: 'blog',
            description: '',
            podmanVersion: null,
            createdAt: '2026-01-01T00:00:00Z',
            updatedAt: '2026-01-01T00:00:00Z',
            units,
            history: [],
          });
        return json(404, { error: { code: 'not_found', message: `Route GET:${path} not found` } });
      }),
    );
    renderTab('blog', {}, <UnitsTab id="blog" />);
    await screen.findByText('web.socket');
    expect(screen.getAllByTestId('unit-kind').map((e) => e.textContent)).toEqual([
      'systemd service',
      'systemd timer',
      'systemd target',
      'from web.container',
      'systemd socket',
    ]);
  });

  it("shows each state as the CLI prints it: the word, then systemd's pair", async () => {
    const st = (activeState: string, subState: string) => ({ unit: 'x', activeState, subState, result: 'success' });
    const units = [
      { unit: 'web.service', source: 'web.container', status: st('active', 'running') },
      { unit: 'net-network.service', source: 'net.network', status: st('active', 'exited') },
      { unit: 'db.service', source: 'db.container', status: { ...st('failed', 'failed'), result: 'exit-code' } },
      { unit: 'job.service', source: 'job.container', status: st('activating', 'auto-restart') },
      { unit: 'new.service', source: 'new.container' },
    ];
    serveUnits(units);
    renderTab('blog', {}, <UnitsTab id="blog" />);
    await screen.findByText('new.service');
    const badge = (unit: string) =>
      document.querySelector(`[data-unit="${unit}"] [data-testid="unit-state"]`)?.textContent;
    expect(units.map((u) => badge(u.unit))).toEqual([
      'running (active/running)',
      'done (active/exited)',
      'failed (failed/failed)',
      'restarting (activating/auto-restart)',
      'unknown',
    ]);
    expect(screen.getByText(/Last failure: exit-code/)).toBeTruthy();
  });

  it("a failed unit shows its own reason: systemd's summary and the journal lines that say why, one a line", async () => {
    const failure =
      "web.service: failed (exit-code, status 1) | httpd: unrecognized option '--bogus' | BusyBox v1.37.0 multi-call binary.";
    serveUnits([
      {
        unit: 'web.service',
        source: 'web.container',
        status: { unit: 'web.service', activeState: 'failed', subState: 'failed', result: 'exit-code' },
        failure,
      },
    ]);
    renderTab('blog', {}, <UnitsTab id="blog" />);
    const lines = await screen.findByTestId('unit-failure');
    expect(lines.textContent).toBe(failure.split(' | ').join('\n'));
    expect(screen.queryByText(/Last failure: exit-code/)).toBeNull();
    expect(screen.getByRole('link', { name: /web\.service/ }).getAttribute('href')).toBe(
      '/c/blog/logs?unit=web.service',
    );
  });
});
