// The compartment's systemd user manager. Changes on the machine: reloads the manager (which runs the
// Quadlet generator), starts, stops, restarts, enables and disables user units — all through
// `systemctl --user` as the compartment user (session.ts decides how). Reads unit state and the journal.

import type { UnitName } from '../core/ids.js';
import type { Exec } from './exec.js';
import { asUser, type CompartmentSession, userSystemctl } from './session.js';

export type ActiveState =
  | 'active'
  | 'reloading'
  | 'inactive'
  | 'failed'
  | 'activating'
  | 'deactivating'
  | 'maintenance'
  | 'refreshing'
  | 'unknown';
export type LoadState = 'loaded' | 'not-found' | 'bad-setting' | 'error' | 'masked' | 'stub' | 'merged' | 'unknown';
export type UnitResult =
  | 'success'
  | 'protocol'
  | 'timeout'
  | 'exit-code'
  | 'signal'
  | 'core-dump'
  | 'watchdog'
  | 'start-limit-hit'
  | 'resources'
  | 'oom-kill'
  | 'exec-condition'
  | 'unknown';

export interface UnitState {
  unit: UnitName;
  loadState: LoadState;
  activeState: ActiveState;
  /** e.g. running, exited, dead, failed, start-pre, auto-restart (unit-type specific). */
  subState: string;
  result: UnitResult;
  /** Exit status of the main process (0 when it never ran). */
  execMainStatus: number;
  execMainCode: number;
  mainPid: number;
  nRestarts: number;
  activeEnterTimestamp: Date | undefined;
  inactiveEnterTimestamp: Date | undefined;
  stateChangeTimestamp: Date | undefined;
  unitFileState: string;
  fragmentPath: string;
  sourcePath: string;
  description: string;
}

export const SHOW_PROPERTIES = [
  'Id',
  'LoadState',
  'ActiveState',
  'SubState',
  'Result',
  'ExecMainStatus',
  'ExecMainCode',
  'MainPID',
  'NRestarts',
  'ActiveEnterTimestamp',
  'InactiveEnterTimestamp',
  'StateChangeTimestamp',
  'UnitFileState',
  'FragmentPath',
  'SourcePath',
  'Description',
] as const;

const ACTIVE: readonly ActiveState[] = [
  'active',
  'reloading',
  'inactive',
  'failed',
  'activating',
  'deactivating',
  'maintenance',
  'refreshing',
];
const LOAD: readonly LoadState[] = ['loaded', 'not-found', 'bad-setting', 'error', 'masked', 'stub', 'merged'];
const RESULT: readonly UnitResult[] = [
  'success',
  'protocol',
  'timeout',
  'exit-code',
  'signal',
  'core-dump',
  'watchdog',
  'start-limit-hit',
  'resources',
  'oom-kill',
  'exec-condition',
];

const oneOf = <T extends string>(v: string | undefined, all: readonly T[]): T | 'unknown' =>
  (all as readonly string[]).includes(v ?? '') ? (v as T) : 'unknown';

/**
 * systemctl's timestamps to a Date. We ask for `--timestamp=us+utc` (`Mon 2026-11-23 07:05:27.123456 UTC`);
 * `@<seconds>` (`--timestamp=unix`) and second-precision local forms are understood too. Empty or
 * `n/a` → undefined.
 */
