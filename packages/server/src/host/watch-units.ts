// Live unit state of a compartment: follows the compartment's systemd user manager's own messages in the
// journal (`journalctl -f` as root, restricted to the manager process of the compartment's UID and to the
// catalog message ids that mark state changes). Changes nothing on the machine.
//
// Why the journal (measured in the sandbox, systemd 257):
//   - journal: the manager logs "Main process exited, status=137" and "Failed with result 'exit-code'" with
//     structured fields (MESSAGE_ID, USER_UNIT, UNIT_RESULT, EXIT_STATUS); they reach `journalctl -f`
//     ~270-360 ms after their timestamp (journald batches change notifications on a 250 ms timer), i.e. the
//     unit's failure is seen 260-630 ms after `podman kill` starts. One idle process per compartment.
//   - `busctl --user monitor` of PropertiesChanged: nothing at all. The manager sends unit property signals
//     on the bus only to clients that called Subscribe(), and a monitor cannot; it would need a D-Bus client
//     of our own holding a subscription.
//   - polling `systemctl --user show`: ~25-60 ms of runuser + systemctl per call; at the 2 Hz that a
//     sub-second target needs, that is 5-12 % of a core per compartment, idle or not.

import type { CompartmentId } from '../core/ids.js';
import {
  exitStatusOf,
  fromUnitMessage,
  type RawUnitMessage,
  UNIT_MESSAGE_IDS,
  type UnitEvent,
} from '../core/live/events.js';
import type { LiveSource, LiveSourceFactory } from '../core/live/watchers.js';
import type { Exec } from './exec.js';
import type { CompartmentSession } from './session.js';

const FIELDS = [
  'MESSAGE_ID',
  'USER_UNIT',
  'JOB_TYPE',
  'JOB_RESULT',
  'UNIT_RESULT',
  'EXIT_CODE',
  'EXIT_STATUS',
  'COMMAND',
];

/** journalctl argv following one compartment's user manager state-change messages. */
export function unitWatchArgv(s: CompartmentSession, options: { boot?: string; afterCursor?: string }): string[] {
  const argv = [
    'journalctl',
    '--follow',
    '--no-pager',
    '-q',
    '-o',
    'json',
    `--output-fields=${FIELDS.join(',')}`,
    `_UID=${s.uid}`,
    `_SYSTEMD_UNIT=user@${s.uid}.service`,
    '_COMM=systemd',
    // several values of one field are ORed; the three field groups above are ANDed with this one
    ...Object.values(UNIT_MESSAGE_IDS).map((id) => `MESSAGE_ID=${id}`),
  ];
  if (options.boot) argv.push(`--boot=${options.boot}`);
  if (options.afterCursor) argv.push(`--after-cursor=${options.afterCursor}`);
  else argv.push('--lines=0');
  return argv;
}

/** One `journalctl -o json` line as a unit message (plus its cursor), or undefined. */
export function parseUnitMessage(line: string): { message: RawUnitMessage; cursor: string } | undefined {
  if (!line.startsWith('{')) return undefined;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const str = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const messageId = str('MESSAGE_ID');
  const unit = str('USER_UNIT');
  if (!messageId || !unit) return undefined;
  let usec = 0n;
  try {
    usec = BigInt(str('__REALTIME_TIMESTAMP') ?? '0');
  } catch {
    // keep 0
  }
  const message: RawUnitMessage = { messageId, unit, time: new Date(Number(usec / 1000n)) };
  const opt = (k: string, f: keyof RawUnitMessage) => {
    const v = str(k);
    if (v !== undefined) (message as unknown as Record<string, unknown>)[f] = v;
  };
  opt('JOB_TYPE', 'jobType');
  opt('JOB_RESULT', 'jobResult');
  opt('UNIT_RESULT', 'unitResult');
  opt('EXIT_CODE', 'exitCode');
  opt('EXIT_STATUS', 'exitStatus');
  opt('COMMAND', 'command');
  return { message, cursor: str('__CURSOR') ?? '' };
}

export interface UnitWatchDeps {
  exec: Exec;
  sessionFor(id: CompartmentId): Promise<CompartmentSession>;
  /** The boot id journald stamps on entries (journal.ts's currentBootId; see its note on nspawn). */
  bootId(): Promise<string | undefined>;
}

/** A source factory for the watchers. After a restart it resumes after the last entry it read (its cursor). */
export function unitJournalSource(deps: UnitWatchDeps): LiveSourceFactory {
  const cursors = new Map<CompartmentId, string>();
  const lastExit = new Map<string, number>();
  return {
    name: 'unit-journal',
    async start(compartment: CompartmentId): Promise<LiveSource> {
      const session = await deps.sessionFor(compartment);
      const boot = await deps.bootId();
      const after = cursors.get(compartment);
      const st = deps.exec.stream(
        unitWatchArgv(session, { ...(boot ? { boot } : {}), ...(after ? { afterCursor: after } : {}) }),
      );
      const events: AsyncIterable<UnitEvent> = {
        async *[Symbol.asyncIterator]() {
          try {
            for await (const line of st.lines) {
              const p = parseUnitMessage(line);
              if (!p) continue;
              if (p.cursor) cursors.set(compartment, p.cursor);
              const key = `${compartment}/${p.message.unit}`;
              const code = exitStatusOf(p.message);
              if (code !== undefined) lastExit.set(key, code);
              const e = fromUnitMessage(compartment, p.message, lastExit.get(key));
              if (!e) continue;
              if (e.state === 'active' || e.state === 'activating') lastExit.delete(key);
              yield e;
            }
          } finally {
            await st.stop();
          }
        },
      };
      return { events, stop: () => st.stop() };
    },
  };
}
