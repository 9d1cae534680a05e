/**
 * A compartment's backup policy, pure: when the server backs it up (`schedule`), how (`mode`), and which
 * snapshots `restic forget` keeps afterwards (`keep`). No I/O.
 *
 * Schedules, a small subset of systemd's calendar events, every time in UTC:
 *
 *   off                    never (the default)
 *   hourly                 every hour at minute 00; `hourly :MM` at minute MM
 *   daily HH:MM            every day at HH:MM
 *   weekly DAY HH:MM       every week, DAY one of mon tue wed thu fri sat sun
 *
 * Words are case-insensitive and spaces may repeat; the canonical form (what is stored and shown) is lower case
 * with single spaces and two-digit hours and minutes. Times are UTC, never the server's local time: a schedule
 * never runs twice or not at all on the night a clock changes for daylight saving time, and the same policy means
 * the same instants on every server. (The web UI shows the next run in the browser's local time as well.)
 */
import type { BackupMode } from '../service/backups.js';

export type BackupSchedule =
  | { kind: 'off' }
  | { kind: 'hourly'; minute: number }
  | { kind: 'daily'; hour: number; minute: number }
  /** day: 0 = Sunday … 6 = Saturday, as Date#getUTCDay. */
  | { kind: 'weekly'; day: number; hour: number; minute: number };

/** How many snapshots `restic forget` keeps: the newest `last`, and the newest of each of the last `daily` days… */
export interface BackupKeep {
  last: number;
  daily: number;
  weekly: number;
  monthly: number;
}

export interface BackupPolicy {
  /** Canonical (formatSchedule of parseSchedule). */
  schedule: string;
  mode: BackupMode;
  /** null: snapshots are never forgotten. */
  keep: BackupKeep | null;
}

/** A `restic check` of a compartment's repository: when, whether it found it sound, its last lines. */
export interface BackupCheck {
  at: string;
  ok: boolean;
  output: string;
}

/** How often a scheduled run also checks the repository (`restic check`): when the last check is this old. */
export const CHECK_EVERY_MS = 7 * 24 * 3600_000;

/** What a scheduled run did: the backup, then (with a retention) forget and prune, then, weekly, a check. */
export interface BackupRun {
  /** When it started and finished (ISO-8601 UTC). */
  at: string;
  finishedAt: string;
  result: 'ok' | 'failed';
  /** On a failure: which step failed (a failed prune comes after a snapshot that was saved). */
  stage?: 'backup' | 'prune' | 'check';
  error?: string;
  /** The snapshot saved. */
  snapshot?: string;
  /** The snapshots the retention removed and kept (absent: no retention, or it was not reached). */
  removed?: number;
  kept?: number;
  /** The repository was checked after the backup (absent: no check was due, or it was not reached). */
  checked?: boolean;
}

/** A policy as the store keeps it, with when its schedule was set and the last scheduled run. */
export interface StoredPolicy extends BackupPolicy {
  scheduleSince: string;
  updatedAt: string;
  lastRun: BackupRun | null;
}

/**
 * When the schedule runs next: the first instant it names after the later of the schedule's change and the end
 * of the last run. May be in the past (the server was down then): the scheduler runs it at once, once.
 */
export function nextRunOf(p: Pick<StoredPolicy, 'schedule' | 'scheduleSince' | 'lastRun'>): Date | null {
  const since = Date.parse(p.scheduleSince);
  const last = p.lastRun ? Date.parse(p.lastRun.finishedAt) : Number.NEGATIVE_INFINITY;
  return nextRunAfter(parseSchedule(p.schedule), new Date(Math.max(since, last)));
}

export const DEFAULT_POLICY: BackupPolicy = { schedule: 'off', mode: 'stop', keep: null };

/** The retention a repository brings: a week of days, a month of weeks, half a year of months. */
export const DEFAULT_KEEP: Readonly<BackupKeep> = { last: 0, daily: 7, weekly: 4, monthly: 6 };

