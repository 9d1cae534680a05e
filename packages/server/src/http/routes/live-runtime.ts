/**
 * The live routes' runtime: the hub, the watchers kept in step with the compartments in the store, and the
 * ports for logs, stats and the terminal. Built from the AppContext by `createLiveRuntime`; route tests pass
 * their own. The watching is ONE journal reader for every compartment (podman's events and the user managers'
 * unit messages, host/watch-journal.ts), plus `podman events` from the event file of a compartment only while
 * it still has containers started before its containers.conf was upgraded (host/watch-legacy.ts).
 */
import type { AppContext } from '../../app.js';
import type { CompartmentId } from '../../core/ids.js';
import type { LiveEvent } from '../../core/live/events.js';
import { LiveHub } from '../../core/live/hub.js';
import type { LogsPort, StatsPort, TerminalPort } from '../../core/live/ports.js';
import { LiveWatchers, type WatcherLog } from '../../core/live/watchers.js';
import { JournalWatch } from '../../host/watch-journal.js';
import { LegacyEvents } from '../../host/watch-legacy.js';
import { journalLogs } from '../../host/watch-logs.js';
import { podmanStats } from '../../host/watch-stats.js';
import { ptyTerminal } from '../../host/watch-terminal.js';
import { overviewOf } from './compartments-overview.js';

export interface LiveRuntime {
  hub: LiveHub;
  /** The compartments that exist (for `/api/events` without `?compartment=`). */
  compartments(): CompartmentId[];
  /** The compartment's id, or a NotFoundError. */
  compartment(id: string): CompartmentId;
  logs: LogsPort;
  stats: StatsPort;
  terminal: TerminalPort;
  /** Heartbeat interval of the event streams. Default 15 s. */
  heartbeatMs?: number;
  /** The watchers (absent in route tests). */
  watchers?: LiveWatchers;
  close(): Promise<void>;
}

export interface LiveRuntimeOptions {
  /** How often the watched set is compared with the store. Default 2 s. */
  syncIntervalMs?: number;
  heartbeatMs?: number;
  log?: WatcherLog;
  /**
   * Upgrade each compartment's containers.conf to podman events in the journal when first watched (default
   * true; host/watch-legacy.ts).
   */
  upgradeEventsLogger?: boolean;
}

export function createLiveRuntime(app: AppContext, options: LiveRuntimeOptions = {}): LiveRuntime {
  const hub = new LiveHub();
  const sessionFor = (id: CompartmentId) => app.host.users.sessionFor(id);
  let boot: string | undefined;
  const bootId = async () => {
    boot ??= await app.host.journal.currentBootId();
    return boot;
  };
  const log = options.log;
  const legacy: LegacyEvents = new LegacyEvents({
    exec: app.host.exec,
    podman: app.host.podman,
    sessionFor,
    sessions: () => journal.knownSessions(),
    upgrade: options.upgradeEventsLogger ?? true,
    ...(log ? { log } : {}),
  });
  const journal = new JournalWatch({
    exec: app.host.exec,
    sessionFor,
    bootId,
    onSession: (id, s) => legacy.onSession(id, s),
    ...(log ? { log } : {}),
  });
  const watchers = new LiveWatchers({
    shared: [journal],
    factories: [legacy.source],
    publish: livePublisher(app, hub),
    ...(log ? { log } : {}),
  });
  const ids = () => app.compartments.list().map((c) => c.id);
  watchers.autoSync(ids, options.syncIntervalMs ?? 2_000);
  const rt: LiveRuntime = {
    hub,
    compartments: ids,
    compartment: (id) => app.compartments.get(id).id,
    logs: journalLogs({ journal: app.host.journal, sessionFor }),
    stats: podmanStats({ exec: app.host.exec, sessionFor }),
    terminal: ptyTerminal({
      exec: app.host.exec,
      sessionFor,
      ...(app.helper ? { spawn: (argv, cols, rows) => app.helper!.ptyAs(argv, cols, rows) } : {}),
    }),
    watchers,
    close: async () => {
      legacy.close();
      await watchers.close();
    },
  };
  if (options.heartbeatMs !== undefined) rt.heartbeatMs = options.heartbeatMs;
  return rt;
}

/**
 * What the watchers' events go through: the overview forgets the compartment's unit states on a unit event
 * (before it goes out, so a client that refetches on it reads them fresh), the hub sends it to the streams, and a
 * failure becomes a notification.
 */
export function livePublisher(app: AppContext, hub: LiveHub): (e: LiveEvent) => void {
  return (e: LiveEvent): void => {
    // before the event goes out: a client refetching on it must not get the states from before it
    if (e.kind === 'unit') overviewOf(app).statesChanged(e.compartment);
    hub.publish(e);
    if (e.kind === 'unit' && e.state === 'failed') {
      app.notifications.emit({
        kind: 'unit-failed',
        compartment: e.compartment,
        title: `${e.compartment}: ${e.name} failed`,
        message: `${e.name} failed${e.result ? ` (${e.result})` : ''}${e.exitCode !== undefined ? `, exit status ${e.exitCode}` : ''}.`,
        details: { unit: e.name, ...(e.result ? { result: e.result } : {}), at: e.at },
      });
    }
  };
}
