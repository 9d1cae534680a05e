// Backup schedules and policies: the grammar (canonical forms, every refusal saying what is wrong), the next run
// after an instant (UTC arithmetic: the same answer whatever the process's time zone, no daylight saving time), and
// a policy's checks by field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkPolicy,
  DEFAULT_POLICY,
  defaultPolicyFor,
  formatSchedule,
  nextRunAfter,
  parseSchedule,
} from './policy.js';

const next = (schedule: string, after: string) => nextRunAfter(parseSchedule(schedule), new Date(after))?.toISOString();

describe('parseSchedule', () => {
  it.each([
    ['off', 'off'],
    ['  OFF ', 'off'],
    ['hourly', 'hourly'],
    ['hourly :00', 'hourly'],
    ['hourly :05', 'hourly :05'],
    ['daily 3:00', 'daily 03:00'],
    ['Daily   23:59', 'daily 23:59'],
    ['weekly Mon 04:30', 'weekly mon 04:30'],
    ['weekly sun 0:00', 'weekly sun 00:00'],
  ])('%j is %j', (text, canonical) => {
    expect(formatSchedule(parseSchedule(text))).toBe(canonical);
  });

  it.each([
    ['', /empty/],
    ['nightly', /"nightly" is not a schedule/],
    ['off now', /"off" alone/],
    ['daily', /daily HH:MM/],
    ['daily 24:00', /hour 24 is out of range/],
    ['daily 12:60', /minute 60 is out of range/],
    ['daily 12', /"12" is not a time/],
    ['daily 12:5', /"12:5" is not a time/],
    ['hourly 5', /not a minute past the hour/],
    ['hourly :75', /minute 75/],
    ['weekly 04:30', /weekly DAY HH:MM/],
    ['weekly monday 04:30', /"monday" is not a day/],
    ['weekly mon 04:30 utc', /weekly DAY HH:MM/],
  ])('refuses %j', (text, message) => {
    expect(() => parseSchedule(text)).toThrow(message);
  });

  it('formats what it parses back to the same schedule', () => {
    const schedule = fc.oneof(
      fc.constant({ kind: 'off' as const }),
      fc.record({ kind: fc.constant('hourly' as const), minute: fc.integer({ min: 0, max: 59 }) }),
      fc.record({
        kind: fc.constant('daily' as const),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
      }),
      fc.record({
        kind: fc.constant('weekly' as const),
        day: fc.integer({ min: 0, max: 6 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
      }),
    );
    fc.assert(
      fc.property(schedule, (s) => {
        expect(parseSchedule(formatSchedule(s))).toEqual(s);
      }),
    );
  });
});

describe('nextRunAfter (UTC)', () => {
  it('off never runs', () => {
    expect(nextRunAfter(parseSchedule('off'), new Date())).toBeNull();
  });

  it('hourly: the next minute MM, strictly after', () => {
    expect(next('hourly', '2026-03-29T00:59:59.999Z')).toBe('2026-03-29T01:00:00.000Z');
    expect(next('hourly', '2026-03-29T01:00:00.000Z')).toBe('2026-03-29T02:00:00.000Z');
    expect(next('hourly :15', '2026-03-29T01:14:00.000Z')).toBe('2026-03-29T01:15:00.000Z');
    expect(next('hourly :15', '2026-03-29T01:15:00.000Z')).toBe('2026-03-29T02:15:00.000Z');
    expect(next('hourly :15', '2026-12-31T23:20:00.000Z')).toBe('2027-01-01T00:15:00.000Z');
  });

  it('daily: today if still ahead, else tomorrow', () => {
    expect(next('daily 03:00', '2026-12-01T02:59:00.000Z')).toBe('2026-12-01T03:00:00.000Z');
    expect(next('daily 03:00', '2026-12-01T03:00:00.000Z')).toBe('2026-12-02T03:00:00.000Z');
    expect(next('daily 03:00', '2026-12-31T12:00:00.000Z')).toBe('2027-01-01T03:00:00.000Z');
    expect(next('daily 00:00', '2028-02-28T00:00:00.000Z')).toBe('2028-02-29T00:00:00.000Z');
  });

  it('weekly: the next such weekday', () => {
    // 2026-12-02 is a Wednesday
    expect(next('weekly wed 04:30', '2026-12-02T04:29:00.000Z')).toBe('2026-12-02T04:30:00.000Z');
    expect(next('weekly wed 04:30', '2026-12-02T04:30:00.000Z')).toBe('2026-12-09T04:30:00.000Z');
    expect(next('weekly mon 04:30', '2026-12-02T10:00:00.000Z')).toBe('2026-12-07T04:30:00.000Z');
    expect(next('weekly sun 23:00', '2026-12-05T23:30:00.000Z')).toBe('2026-12-06T23:00:00.000Z');
  });

  it('ignores daylight saving time: the EU change nights are ordinary 24-hour days in UTC', () => {
    // Europe/Helsinki moves its clocks on 2026-03-29 01:00 UTC and 2026-10-25 01:00 UTC
    expect(next('daily 01:30', '2026-03-29T00:00:00.000Z')).toBe('2026-03-29T01:30:00.000Z');
    expect(next('daily 01:30', '2026-03-29T01:30:00.000Z')).toBe('2026-03-30T01:30:00.000Z');
    expect(next('daily 00:30', '2026-10-25T00:30:00.000Z')).toBe('2026-10-26T00:30:00.000Z');
    expect(next('hourly', '2026-10-25T00:00:00.000Z')).toBe('2026-10-25T01:00:00.000Z');
  });

  it('is always after, at most a period after, on a whole minute, and on the schedule', () => {
    const spec = fc.oneof(
      fc.integer({ min: 0, max: 59 }).map((m) => `hourly :${String(m).padStart(2, '0')}`),
      fc
        .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([h, m]) => `daily ${h}:${String(m).padStart(2, '0')}`),
      fc
        .tuple(fc.constantFrom('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'), fc.integer({ min: 0, max: 23 }))
        .map(([d, h]) => `weekly ${d} ${h}:07`),
    );
    const when = fc.integer({ min: Date.parse('2000-01-01'), max: Date.parse('2100-01-01') });
    fc.assert(
      fc.property(spec, when, (text, t) => {
        const s = parseSchedule(text);
        const n = nextRunAfter(s, new Date(t))!;
        const period = s.kind === 'hourly' ? 3_600_000 : s.kind === 'daily' ? 86_400_000 : 7 * 86_400_000;
        expect(n.getTime()).toBeGreaterThan(t);
        expect(n.getTime() - t).toBeLessThanOrEqual(period);
        expect(n.getTime() % 60_000).toBe(0);
        if (s.kind !== 'off') expect(n.getUTCMinutes()).toBe(s.minute);
        if (s.kind === 'daily' || s.kind === 'weekly') expect(n.getUTCHours()).toBe(s.hour);
        if (s.kind === 'weekly') expect(n.getUTCDay()).toBe(s.day);
      }),
    );
  });
});

describe('checkPolicy', () => {
  it('defaults to off, stop, no retention; fields not given keep the base', () => {
    expect(checkPolicy({})).toEqual({ policy: DEFAULT_POLICY });
    const base = { schedule: 'daily 03:00', mode: 'live' as const, keep: { last: 3, daily: 7, weekly: 0, monthly: 0 } };
    expect(checkPolicy({ schedule: 'weekly SAT 1:00' }, base)).toEqual({
      policy: { ...base, schedule: 'weekly sat 01:00' },
    });
    expect(checkPolicy({ keep: null }, base)).toEqual({ policy: { ...base, keep: null } });
    expect(checkPolicy({ keep: { daily: 14 } }, base)).toEqual({
      policy: { ...base, keep: { last: 0, daily: 14, weekly: 0, monthly: 0 } },
    });
  });

  it('names every problem by field', () => {
    const r = checkPolicy({
      schedule: 'daily 25:00',
      mode: 'paused',
      keep: { last: -1, daily: 1.5, weekly: 1001, monthly: '3', yearly: 1 },
    });
    expect(r.issues?.map((i) => i.path)).toEqual([
      'schedule',
      'mode',
      'keep.yearly',
      'keep.last',
      'keep.daily',
      'keep.weekly',
      'keep.monthly',
    ]);
    expect(r.issues?.[0]?.message).toMatch(/hour 25/);
  });

  it('refuses a retention that keeps nothing, and a keep that is not an object', () => {
    expect(checkPolicy({ keep: { last: 0, daily: 0 } }).issues).toEqual([
      { path: 'keep', message: expect.stringMatching(/at least one/) },
    ]);
    expect(checkPolicy({ keep: [1] }).issues?.[0]?.path).toBe('keep');
    expect(checkPolicy({ schedule: 3 }).issues?.[0]).toEqual({ path: 'schedule', message: 'must be text' });
  });

  it('takes 0 … 1000', () => {
    expect(checkPolicy({ keep: { last: 1000, monthly: 0 } }).policy?.keep).toEqual({
      last: 1000,
      daily: 0,
      weekly: 0,
      monthly: 0,
    });
  });
});

describe('defaultPolicyFor', () => {
  it('is daily between 01:00 and 04:59 UTC, the same for an id every time, spread over ids, and a valid policy', () => {
    const times = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = `app${i}`;
      const p = defaultPolicyFor(id);
      expect(p).toEqual(defaultPolicyFor(id));
      const s = parseSchedule(p.schedule);
      expect(s.kind).toBe('daily');
      if (s.kind === 'daily') expect(s.hour * 60 + s.minute).toBeGreaterThanOrEqual(60);
      if (s.kind === 'daily') expect(s.hour * 60 + s.minute).toBeLessThan(300);
      expect(checkPolicy(p).issues).toBeUndefined();
      times.add(p.schedule);
    }
    // 200 ids over 240 minutes: most get a time of their own
    expect(times.size).toBeGreaterThan(100);
  });
});