export function parseSystemdTimestamp(v: string | undefined): Date | undefined {
  if (!v || v === 'n/a' || v === '0') return undefined;
  const unix = /^@(\d+)$/.exec(v);
  if (unix) return new Date(Number(unix[1]) * 1000);
  const m = /^(?:\w{3} )?(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,6})? (UTC)?/.exec(v);
  if (!m) return undefined;
  const ms = m[3] ? m[3].slice(0, 4).padEnd(4, '0') : '';
  const d = new Date(`${m[1]}T${m[2]}${ms}${m[4] ? 'Z' : ''}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Parse `systemctl show` output of several units (blocks separated by blank lines, in argv order). */
export function parseShow(stdout: string, units: readonly UnitName[]): UnitState[] {
  const blocks = stdout.split(/\n\n+/).filter((b) => b.trim() !== '');
  return units.map((unit, i) => {
    const props = new Map<string, string>();
    for (const line of (blocks[i] ?? '').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) props.set(line.slice(0, eq), line.slice(eq + 1));
    }
    const num = (k: string) => {
      const n = Number(props.get(k));
      return Number.isFinite(n) ? n : 0;
    };
    return {
      unit,
      loadState: oneOf(props.get('LoadState'), LOAD),
      activeState: oneOf(props.get('ActiveState'), ACTIVE),
      subState: props.get('SubState') ?? '',
      result: oneOf(props.get('Result'), RESULT),
      execMainStatus: num('ExecMainStatus'),
      execMainCode: num('ExecMainCode'),
      mainPid: num('MainPID'),
      nRestarts: num('NRestarts'),
      activeEnterTimestamp: parseSystemdTimestamp(props.get('ActiveEnterTimestamp')),
      inactiveEnterTimestamp: parseSystemdTimestamp(props.get('InactiveEnterTimestamp')),
      stateChangeTimestamp: parseSystemdTimestamp(props.get('StateChangeTimestamp')),
      unitFileState: props.get('UnitFileState') ?? '',
      fragmentPath: props.get('FragmentPath') ?? '',
      sourcePath: props.get('SourcePath') ?? '',
      description: props.get('Description') ?? '',
    };
  });
}

/** What the manager says of a unit at a glance: loaded?, active?, and the unit-type specific sub-state. */
export interface UnitActivity {
  unit: UnitName;
  loadState: LoadState;
  activeState: ActiveState;
  subState: string;
}

/**
 * Parse the reply of the manager's ListUnitsByNames as `busctl --json=short` prints it:
 * `{"type":"a(ssssssouso)","data":[[[id, description, load, active, sub, following, path, job id, job type,
 * job path], …]]}`, one entry per name asked for (unknown ones as not-found). Returns the units in the order
 * asked; undefined when the reply is not of that shape.
 */
export function parseListUnitsByNames(stdout: string, units: readonly UnitName[]): UnitActivity[] | undefined {
  let reply: unknown;
  try {
    reply = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  const rows = (reply as { data?: unknown[] } | null)?.data?.[0];
  if (!Array.isArray(rows)) return undefined;
  const byId = new Map<string, UnitActivity>();
  for (const row of rows) {
    if (!Array.isArray(row) || row.length < 5 || !row.slice(0, 5).every((v) => typeof v === 'string')) return undefined;
    const [id, , load, active, sub] = row as string[];
    byId.set(id!, {
      unit: id as UnitName,
      loadState: oneOf(load, LOAD),
      activeState: oneOf(active, ACTIVE),
      subState: sub!,
    });
  }
  const out: UnitActivity[] = [];
  for (const unit of units) {
    const a = byId.get(unit);
    if (!a) return undefined;
    out.push(a);
  }
  return out;
}

export interface FailureReason {
  unit: UnitName;
  activeState: ActiveState;
  result: UnitResult;
  execMainStatus: number;
  /** One line for a person, e.g. "failed (exit-code, status 125)". */
  summary: string;
  /** The last journal lines of the unit (messages only). */
  journal: string[];
}

export type UnitVerb = 'start' | 'stop' | 'restart' | 'reload-or-restart' | 'enable' | 'disable' | 'reset-failed';

export class UserSystemd {
  constructor(private readonly exec: Exec) {}

  /** Reload the user manager: re-runs generators (Quadlet) and re-reads unit files. */
  async daemonReload(s: CompartmentSession): Promise<void> {
    await this.exec.run(userSystemctl(s, ['daemon-reload']), { timeoutMs: 60_000 });
  }

  private async verb(
    s: CompartmentSession,
    verb: UnitVerb,
    units: readonly UnitName[],
    timeoutMs: number,
    extra: string[] = [],
  ) {
    if (units.length === 0) return;
    await this.exec.run(userSystemctl(s, [verb, ...extra, '--', ...units]), { timeoutMs });
  }

  /** Start units in one call; waits for the start jobs (Quadlet services are Type=notify). */
  start(s: CompartmentSession, units: readonly UnitName[], timeoutMs = 180_000) {
    return this.verb(s, 'start', units, timeoutMs);
  }
  stop(s: CompartmentSession, units: readonly UnitName[], timeoutMs = 120_000) {
    return this.verb(s, 'stop', units, timeoutMs);
  }
  restart(s: CompartmentSession, units: readonly UnitName[], timeoutMs = 180_000) {
    return this.verb(s, 'restart', units, timeoutMs);
  }
  /** Queues the restart jobs and returns (`--no-block`): the caller watches the units come up itself (a
   * Notify=healthy unit's start job lasts until its container is healthy, or until its start timeout). */
  restartNoBlock(s: CompartmentSession, units: readonly UnitName[]) {
    return this.verb(s, 'restart', units, 60_000, ['--no-block']);
  }
  /** Enable units. Quadlet-generated services cannot be enabled (they are transient): use [Install] in the source. */
  enable(s: CompartmentSession, units: readonly UnitName[]) {
    return this.verb(s, 'enable', units, 60_000);
  }
  disable(s: CompartmentSession, units: readonly UnitName[]) {
    return this.verb(s, 'disable', units, 60_000);
  }
  resetFailed(s: CompartmentSession, units: readonly UnitName[]) {
    return this.verb(s, 'reset-failed', units, 30_000);
  }

  /**
   * Load and active states of many units in one D-Bus call (the manager's ListUnitsByNames, through busctl):
   * about a third of what `show` costs, for polling while units start. Undefined when busctl is missing or
   * its reply cannot be read; callers then use unitStates.
   */
  async activeStates(s: CompartmentSession, units: readonly UnitName[]): Promise<UnitActivity[] | undefined> {
    if (units.length === 0) return [];
    const argv = asUser(s, [
      'busctl',
      '--user',
      '--json=short',
      'call',
      'org.freedesktop.systemd1',
      '/org/freedesktop/systemd1',
      'org.freedesktop.systemd1.Manager',
      'ListUnitsByNames',
      'as',
      String(units.length),
      ...units,
    ]);
    try {
      return parseListUnitsByNames((await this.exec.run(argv)).stdout, units);
    } catch {
      return undefined;
    }
  }

  /** States of many units in one `systemctl --user show` call (unknown units come back LoadState=not-found). */
  async unitStates(s: CompartmentSession, units: readonly UnitName[]): Promise<UnitState[]> {
    if (units.length === 0) return [];
    const r = await this.exec.run(
      userSystemctl(s, ['show', '--timestamp=us+utc', `--property=${SHOW_PROPERTIES.join(',')}`, '--', ...units]),
    );
    return parseShow(r.stdout, units);
  }

  /** `systemctl --user is-active`: exit 0 = active; exit 3 = not active (inactive, failed, activating…). */
  async isActive(s: CompartmentSession, unit: UnitName): Promise<boolean> {
    const r = await this.exec.run(userSystemctl(s, ['is-active', '--', unit]), { expectCodes: [0, 3, 4] });
    return r.code === 0;
  }

  /** Why a unit is not running: Result + ExecMainStatus + the last journal lines. */
  async failureReason(s: CompartmentSession, unit: UnitName, journalLines = 20): Promise<FailureReason> {
    const [st] = await this.unitStates(s, [unit]);
    const state = st!;
    const j = await this.exec.run(
      [
        'journalctl',
        `_UID=${s.uid}`,
        `_SYSTEMD_USER_UNIT=${unit}`,
        '+',
        `_UID=${s.uid}`,
        `USER_UNIT=${unit}`,
        '--no-pager',
        '-q',
        '-o',
        'cat',
        '-n',
        String(journalLines),
      ],
      { expectCodes: [0, 1] },
    );
    const journal = j.stdout.split('\n').filter((l) => l !== '');
    const summary =
      state.loadState !== 'loaded'
        ? `not loaded (${state.loadState})`
        : `${state.activeState}${state.result !== 'success' ? ` (${state.result}, status ${state.execMainStatus})` : ''}`;
    return {
      unit,
      activeState: state.activeState,
      result: state.result,
      execMainStatus: state.execMainStatus,
      summary,
      journal,
    };
  }
}
