// The backup scheduler with a fake clock and fake timers: due compartments run one at a time at their schedule's
// times, a missed run runs once on start, a compartment being applied waits for the next tick, a failure is
// notified (backup-failed) and its next try is the schedule's next time, stop waits for a run under way.
import { describe, expect, it } from 'vitest';
import { type BackupRun, nextRunOf, type StoredPolicy } from '../backups/policy.js';
import type { NotifyEventInput } from '../notify/event.js';
import { BackupScheduler, type SchedulerTimers } from './backup-scheduler.js';
import type { PolicyView } from './backups.js';

const MIN = 60_000;

function setup(policies: Record<string, string>) {
  let clock = Date.parse('2026-12-01T00:00:00Z');
  const stored = new Map<string, StoredPolicy>(
    Object.entries(policies).map(([id, schedule]) => [
      id,
      {
        schedule,
        mode: 'stop',
        keep: null,
        scheduleSince: '2026-12-01T00:00:00.000Z',
        updatedAt: '2026-12-01T00:00:00.000Z',
        lastRun: null,
      },
    ]),
  );
  const calls: string[] = [];
  const failing = new Map<string, 'backup' | 'prune' | 'check'>();
  const busy = new Set<string>();
  let active = 0;
  let maxActive = 0;
  let gate: Promise<void> | undefined;
  const backups = {
    policy: (id: string): PolicyView => {
      const p = stored.get(id);
      if (!p) throw new Error(`no compartment ${id}`);
      return {
        compartment: id as PolicyView['compartment'],
        policy: { schedule: p.schedule, mode: p.mode, keep: p.keep },
        nextRun: nextRunOf(p)?.toISOString() ?? null,
        lastRun: p.lastRun,
        lastCheck: null,
      };
    },
    runScheduled: async (id: string): Promise<BackupRun | 'busy'> => {
      if (busy.has(id)) return 'busy';
      calls.push(`${id}@${new Date(clock).toISOString().slice(11, 16)}`);
      active++;
      maxActive = Math.max(maxActive, active);
      const at = new Date(clock).toISOString();
      await gate;
      clock += 5 * MIN; // a backup takes five minutes
      active--;
      const stage = failing.get(id);
      const run: BackupRun = stage
        ? { at, finishedAt: new Date(clock).toISOString(), result: 'failed', stage, error: 'restic died' }
        : { at, finishedAt: new Date(clock).toISOString(), result: 'ok', snapshot: 'abcdef0123' };
      if (stage === 'prune' || stage === 'check') run.snapshot = 'abcdef0123';
      stored.set(id, { ...stored.get(id)!, lastRun: run });
      return run;
    },
  };
  const ticks: (() => void)[] = [];
  let cleared = 0;
  const timers: SchedulerTimers = {
    setInterval: (fn, ms) => {
      expect(ms).toBe(MIN);
      ticks.push(fn);
      return ticks.length;
    },
    clearInterval: () => {
      cleared++;
    },
  };
  const events: NotifyEventInput[] = [];
  const log: string[] = [];
  const afterRun: string[] = [];
  const s = new BackupScheduler(() => [...stored.keys()], backups, {
    now: () => new Date(clock),
    timers,
    log: (m) => log.push(m),
    notify: (e) => events.push(e),
    afterRun: (id, run) => afterRun.push(`${id}:${run.result}`),
  });
  return {
    s,
    calls,
    failing,
    busy,
    events,
    log,
    afterRun,
    ticks,
    stored,
    cleared: () => cleared,
    maxActive: () => maxActive,
    hold: () => {
      let open!: () => void;
      gate = new Promise((r) => {
        open = r;
      });
      return () => {
        gate = undefined;
        open();
      };
    },
    at: (iso: string) => {
      clock = Date.parse(iso);
    },
  };
}

