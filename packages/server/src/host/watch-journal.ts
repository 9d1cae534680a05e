// Live state of every compartment from ONE `journalctl -f` over the system journal: podman's container events
// (containers.conf logs them to the journal, storage-conf.ts) and the user managers' unit state-change messages,
// each entry given to its compartment by its _UID (a field journald sets from the sender's credentials, so a
// compartment cannot speak for another). Changes nothing on the machine: it only reads the journal.
//
// Why one reader: one `podman events` (+ runuser) and one `journalctl` per compartment cost, measured in the
// sandbox with 20 idle compartments, 3.8 % of a core (the `podman events` processes poll their event files)
// and 11.5 MB PSS per compartment. One journalctl sleeps in inotify until journald writes, reads only the
// entries that match (the journal's field indexes), and costs the same for 1 or 1,000 compartments.
//
// It needs no root: compartment users are system users, whose entries journald keeps in the system journal,
// which members of the `systemd-journal` group read. (The compartment users themselves cannot, which is why
// `podman events` as the user shows nothing with the journald logger: the server is the reader.)
//
// The UIDs come from `sessionFor` when a compartment is first watched. An entry of a UID no watched compartment
// has is looked up once (`getent passwd`), at most every minute per UID: a compartment deleted and created again
// under the same name between two syncs gets a new UID.

import { type CompartmentId, compartmentUser } from '../core/ids.js';
import type { LiveEvent } from '../core/live/events.js';
import { fromPodmanEvent } from '../core/live/events.js';
import type { LiveSource, SharedSourceFactory, WatcherLog } from '../core/live/watchers.js';
import type { Exec } from './exec.js';
import { type JournalFields, journalString, parseJournalFields } from './journal.js';
import type { CompartmentSession } from './session.js';
import { PODMAN_FIELDS, podmanEventOf, podmanMatches } from './watch-podman.js';
import { UNIT_FIELDS, UnitEvents, unitMatches, unitMessageOf } from './watch-units.js';

/** journalctl argv of the reader: manager state changes OR podman container events, of every user. */
export function journalWatchArgv(options: { boot?: string; afterCursor?: string } = {}): string[] {
  const fields = [...new Set(['_UID', ...UNIT_FIELDS, ...PODMAN_FIELDS])];
  const argv = [
    'journalctl',
    '--follow',
    '--no-pager',
    '-q',
    // a field over 4096 bytes (a container with many labels) would otherwise come as null
    '--all',
    '-o',
    'json',
    `--output-fields=${fields.join(',')}`,
    // matches of different fields are ANDed, values of one field ORed; `+` ORs the two groups
    ...unitMatches(),
    '+',
    ...podmanMatches(),
  ];
  if (options.boot) argv.push(`--boot=${options.boot}`);
  if (options.afterCursor) argv.push(`--after-cursor=${options.afterCursor}`);
  else argv.push('--lines=0');
  return argv;
}

/** A journal entry as a live event of `compartment` (whose user has `uid`), or undefined. */
export function liveEventOf(
  o: JournalFields,
  compartment: CompartmentId,
  uid: number,
  units: UnitEvents,
): LiveEvent | undefined {
  const pe = podmanEventOf(o);
  if (pe) return fromPodmanEvent(compartment, pe);
  const um = unitMessageOf(o, uid);
  return um ? units.event(compartment, um) : undefined;
}

export interface JournalWatchDeps {
  exec: Exec;
  sessionFor(id: CompartmentId): Promise<CompartmentSession>;
  /** The boot id journald stamps on entries (journal.ts's currentBootId; see its note on nspawn). */
  bootId(): Promise<string | undefined>;
  /** Called when a compartment's session is first known (or known anew: its UID changed). */
  onSession?(id: CompartmentId, session: CompartmentSession): void;
  log?: WatcherLog;
  /** Sessions looked up at once. Default 4. */
  concurrency?: number;
  /** Current time in ms (tests). */
  now?(): number;
}

/** How long a UID that belongs to no watched compartment is not looked up again. */
const UNKNOWN_UID_TTL_MS = 60_000;
/** Retry delays for a compartment whose session cannot be had (its user is missing). */
const RETRY_MS = [2_000, 10_000, 60_000];