/**
 * The policy a compartment gets when its first repository is made and it has none: daily, in stop mode, keeping
 * 7 daily, 4 weekly and 6 monthly snapshots. The time lies between 01:00 and 04:59 UTC, the same for a compartment
 * every time and spread over the compartments (from its id), so that their backups do not all start at once.
 */
export function defaultPolicyFor(id: string): BackupPolicy {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 9973;
  const minutes = 60 + (h % 240);
  return {
    schedule: formatSchedule({ kind: 'daily', hour: Math.floor(minutes / 60), minute: minutes % 60 }),
    mode: 'stop',
    keep: { ...DEFAULT_KEEP },
  };
}
export const KEEP_FIELDS = ['last', 'daily', 'weekly', 'monthly'] as const;
export const KEEP_MAX = 1000;

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export const SCHEDULE_SYNTAX = 'off, hourly, hourly :MM, daily HH:MM or weekly DAY HH:MM (UTC; DAY: mon … sun)';

export class ScheduleSyntaxError extends Error {
  override readonly name = 'ScheduleSyntaxError';
}

function clock(text: string): { hour: number; minute: number } {
  const m = /^([0-9]{1,2}):([0-9]{2})$/.exec(text);
  if (!m) throw new ScheduleSyntaxError(`"${text}" is not a time: write HH:MM (00:00 … 23:59, UTC)`);
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  if (hour > 23) throw new ScheduleSyntaxError(`hour ${hour} is out of range: 0 … 23`);
  if (minute > 59) throw new ScheduleSyntaxError(`minute ${minute} is out of range: 00 … 59`);
  return { hour, minute };
}

/** Parses a schedule (see the top of this file); throws ScheduleSyntaxError saying what is wrong. */
export function parseSchedule(text: string): BackupSchedule {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const [kind, ...rest] = words;
  const arity = (n: number, form: string) => {
    if (rest.length !== n) throw new ScheduleSyntaxError(`write ${form}`);
  };
  switch (kind) {
    case 'off':
      arity(0, '"off" alone');
      return { kind: 'off' };
    case 'hourly': {
      if (rest.length === 0) return { kind: 'hourly', minute: 0 };
      arity(1, '"hourly" or "hourly :MM"');
      const m = /^:([0-9]{2})$/.exec(rest[0]!);
      if (!m) throw new ScheduleSyntaxError(`"${rest[0]}" is not a minute past the hour: write :MM (:00 … :59)`);
      const minute = Number(m[1]);
      if (minute > 59) throw new ScheduleSyntaxError(`minute ${minute} is out of range: 00 … 59`);
      return { kind: 'hourly', minute };
    }
    case 'daily':
      arity(1, '"daily HH:MM"');
      return { kind: 'daily', ...clock(rest[0]!) };
    case 'weekly': {
      arity(2, '"weekly DAY HH:MM"');
      const day = DAYS.indexOf(rest[0] as (typeof DAYS)[number]);
      if (day < 0) throw new ScheduleSyntaxError(`"${rest[0]}" is not a day: mon, tue, wed, thu, fri, sat or sun`);
      return { kind: 'weekly', day, ...clock(rest[1]!) };
    }
    case undefined:
      throw new ScheduleSyntaxError(`empty: write ${SCHEDULE_SYNTAX}`);
    default:
      throw new ScheduleSyntaxError(`"${kind}" is not a schedule: write ${SCHEDULE_SYNTAX}`);
  }
}

const two = (n: number) => String(n).padStart(2, '0');

