import { describe, expect, it } from 'vitest';
import type { ImageCheckRecord } from '../images/update-check.js';
import { UpdateScheduler } from './update-scheduler.js';

const H = 3_600_000;

function setup(ids: string[], options: { random?: () => number } = {}) {
  let clock = Date.parse('2026-12-01T00:00:00Z');
  const rows = new Map<string, ImageCheckRecord[]>();
  const calls: string[] = [];
  const failing = new Set<string>();
  const updates = {
    list: (id: string) => rows.get(id) ?? [],
    check: async (id: string) => {
      calls.push(id);
      if (failing.has(id)) throw new Error('registry unreachable');
      const r: ImageCheckRecord[] = [
        {
          image: `registry.example.org/${id}:1`,
          units: ['web.container'],
          checkedAt: new Date(clock).toISOString(),
          status: 'up-to-date',
          remoteDigest: null,
          localDigests: [],
          reason: null,
        },
      ];
      rows.set(id, r);
      return r;
    },
  };
  const log: string[] = [];
  const s = new UpdateScheduler(() => ids, updates, {
    intervalMs: 6 * H,
    now: () => new Date(clock),
    random: options.random ?? (() => 0.5),
    log: (m) => log.push(m),
  });
  return { s, calls, rows, failing, log, advance: (ms: number) => (clock += ms) };
}

describe('UpdateScheduler', () => {
  it('checks a never-checked compartment at once, then again once the interval has passed', async () => {
    const t = setup(['a', 'b']);
    expect(await t.s.runDue()).toEqual(['a', 'b']);
    t.advance(5 * H);
    expect(await t.s.runDue()).toEqual([]);
    t.advance(H);
    expect(await t.s.runDue()).toEqual(['a', 'b']);
    expect(t.calls).toEqual(['a', 'b', 'a', 'b']);
  });

  it('jitters the next check by up to ±10 % of the interval', async () => {
    const early = setup(['a'], { random: () => 0 });
    await early.s.runDue();
    early.advance(5.4 * H);
    expect(await early.s.runDue()).toEqual(['a']);
    const late = setup(['a'], { random: () => 0.999 });
    await late.s.runDue();
    late.advance(6.5 * H);
    expect(await late.s.runDue()).toEqual([]);
    late.advance(0.1 * H);
    expect(await late.s.runDue()).toEqual(['a']);
  });

  it('takes a stored check into account after a restart', async () => {
    const t = setup(['a']);
    await t.s.runDue();
    const again = new UpdateScheduler(
      () => ['a'],
      { list: (id) => t.rows.get(id) ?? [], check: async () => [] },
      {
        intervalMs: 6 * H,
        now: () => new Date(Date.parse('2026-12-01T01:00:00Z')),
        random: () => 0.5,
      },
    );
    expect(await again.runDue()).toEqual([]);
  });

  it('logs a failed check and goes on with the others; the failed one waits for the next interval', async () => {
    const t = setup(['a', 'b']);
    t.failing.add('a');
    expect(await t.s.runDue()).toEqual(['a', 'b']);
    expect(t.log).toEqual(['update check of a failed: registry unreachable']);
    t.advance(H);
    expect(await t.s.runDue()).toEqual([]);
  });
});