async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The shared source: one journal reader for every watched compartment. */
export class JournalWatch implements SharedSourceFactory {
  readonly name = 'journal';
  private readonly compartmentOf = new Map<number, CompartmentId>();
  private readonly sessions = new Map<CompartmentId, CompartmentSession>();
  private watched: ReadonlySet<CompartmentId> = new Set();
  private readonly failures = new Map<CompartmentId, { attempts: number; retryAt: number }>();
  private readonly unknown = new Map<number, number>();
  private readonly units = new UnitEvents();
  private cursor: string | undefined;
  private readonly now: () => number;

  constructor(private readonly deps: JournalWatchDeps) {
    this.now = deps.now ?? Date.now;
  }

  async watch(ids: ReadonlySet<CompartmentId>): Promise<void> {
    this.watched = new Set(ids);
    for (const id of [...this.sessions.keys()]) if (!ids.has(id)) this.forget(id);
    for (const id of [...this.failures.keys()]) if (!ids.has(id)) this.failures.delete(id);
    const t = this.now();
    const fresh = [...ids].filter((id) => !this.sessions.has(id) && (this.failures.get(id)?.retryAt ?? 0) <= t);
    await eachLimit(fresh, this.deps.concurrency ?? 4, async (id) => {
      try {
        const s = await this.deps.sessionFor(id);
        if (!this.watched.has(id)) return;
        this.failures.delete(id);
        this.remember(id, s);
      } catch (err) {
        const attempts = (this.failures.get(id)?.attempts ?? 0) + 1;
        const delay = RETRY_MS[Math.min(attempts, RETRY_MS.length) - 1]!;
        this.failures.set(id, { attempts, retryAt: this.now() + delay });
        this.deps.log?.warn('live watch: no session for the compartment', {
          compartment: id,
          error: err instanceof Error ? err.message : String(err),
          retryInMs: delay,
        });
      }
    });
  }

  covers(id: CompartmentId): boolean {
    return this.sessions.has(id);
  }

  /** The sessions of the watched compartments, as known now. */
  knownSessions(): ReadonlyMap<CompartmentId, CompartmentSession> {
    return this.sessions;
  }

  async start(): Promise<LiveSource> {
    const boot = await this.deps.bootId();
    const st = this.deps.exec.stream(
      journalWatchArgv({ ...(boot ? { boot } : {}), ...(this.cursor ? { afterCursor: this.cursor } : {}) }),
    );
    const self = this;
    const events: AsyncIterable<LiveEvent> = {
      async *[Symbol.asyncIterator]() {
        try {
          for await (const line of st.lines) {
            const o = parseJournalFields(line);
            if (!o) continue;
            const cursor = journalString(o, '__CURSOR');
            if (cursor) self.cursor = cursor;
            const uid = Number(journalString(o, '_UID'));
            if (!Number.isInteger(uid)) continue;
            const compartment = self.compartmentOf.get(uid);
            if (compartment === undefined) {
              self.lookUpUnknown(uid);
              continue;
            }
            const e = liveEventOf(o, compartment, uid, self.units);
            if (e) yield e;
          }
        } finally {
          await st.stop();
        }
      },
    };
    return { events, stop: () => st.stop() };
  }

  private remember(id: CompartmentId, s: CompartmentSession): void {
    const old = this.sessions.get(id);
    if (old && old.uid !== s.uid && this.compartmentOf.get(old.uid) === id) this.compartmentOf.delete(old.uid);
    this.sessions.set(id, s);
    this.compartmentOf.set(s.uid, id);
    this.unknown.delete(s.uid);
    if (!old || old.uid !== s.uid) this.deps.onSession?.(id, s);
  }

  private forget(id: CompartmentId): void {
    const s = this.sessions.get(id);
    this.sessions.delete(id);
    if (s && this.compartmentOf.get(s.uid) === id) this.compartmentOf.delete(s.uid);
    this.units.forget(id);
  }

  /** An entry of a UID no watched compartment has: perhaps one that was created again; look it up (rarely). */
  private lookUpUnknown(uid: number): void {
    const t = this.now();
    if ((this.unknown.get(uid) ?? 0) > t) return;
    this.unknown.set(uid, t + UNKNOWN_UID_TTL_MS);
    void this.deps.exec
      .run(['getent', 'passwd', String(uid)], { expectCodes: [0, 2], timeoutMs: 10_000 })
      .then(async (r) => {
        const name = r.stdout.split(':')[0];
        const id = [...this.watched].find((c) => compartmentUser(c) === name);
        if (id === undefined) return;
        const s = await this.deps.sessionFor(id);
        if (this.watched.has(id) && s.uid === uid) this.remember(id, s);
      })
      .catch(() => undefined);
  }
}