export function formatSchedule(s: BackupSchedule): string {
  switch (s.kind) {
    case 'off':
      return 'off';
    case 'hourly':
      return s.minute === 0 ? 'hourly' : `hourly :${two(s.minute)}`;
    case 'daily':
      return `daily ${two(s.hour)}:${two(s.minute)}`;
    case 'weekly':
      return `weekly ${DAYS[s.day]} ${two(s.hour)}:${two(s.minute)}`;
  }
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The first instant strictly after `after` that the schedule names (UTC, whole minutes); null for `off`.
 * Pure arithmetic on UTC milliseconds: no time zone, no daylight saving time.
 */
export function nextRunAfter(s: BackupSchedule, after: Date): Date | null {
  const t = after.getTime();
  if (!Number.isFinite(t)) throw new RangeError('nextRunAfter: not a date');
  switch (s.kind) {
    case 'off':
      return null;
    case 'hourly': {
      const hour = Math.floor(t / HOUR) * HOUR;
      const at = hour + s.minute * MINUTE;
      return new Date(at > t ? at : at + HOUR);
    }
    case 'daily': {
      const day = Math.floor(t / DAY) * DAY;
      const at = day + s.hour * HOUR + s.minute * MINUTE;
      return new Date(at > t ? at : at + DAY);
    }
    case 'weekly': {
      const day = Math.floor(t / DAY) * DAY;
      const ahead = (s.day - new Date(day).getUTCDay() + 7) % 7;
      const at = day + ahead * DAY + s.hour * HOUR + s.minute * MINUTE;
      return new Date(at > t ? at : at + 7 * DAY);
    }
  }
}

export interface PolicyIssue {
  /** `schedule`, `mode`, `keep` or `keep.last` … `keep.monthly`. */
  path: string;
  message: string;
}

/** A policy as a request gives it: any field may be missing (then `base`'s stays) or of the wrong type. */
export interface PolicyInput {
  schedule?: unknown;
  mode?: unknown;
  /** null: no retention; an object: its fields (missing ones 0). */
  keep?: unknown;
}

/**
 * `input` over `base`, checked: the policy, or every problem by field. keep: integers 0 … 1000, at least one
 * above 0 (keep everything: `keep: null`).
 */
export function checkPolicy(
  input: PolicyInput,
  base: BackupPolicy = DEFAULT_POLICY,
): { policy: BackupPolicy; issues?: never } | { issues: PolicyIssue[]; policy?: never } {
  const issues: PolicyIssue[] = [];
  let schedule = base.schedule;
  if (input.schedule !== undefined) {
    if (typeof input.schedule !== 'string') issues.push({ path: 'schedule', message: 'must be text' });
    else {
      try {
        schedule = formatSchedule(parseSchedule(input.schedule));
      } catch (e) {
        if (!(e instanceof ScheduleSyntaxError)) throw e;
        issues.push({ path: 'schedule', message: e.message });
      }
    }
  }
  let mode = base.mode;
  if (input.mode !== undefined) {
    if (input.mode === 'stop' || input.mode === 'live' || input.mode === 'hook') mode = input.mode;
    else issues.push({ path: 'mode', message: 'must be "stop", "live" or "hook"' });
  }
  let keep = base.keep;
  if (input.keep === null) keep = null;
  else if (input.keep !== undefined) {
    if (typeof input.keep !== 'object' || Array.isArray(input.keep)) {
      issues.push({ path: 'keep', message: 'must be an object {last, daily, weekly, monthly} or null' });
    } else {
      const given = input.keep as Record<string, unknown>;
      const next: BackupKeep = { last: 0, daily: 0, weekly: 0, monthly: 0 };
      let fieldIssue = false;
      for (const k of Object.keys(given)) {
        if (!(KEEP_FIELDS as readonly string[]).includes(k)) {
          issues.push({ path: `keep.${k}`, message: 'is not a retention field (last, daily, weekly, monthly)' });
          fieldIssue = true;
        }
      }
      for (const k of KEEP_FIELDS) {
        const v = given[k];
        if (v === undefined) continue;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > KEEP_MAX) {
          issues.push({ path: `keep.${k}`, message: `must be a whole number from 0 to ${KEEP_MAX}` });
          fieldIssue = true;
        } else next[k] = v;
      }
      if (!fieldIssue && KEEP_FIELDS.every((k) => next[k] === 0)) {
        issues.push({
          path: 'keep',
          message: 'keeps nothing: set at least one of last, daily, weekly, monthly above 0 (or no retention)',
        });
      }
      keep = next;
    }
  }
  return issues.length > 0 ? { issues } : { policy: { schedule, mode, keep } };
}
