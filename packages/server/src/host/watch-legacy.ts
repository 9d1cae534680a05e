// The upgrade from podman events in a file to podman events in the journal. Changes on the machine: rewrites a
// compartment's ~/.config/containers/containers.conf so that podman logs its events to the journal, AS the
// compartment user (user-files.ts: root writes nothing inside a home), once per compartment and server run,
// only when the file says otherwise; reads /proc (owner, comm and command line of conmon processes).
//
// Compartments created before this release log their podman events to a file (`events_logger = "file"`), read
// by one `podman events` per compartment. When the server first watches a compartment it reads its
// containers.conf and, where needed, writes the journald version (storage-conf.ts): every podman command
// started after that logs its events to the journal, where the one journal reader (watch-journal.ts) sees them.
//
// Containers started before that keep logging to the file until they restart: their conmon runs podman's
// cleanup with `--events-backend file` (the exit command, on conmon's command line) — and that cleanup is what
// logs a container's own death. So the server looks for such conmon processes of each compartment, and for
// such cleanups still running (one pass over /proc, after the upgrades and then once a minute while any are
// left), and runs, for the compartments that still have one, `podman --events-backend file events` as the user
// (watch-podman.ts). A compartment whose last one is gone is read for one more period, so that the death its
// cleanup wrote last arrives (when the container dies, its conmon exits before the cleanup it started has
// written anything; on a busy machine the cleanup can take seconds). A server whose compartments are all
// upgraded runs none and scans no more.

import { readdir, readFile, stat } from 'node:fs/promises';
import { NotFoundError } from '../core/errors.js';
import type { CompartmentId } from '../core/ids.js';
import type { LiveSourceFactory, WatcherLog } from '../core/live/watchers.js';
import type { Exec } from './exec.js';
import type { Podman } from './podman.js';
import type { CompartmentSession } from './session.js';
import { containersConfWithJournaldEvents, LOOPBACK_CONF, loopbackConf } from './storage-conf.js';
import { UserFiles } from './user-files.js';
import { podmanEventsSource } from './watch-podman.js';

export const CONTAINERS_CONF = '.config/containers/containers.conf';

/** What `ensureJournaldEvents` did. */
export type ConfUpgrade = 'unchanged' | 'upgraded';

