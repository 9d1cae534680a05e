// Journal of a compartment's units. Changes nothing on the machine: reads the journal with
// `journalctl` as root (root sees every user's journal), filtered to the compartment's UID.

import type { UnitName } from '../core/ids.js';
import type { Exec, LineStream } from './exec.js';
import type { CompartmentSession } from './session.js';

export type Priority = 'emerg' | 'alert' | 'crit' | 'err' | 'warning' | 'notice' | 'info' | 'debug';
const PRIORITIES: readonly Priority[] = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

export interface JournalEntry {
  /** Microseconds since the epoch (journal's __REALTIME_TIMESTAMP), exact. */
  realtimeUsec: bigint;
  time: Date;
  priority: Priority;
  unit: string;
  /** SYSLOG_IDENTIFIER, e.g. the container name or `systemd`. */
  identifier: string;
  message: string;
  pid: number | undefined;
  cursor: string;
}

export interface JournalQuery {
  /** Any journalctl --since value; a Date is sent as `@<seconds>`. */
  since?: Date | string;
  until?: Date | string;
  /** Last N lines (default 200). */
  lines?: number;
  /** Resume after this cursor (journalctl --after-cursor). */
  afterCursor?: string;
}

const ts = (v: Date | string): string => (v instanceof Date ? `@${Math.floor(v.getTime() / 1000)}` : v);

/**
 * journalctl's JSON MESSAGE is a string, or an array of bytes when it is not valid UTF-8 (or null when
 * too large). Decode all three.
 */
function message(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return Buffer.from(v as number[]).toString('utf8');
  return '';
}

/** One `journalctl -o json` entry: field name to value (a string; an array when a field repeats; bytes or null). */
export type JournalFields = Record<string, unknown>;

/**
 * A field's text: a string as it is, a repeated field's last string, bytes (not valid UTF-8) decoded;
 * undefined when absent or null (journalctl prints null for a field over 4096 bytes unless --all).
 */
export function journalString(o: JournalFields, k: string): string | undefined {
  const v = o[k];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length > 0) {
    if (v.every((x) => typeof x === 'number')) return Buffer.from(v as number[]).toString('utf8');
    const last = v[v.length - 1];
    if (typeof last === 'string') return last;
    if (Array.isArray(last) && last.every((x) => typeof x === 'number')) return Buffer.from(last).toString('utf8');
  }
  return undefined;
}

/** The entry's __REALTIME_TIMESTAMP (µs since the epoch), 0n when missing. */
export function realtimeOf(o: JournalFields): bigint {
  try {
    return BigInt(journalString(o, '__REALTIME_TIMESTAMP') ?? '0');
  } catch {
    return 0n;
  }
}

/** One line of `journalctl -o json` as its fields, or undefined when it is not a JSON object. */
export function parseJournalFields(line: string): JournalFields | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const o = JSON.parse(line) as unknown;
    return typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as JournalFields) : undefined;
  } catch {
    return undefined;
  }
}

/** One line of `journalctl -o json`, or undefined when it is not a journal entry. */
export function parseJournalLine(line: string): JournalEntry | undefined {
  if (!line.startsWith('{')) return undefined;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const rt = typeof o.__REALTIME_TIMESTAMP === 'string' ? o.__REALTIME_TIMESTAMP : '0';
  let usec: bigint;
  try {
    usec = BigInt(rt);
  } catch {
    usec = 0n;
  }
  const prio = Number(o.PRIORITY);
  const pid = Number(o._PID);
  const str = (k: string): string => (typeof o[k] === 'string' ? (o[k] as string) : '');
  return {
    realtimeUsec: usec,
    time: new Date(Number(usec / 1000n)),
    priority: PRIORITIES[Number.isInteger(prio) ? prio : 6] ?? 'info',
    unit: str('_SYSTEMD_USER_UNIT') || str('USER_UNIT') || str('UNIT'),
    identifier: str('SYSLOG_IDENTIFIER'),
    message: message(o.MESSAGE),
    pid: Number.isInteger(pid) ? pid : undefined,
    cursor: str('__CURSOR'),
  };
}

