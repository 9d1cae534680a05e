/**
 * The Stats tab against a faked server: a row per running container with its CPU, memory (used / limit) and
 * PIDs; the samples taken every few seconds drawn as lines whose accessible names give min, max and now; memory
 * and pids the host does not give said in words (never 0); no container running: say so and link the Units tab.
 */
import { act, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Stats } from '../../api/types';
import { renderTab } from '../../test-support/compartment-tab';
import { fakeApi } from '../../test-support/fake-api';
import { addSample, Sparkline, StatsTab } from './Stats';

const MiB = 1024 * 1024;
const container = (name: string, cpuPercent: number, memoryBytes: number | null, pids: number | null) => ({
  name,
  id: `${name}-id`,
  cpuPercent,
  cpuNanos: 0,
  memoryBytes,
  memoryLimitBytes: memoryBytes === null ? null : 512 * MiB,
  memoryPercent: memoryBytes === null ? null : (memoryBytes / (512 * MiB)) * 100,
  pids,
});
const sample = (n: number, containers: Stats['containers'], memoryAvailable = true): Stats => ({
  compartment: 'shop',
  at: `2026-12-04T08:00:${String(n).padStart(2, '0')}.000Z`,
  memoryAvailable,
  containers,
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Answers the samples in turn (the last one again once they run out). */
function serve(samples: Stats[]) {
  let i = 0;
  return fakeApi((c) =>
    c.path === '/api/compartments/shop/stats' ? [200, samples[Math.min(i++, samples.length - 1)]] : undefined,
  );
}

describe('Stats tab', () => {
  it('shows a row per container, and draws the samples as they come', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const calls = serve([
      sample(0, [container('shop-db', 1.5, 100 * MiB, 7), container('shop-web', 12.25, 40 * MiB, 3)]),
      sample(5, [container('shop-db', 4, 120 * MiB, 8), container('shop-web', 2, 42 * MiB, 3)]),
      sample(10, [container('shop-db', 3, 110 * MiB, 8), container('shop-web', 0.5, 41 * MiB, 3)]),
    ]);
    renderTab('shop', {}, <StatsTab id="shop" />);
    const table = await screen.findByRole('table');
    const headers = within(table)
      .getAllByRole('columnheader')
      .map((h) => h.textContent);
    expect(headers).toEqual(['Container', 'CPU', 'Memory (used / limit)', 'PIDs']);
    const web = within(table).getByRole('row', { name: /shop-web/ });
    expect(web.textContent).toContain('12.3 %');
    expect(web.textContent).toContain('40.0\u00a0MiB / 512.0\u00a0MiB');
    expect(within(web).getAllByRole('cell').at(-1)!.textContent).toBe('3');

    // two more samples, one every 5 s
    await act(() => vi.advanceTimersByTimeAsync(5_000));
    await act(() => vi.advanceTimersByTimeAsync(5_000));
    await screen.findByRole('img', {
      name: 'CPU of shop-db, last 3 samples: min 1.5 %, max 4.0 %, now 3.0 %',
    });
    expect(
      screen.getByRole('img', {
        name: 'Memory of shop-db, last 3 samples: min 100.0 MiB, max 120.0 MiB, now 110.0 MiB',
      }),
    ).toBeTruthy();
    expect(screen.getByRole('img', { name: /^CPU of shop-web, last 3 samples: min 0.5 %, max 12.3 %/ })).toBeTruthy();
    expect(calls.filter((c) => c.path === '/api/compartments/shop/stats').length).toBeGreaterThanOrEqual(3);
  });

  it('says memory and pids are not available where the host does not give them, never 0', async () => {
    serve([sample(0, [container('shop-web', 0.8, null, null)], false)]);
    renderTab('shop', {}, <StatsTab id="shop" />);
    const row = await screen.findByRole('row', { name: /shop-web/ });
    const cells = within(row).getAllByRole('cell');
    expect(cells[1]!.textContent).toBe('not available here');
    expect(cells[2]!.textContent).toBe('not available here');
    expect(row.textContent).not.toMatch(/\b0 B\b/);
    // only the CPU line: there is no memory series to draw
    expect(
      within(row)
        .getAllByRole('img')
        .map((i) => i.getAttribute('aria-label')),
    ).toEqual(['CPU of shop-web, last 1 samples: min 0.8 %, max 0.8 %, now 0.8 %']);
    expect(screen.getByText(/the host does not give this compartment's user that cgroup controller/)).toBeTruthy();
  });

  it('says when no container is running, and links the Units tab', async () => {
    serve([sample(0, [])]);
    renderTab('shop', {}, <StatsTab id="shop" />);
    expect(await screen.findByText('No container is running.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Start units on the Units tab' }).getAttribute('href')).toBe('/c/shop');
    expect(screen.queryByRole('table')).toBeNull();
  });
});

describe('addSample', () => {
  it('keeps the last samples of each running container, forgets a stopped one, adds a sample once', () => {
    let h = addSample({}, sample(0, [container('a', 1, 1, 1), container('b', 2, 2, 2)]), 3);
    h = addSample(h, sample(0, [container('a', 1, 1, 1), container('b', 2, 2, 2)]), 3);
    expect(h.a).toHaveLength(1);
    for (const n of [1, 2, 3]) h = addSample(h, sample(n, [container('a', n * 10, null, 1)]), 3);
    expect(h.b).toBeUndefined();
    expect(h.a!.map((s) => [s.cpu, s.memory])).toEqual([
      [10, null],
      [20, null],
      [30, null],
    ]);
  });
});

describe('Sparkline', () => {
  it('draws from 0 at the bottom to the highest value at the top', () => {
    renderTab('x', {}, <Sparkline values={[0, 5, 10]} label="line" width={24} height={14} />);
    const line = screen.getByRole('img', { name: 'line' }).querySelector('polyline')!;
    expect(line.getAttribute('points')).toBe('2.0,12.0 12.0,7.0 22.0,2.0');
  });
});