/** Makes the compartment's containers.conf log podman events to the journal (as the user); says whether it had to. */
export async function ensureJournaldEvents(exec: Exec, s: CompartmentSession): Promise<ConfUpgrade> {
  const files = new UserFiles(exec, s);
  let text: string | undefined;
  try {
    text = await files.readFile(CONTAINERS_CONF);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  // compartments made before connections between compartments get the loopback drop-in (containers started after
  // it see LINK_ADDRESS; a network's pasta keeps its options until the network's last container stops)
  let loopback: string | undefined;
  try {
    loopback = await files.readFile(LOOPBACK_CONF);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  const next = containersConfWithJournaldEvents(text);
  const writes = [
    ...(next === undefined ? [] : [{ op: 'write' as const, path: CONTAINERS_CONF, text: next }]),
    ...(loopback === loopbackConf() ? [] : [{ op: 'write' as const, path: LOOPBACK_CONF, text: loopbackConf() }]),
  ];
  if (writes.length === 0) return 'unchanged';
  await files.batch(writes);
  return 'upgraded';
}

/** True when a conmon command line runs podman's cleanup with the file events logger. */
export function logsEventsToFile(cmdline: readonly string[]): boolean {
  const args = cmdline.filter((_, i) => i > 0 && cmdline[i - 1] === '--exit-command-arg');
  const i = args.indexOf('--events-backend');
  if (i >= 0) return args[i + 1] === 'file';
  return args.includes('--events-backend=file');
}

/** True when a process's command line is podman's container cleanup logging its events to a file. */
export function cleanupLogsEventsToFile(cmdline: readonly string[]): boolean {
  const at = cmdline.findIndex((a, i) => a === 'container' && cmdline[i + 1] === 'cleanup');
  if (at < 0) return false;
  const global = cmdline.slice(1, at);
  const i = global.indexOf('--events-backend');
  if (i >= 0) return global[i + 1] === 'file';
  return global.includes('--events-backend=file');
}

/**
 * The compartments (by their users' UIDs) that have a conmon whose container logs its events to a file, or such
 * a container's cleanup still running.
 */
export async function compartmentsWithFileEvents(
  uids: ReadonlyMap<number, CompartmentId>,
  procRoot = '/proc',
): Promise<Set<CompartmentId>> {
  const out = new Set<CompartmentId>();
  if (uids.size === 0) return out;
  let pids: string[];
  try {
    pids = (await readdir(procRoot)).filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const id = uids.get((await stat(`${procRoot}/${pid}`)).uid);
      if (id === undefined || out.has(id)) continue;
      const comm = (await readFile(`${procRoot}/${pid}/comm`, 'utf8')).trim();
      if (comm !== 'conmon' && comm !== 'podman') continue;
      const cmdline = (await readFile(`${procRoot}/${pid}/cmdline`, 'utf8')).split('\0');
      if (comm === 'conmon' ? logsEventsToFile(cmdline) : cleanupLogsEventsToFile(cmdline)) out.add(id);
    } catch {
      // the process ended meanwhile, or we may not look at it
    }
  }
  return out;
}

export interface LegacyEventsDeps {
  exec: Exec;
  podman: Pick<Podman, 'events'>;
  sessionFor(id: CompartmentId): Promise<CompartmentSession>;
  /** The sessions of the watched compartments (watch-journal.ts knows them). */
  sessions(): ReadonlyMap<CompartmentId, CompartmentSession>;
  log?: WatcherLog;
  /** Upgrade containers.conf files (default true). */
  upgrade?: boolean;
  /** How often to look again while some compartment has containers logging to a file. Default 60 s. */
  rescanMs?: number;
  /** Upgrades run at once. Default 2. */
  concurrency?: number;
  procRoot?: string;
  /** The upgrade (tests). */
  ensure?(s: CompartmentSession): Promise<ConfUpgrade>;
}

/** The upgrade of each compartment, and `podman events` from the file where containers still log there. */
export class LegacyEvents {
  /** Compartments that still have containers logging their events to a file. */
  private legacy = new Set<CompartmentId>();
  /** Of those, the ones the last look no longer found: read for one more period, then no more. */
  private fading = new Set<CompartmentId>();
  private readonly queue: { id: CompartmentId; session: CompartmentSession }[] = [];
  private running = 0;
  private scanTimer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private rescan = false;
  private closed = false;
  /** The per-compartment source for LiveWatchers: wanted only where containers still log to a file. */
  readonly source: LiveSourceFactory;

  constructor(private readonly deps: LegacyEventsDeps) {
    this.source = podmanEventsSource({
      podman: deps.podman,
      sessionFor: deps.sessionFor,
      backend: 'file',
      wants: (id) => this.legacy.has(id),
    });
  }

  /** A compartment's session is known (first watched, or its UID changed): upgrade it, then look at /proc. */
  onSession(id: CompartmentId, session: CompartmentSession): void {
    if (this.closed) return;
    if (this.deps.upgrade === false) {
      this.scheduleScan(0);
      return;
    }
    this.queue.push({ id, session });
    this.pump();
  }

  /** The compartments whose file events are being read. */
  compartments(): CompartmentId[] {
    return [...this.legacy];
  }

  /** Looks at /proc now, after any look under way (tests; otherwise the timer looks). */
  async lookNow(): Promise<void> {
    await this.scanning;
    await this.scan();
  }

  close(): void {
    this.closed = true;
    if (this.scanTimer) clearTimeout(this.scanTimer);
    this.scanTimer = undefined;
    this.queue.length = 0;
  }

  private pump(): void {
    const limit = this.deps.concurrency ?? 2;
    while (this.running < limit && this.queue.length > 0 && !this.closed) {
      const job = this.queue.shift()!;
      this.running += 1;
      const ensure = this.deps.ensure ?? ((s: CompartmentSession) => ensureJournaldEvents(this.deps.exec, s));
      void ensure(job.session)
        .then(
          (r) => {
            if (r === 'upgraded') {
              this.deps.log?.warn('live watch: containers.conf now logs podman events to the journal', {
                compartment: job.id,
              });
            }
          },
          (err: unknown) =>
            this.deps.log?.warn('live watch: could not upgrade containers.conf', {
              compartment: job.id,
              error: err instanceof Error ? err.message : String(err),
            }),
        )
        .finally(() => {
          this.running -= 1;
          if (this.running === 0 && this.queue.length === 0) this.scheduleScan(0);
          this.pump();
        });
    }
  }

  private scheduleScan(ms: number): void {
    if (this.closed) return;
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    if (this.scanTimer) clearTimeout(this.scanTimer);
    this.scanTimer = setTimeout(() => {
      this.scanTimer = undefined;
      this.scanning = this.scan().finally(() => {
        this.scanning = undefined;
        if (this.rescan) {
          this.rescan = false;
          this.scheduleScan(0);
        } else if (this.legacy.size > 0) this.scheduleScan(this.deps.rescanMs ?? 60_000);
      });
    }, ms);
    if (ms > 0) this.scanTimer.unref();
  }

  private async scan(): Promise<void> {
    const uids = new Map<number, CompartmentId>();
    for (const [id, s] of this.deps.sessions()) uids.set(s.uid, id);
    const found = await compartmentsWithFileEvents(uids, this.deps.procRoot);
    const next = new Set(found);
    const fading = new Set<CompartmentId>();
    for (const id of this.legacy) {
      if (found.has(id) || this.fading.has(id)) continue;
      next.add(id);
      fading.add(id);
    }
    const gone = [...this.legacy].filter((id) => !next.has(id));
    const added = [...found].filter((id) => !this.legacy.has(id));
    this.legacy = next;
    this.fading = fading;
    if (added.length > 0 || gone.length > 0) {
      this.deps.log?.warn('live watch: compartments with containers logging podman events to a file', {
        reading: [...next],
        done: gone,
      });
    }
  }
}