/**
 * journalctl argv for a unit (or units) of the compartment: their own output (_SYSTEMD_USER_UNIT) plus the
 * user manager's messages about them (USER_UNIT), both restricted to the compartment's UID; without a unit,
 * every line of the compartment's UID.
 */
export function journalArgv(
  s: CompartmentSession,
  unit: UnitName | readonly UnitName[] | undefined,
  q: JournalQuery,
  follow: boolean,
): string[] {
  // (matches of one field OR within a group; `+` ORs the groups)
  const units = unit === undefined ? [] : typeof unit === 'string' ? [unit] : unit;
  const match =
    units.length > 0
      ? [
          `_UID=${s.uid}`,
          ...units.map((u) => `_SYSTEMD_USER_UNIT=${u}`),
          '+',
          `_UID=${s.uid}`,
          ...units.map((u) => `USER_UNIT=${u}`),
        ]
      : [`_UID=${s.uid}`];
  const argv = [
    'journalctl',
    '--no-pager',
    '-q',
    '-o',
    'json',
    '--output-fields=MESSAGE,PRIORITY,_SYSTEMD_USER_UNIT,USER_UNIT,SYSLOG_IDENTIFIER,_PID',
    ...match,
  ];
  if (q.since !== undefined) argv.push(`--since=${ts(q.since)}`);
  if (q.until !== undefined && !follow) argv.push(`--until=${ts(q.until)}`);
  if (q.afterCursor !== undefined) argv.push(`--after-cursor=${q.afterCursor}`);
  argv.push(`--lines=${q.lines ?? 200}`);
  if (follow) argv.push('--follow');
  return argv;
}

export interface JournalFollow {
  readonly entries: AsyncIterable<JournalEntry>;
  stop(): Promise<unknown>;
}

export class Journal {
  constructor(private readonly exec: Exec) {}

  /** Log entries of a unit (or the whole compartment when unit is undefined), oldest first. */
  async read(
    s: CompartmentSession,
    unit: UnitName | readonly UnitName[] | undefined,
    q: JournalQuery = {},
  ): Promise<JournalEntry[]> {
    const r = await this.exec.run(journalArgv(s, unit, q, false), { timeoutMs: 60_000 });
    return r.stdout
      .split('\n')
      .map(parseJournalLine)
      .filter((e): e is JournalEntry => !!e);
  }

  /**
   * The boot id of the newest journal entry. journalctl -f follows the *current* boot only and takes it
   * from /proc/sys/kernel/random/boot_id; where that differs from the id journald stamps on entries
   * (containers whose boot_id over-mount was removed after journald started, e.g. the nspawn sandbox),
   * follow mode silently shows nothing. Pinning the boot explicitly works everywhere.
   */
  async currentBootId(): Promise<string | undefined> {
    const r = await this.exec.run(
      ['journalctl', '--no-pager', '-q', '-n', '1', '-o', 'json', '--output-fields=_BOOT_ID'],
      {
        expectCodes: [0, 1],
      },
    );
    const m = /"_BOOT_ID":"([0-9a-f]{32})"/.exec(r.stdout);
    return m?.[1];
  }

  /** Follow the journal (`journalctl -f`) until stop(). Starts with the last `lines` entries (default 0). */
  follow(s: CompartmentSession, unit: UnitName | readonly UnitName[] | undefined, q: JournalQuery = {}): JournalFollow {
    let st: LineStream | undefined;
    let stopped = false;
    const self = this;
    const entries: AsyncIterable<JournalEntry> = {
      async *[Symbol.asyncIterator]() {
        const boot = await self.currentBootId();
        if (stopped) return;
        const argv = journalArgv(s, unit, { lines: 0, ...q }, true);
        if (boot) argv.push(`--boot=${boot}`);
        st = self.exec.stream(argv);
        try {
          for await (const line of st.lines) {
            const e = parseJournalLine(line);
            if (e) yield e;
          }
        } finally {
          await st.stop();
        }
      },
    };
    return {
      entries,
      stop: async () => {
        stopped = true;
        return st?.stop();
      },
    };
  }
}