describe('BackupScheduler', () => {
  it("runs nothing before a schedule's first time, then each due compartment once, one at a time", async () => {
    const t = setup({ a: 'daily 03:00', b: 'daily 03:00', c: 'hourly', d: 'off' });
    t.at('2026-12-01T00:30:00Z');
    expect(await t.s.runDue()).toEqual([]);
    t.at('2026-12-01T01:00:00Z');
    expect(await t.s.runDue()).toEqual([{ id: 'c', outcome: 'ok' }]);
    expect(await t.s.runDue()).toEqual([]); // c's next is 02:00
    t.at('2026-12-01T03:00:00Z');
    expect(await t.s.runDue()).toEqual([
      { id: 'a', outcome: 'ok' },
      { id: 'b', outcome: 'ok' },
      { id: 'c', outcome: 'ok' },
    ]);
    // one after another: b started when a had finished
    expect(t.calls).toEqual(['c@01:00', 'a@03:00', 'b@03:05', 'c@03:10']);
    expect(t.maxActive()).toBe(1);
    t.at('2026-12-02T02:59:00Z');
    expect((await t.s.runDue()).map((o) => o.id)).toEqual(['c']); // a missed hourly run: once, not 23 times
    t.at('2026-12-02T03:00:00Z');
    expect((await t.s.runDue()).map((o) => o.id)).toEqual(['a', 'b']);
    expect(t.afterRun).toHaveLength(7);
  });

  it('runs a missed run once after a downtime', async () => {
    const t = setup({ a: 'weekly tue 04:00' });
    t.at('2026-12-20T12:00:00Z'); // two Tuesdays missed
    expect(await t.s.runDue()).toEqual([{ id: 'a', outcome: 'ok' }]);
    expect(await t.s.runDue()).toEqual([]);
    expect(t.stored.get('a')!.lastRun?.finishedAt).toBe('2026-12-20T12:05:00.000Z');
  });

  it('leaves a compartment being applied for the next tick, and records nothing for it', async () => {
    const t = setup({ a: 'hourly', b: 'hourly' });
    t.at('2026-12-01T01:00:00Z');
    t.busy.add('a');
    expect(await t.s.runDue()).toEqual([
      { id: 'a', outcome: 'busy' },
      { id: 'b', outcome: 'ok' },
    ]);
    expect(t.log).toEqual(['scheduled backup of a waits: an apply of it is running']);
    t.busy.delete('a');
    expect(await t.s.runDue()).toEqual([{ id: 'a', outcome: 'ok' }]);
    expect(t.afterRun).toEqual(['b:ok', 'a:ok']);
  });

  it('notifies a failed backup, prune and check, and tries again at the next scheduled time only', async () => {
    const t = setup({ a: 'daily 03:00', b: 'daily 03:00', c: 'daily 03:00' });
    t.failing.set('a', 'backup');
    t.failing.set('b', 'prune');
    t.failing.set('c', 'check');
    t.at('2026-12-01T03:00:00Z');
    expect(await t.s.runDue()).toEqual([
      { id: 'a', outcome: 'failed' },
      { id: 'b', outcome: 'failed' },
      { id: 'c', outcome: 'failed' },
    ]);
    expect(t.events).toEqual([
      expect.objectContaining({
        kind: 'backup-failed',
        compartment: 'a',
        title: 'a: scheduled backup failed',
        message: expect.stringContaining('restic died'),
        details: expect.objectContaining({ stage: 'backup', error: 'restic died' }),
      }),
      expect.objectContaining({
        kind: 'backup-failed',
        compartment: 'b',
        title: 'b: pruning old backups failed',
        details: expect.objectContaining({ stage: 'prune', snapshot: 'abcdef0123' }),
      }),
      expect.objectContaining({
        compartment: 'c',
        title: 'c: the backup repository check failed',
        message: expect.stringContaining('the repository check (restic check) after snapshot abcdef01 failed'),
        details: expect.objectContaining({ stage: 'check' }),
      }),
    ]);
    t.at('2026-12-01T04:00:00Z');
    expect(await t.s.runDue()).toEqual([]);
    t.at('2026-12-02T03:00:00Z');
    expect(await t.s.runDue()).toHaveLength(3);
  });

  it('skips a compartment whose policy cannot be read, and goes on', async () => {
    const t = setup({ b: 'hourly' });
    const s = new BackupScheduler(
      () => ['gone', 'b'],
      {
        policy: (id) => {
          if (id === 'gone') throw new Error("compartment 'gone' does not exist");
          return {
            compartment: id as never,
            policy: { schedule: 'hourly', mode: 'stop', keep: null },
            nextRun: '2026-01-01T00:00:00.000Z',
            lastRun: null,
            lastCheck: null,
          };
        },
        runScheduled: async () => ({ at: 'x', finishedAt: 'y', result: 'ok' }),
      },
      { log: (m) => t.log.push(m) },
    );
    expect(await s.runDue()).toEqual([{ id: 'b', outcome: 'ok' }]);
    expect(t.log[0]).toMatch(/gone/);
  });

  it('ticks on its timer without overlapping runs; stop clears it and waits for the run under way', async () => {
    const t = setup({ a: 'hourly' });
    t.at('2026-12-01T01:00:00Z');
    const open = t.hold();
    t.s.start();
    t.s.start(); // once
    expect(t.ticks).toHaveLength(1);
    expect(t.calls).toEqual(['a@01:00']);
    t.ticks[0]!(); // a tick while the run is under way starts nothing
    expect(t.calls).toEqual(['a@01:00']);
    let stopped = false;
    const stopping = t.s.stop().then(() => {
      stopped = true;
    });
    await Promise.resolve();
    expect(stopped).toBe(false);
    open();
    await stopping;
    expect(t.cleared()).toBe(1);
    expect(t.afterRun).toEqual(['a:ok']);
  });
});
