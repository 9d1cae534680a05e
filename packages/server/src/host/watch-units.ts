// Live unit state of a compartment: its systemd user manager's own messages in the journal, read by the one
// journal reader of every compartment (watch-journal.ts). This module turns one such entry into a unit event.
// Changes nothing on the machine.
//
// Why the journal (measured in the sandbox, systemd 257):
//   - journal: the manager logs "Main process exited, status=137" and "Failed with result 'exit-code'" with
//     structured fields (MESSAGE_ID, USER_UNIT, UNIT_RESULT, EXIT_STATUS); they reach `journalctl -f`
//     ~270-360 ms after their timestamp (journald batches change notifications on a 250 ms timer), i.e. the
//     unit's failure is seen 260-630 ms after `podman kill` starts.
//   - `busctl --user monitor` of PropertiesChanged: nothing at all. The manager sends unit property signals
//     on the bus only to clients that called Subscribe(), and a monitor cannot; it would need a D-Bus client
//     of our own holding a subscription (one per compartment).
//   - polling `systemctl --user show`: ~25-60 ms of runuser + systemctl per call; at the 2 Hz that a
//     sub-second target needs, that is 5-12 % of a core per compartment, idle or not.
//
// Which entries are the manager's: _COMM=systemd, _SYSTEMD_UNIT=user@UID.service and _SYSTEMD_USER_UNIT=init.scope
// (the manager's own cgroup; a service of the user named "systemd" runs in its own unit's cgroup). All three are
// fields journald sets itself. The compartment user could still forge entries of its own compartment (it owns the
// delegated cgroup tree), as it could with its own podman events: what it forges stays in its own compartment.

import type { CompartmentId } from '../core/ids.js';
import {
  exitStatusOf,
  fromUnitMessage,
  type RawUnitMessage,
  UNIT_MESSAGE_IDS,
  type UnitEvent,
} from '../core/live/events.js';
import { type JournalFields, journalString, realtimeOf } from './journal.js';

/** The fields of a manager message this module reads (journalctl --output-fields). */
export const UNIT_FIELDS = [
  'MESSAGE_ID',
  'USER_UNIT',
  'JOB_TYPE',
  'JOB_RESULT',
  'UNIT_RESULT',
  'EXIT_CODE',
  'EXIT_STATUS',
  'COMMAND',
  '_COMM',
  '_SYSTEMD_UNIT',
  '_SYSTEMD_USER_UNIT',
];

/** journalctl matches (ANDed across fields, ORed within one) for state-change messages of user managers. */
export function unitMatches(): string[] {
  return [
    '_COMM=systemd',
    '_SYSTEMD_USER_UNIT=init.scope',
    ...Object.values(UNIT_MESSAGE_IDS).map((id) => `MESSAGE_ID=${id}`),
  ];
}

const MESSAGE_IDS: ReadonlySet<string> = new Set(Object.values(UNIT_MESSAGE_IDS));

/** A journal entry as a message of the user manager of `uid` about one of its units, or undefined. */
export function unitMessageOf(o: JournalFields, uid: number): RawUnitMessage | undefined {
  const messageId = journalString(o, 'MESSAGE_ID');
  const unit = journalString(o, 'USER_UNIT');
  if (!messageId || !unit || !MESSAGE_IDS.has(messageId)) return undefined;
  if (journalString(o, '_COMM') !== 'systemd') return undefined;
  if (journalString(o, '_SYSTEMD_UNIT') !== `user@${uid}.service`) return undefined;
  if (journalString(o, '_SYSTEMD_USER_UNIT') !== 'init.scope') return undefined;
  const message: RawUnitMessage = { messageId, unit, time: new Date(Number(realtimeOf(o) / 1000n)) };
  const opt = (k: string, f: keyof RawUnitMessage) => {
    const v = journalString(o, k);
    if (v !== undefined) (message as unknown as Record<string, unknown>)[f] = v;
  };
  opt('JOB_TYPE', 'jobType');
  opt('JOB_RESULT', 'jobResult');
  opt('UNIT_RESULT', 'unitResult');
  opt('EXIT_CODE', 'exitCode');
  opt('EXIT_STATUS', 'exitStatus');
  opt('COMMAND', 'command');
  return message;
}

/**
 * Turns a compartment's manager messages into unit events, remembering each unit's last main-process exit
 * status (the failure message that follows carries none).
 */
export class UnitEvents {
  private readonly lastExit = new Map<string, number>();

  event(compartment: CompartmentId, m: RawUnitMessage): UnitEvent | undefined {
    const key = `${compartment}/${m.unit}`;
    const code = exitStatusOf(m);
    if (code !== undefined) this.lastExit.set(key, code);
    const e = fromUnitMessage(compartment, m, this.lastExit.get(key));
    if (e && (e.state === 'active' || e.state === 'activating')) this.lastExit.delete(key);
    return e;
  }

  /** Forgets a compartment's units (it is no longer watched). */
  forget(compartment: CompartmentId): void {
    const prefix = `${compartment}/`;
    for (const k of this.lastExit.keys()) if (k.startsWith(prefix)) this.lastExit.delete(k);
  }
}
