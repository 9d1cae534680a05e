// Live container events. Changes nothing on the machine.
//
// Podman logs its events to the system journal (containers.conf `events_logger = "journald"`, storage-conf.ts):
// the one journal reader of every compartment (watch-journal.ts) takes them from there, and this module turns
// such an entry into a container event (`podmanEventOf`).
//
// Containers started while their compartment still logged its events to a file (before the upgrade that
// switched it to the journal) keep doing so until they restart: podman puts `--events-backend file` on the
// exit command that conmon runs when the container dies. For those, `podmanEventsSource` runs
// `podman --events-backend file events` as the compartment user, for as long as watch-legacy.ts finds such
// containers.
//
// Measured in the sandbox (podman 5.4): a `died` event reaches a `journalctl -f` 290-350 ms after
// `podman kill` starts (the kill command itself takes 200-300 ms); from the file logger, 300-380 ms.

import type { CompartmentId } from '../core/ids.js';
import { type ContainerEvent, fromPodmanEvent, type RawPodmanEvent } from '../core/live/events.js';
import type { LiveSource, LiveSourceFactory } from '../core/live/watchers.js';
import { type JournalFields, journalString, realtimeOf } from './journal.js';
import type { Podman } from './podman.js';
import type { CompartmentSession } from './session.js';

/** The fields of a podman event entry this module reads (journalctl --output-fields). */
export const PODMAN_FIELDS = [
  'SYSLOG_IDENTIFIER',
  'PODMAN_TYPE',
  'PODMAN_EVENT',
  'PODMAN_NAME',
  'PODMAN_EXIT_CODE',
  'PODMAN_HEALTH_STATUS',
  'PODMAN_TIME',
  'PODMAN_LABELS',
];

/** journalctl matches for podman's container events (ANDed). */
export const podmanMatches = (): string[] => ['SYSLOG_IDENTIFIER=podman', 'PODMAN_TYPE=container'];

/** A podman event journal entry (podman's journald events logger) in the shape events.ts reads, or undefined. */
export function podmanEventOf(o: JournalFields): RawPodmanEvent | undefined {
  if (journalString(o, 'SYSLOG_IDENTIFIER') !== 'podman') return undefined;
  const type = journalString(o, 'PODMAN_TYPE');
  const status = journalString(o, 'PODMAN_EVENT');
  if (!type || !status) return undefined;
  const code = Number(journalString(o, 'PODMAN_EXIT_CODE'));
  let time = new Date(journalString(o, 'PODMAN_TIME') ?? '');
  if (Number.isNaN(time.getTime())) time = new Date(Number(realtimeOf(o) / 1000n));
  let attributes: Record<string, string> = {};
  const labels = journalString(o, 'PODMAN_LABELS');
  if (labels) {
    try {
      const parsed = JSON.parse(labels) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        attributes = Object.fromEntries(
          Object.entries(parsed as Record<string, unknown>).filter(
            (kv): kv is [string, string] => typeof kv[1] === 'string',
          ),
        );
      }
    } catch {
      // labels we cannot read: the event without them
    }
  }
  return {
    type,
    status,
    name: journalString(o, 'PODMAN_NAME') ?? '',
    exitCode: journalString(o, 'PODMAN_EXIT_CODE') !== undefined && Number.isInteger(code) ? code : undefined,
    health: journalString(o, 'PODMAN_HEALTH_STATUS') || undefined,
    time,
    attributes,
  };
}

export interface PodmanWatchDeps {
  podman: Pick<Podman, 'events'>;
  sessionFor(id: CompartmentId): Promise<CompartmentSession>;
  /** Which compartments need this source now (default: all). */
  wants?(id: CompartmentId): boolean;
  /** The events logger to read (default: the one containers.conf names). */
  backend?: 'file' | 'journald';
}

/**
 * A per-compartment source of `podman events` run as the compartment user. After a restart it asks podman for
 * events since the last one it saw (podman replays them from its event file) and skips those it already
 * published.
 */
export function podmanEventsSource(deps: PodmanWatchDeps): LiveSourceFactory {
  const lastSeen = new Map<CompartmentId, bigint>();
  const factory: LiveSourceFactory = {
    name: deps.backend === 'file' ? 'podman-events-file' : 'podman-events',
    async start(compartment: CompartmentId): Promise<LiveSource> {
      const session = await deps.sessionFor(compartment);
      const last = lastSeen.get(compartment);
      const options: { filters: string[]; since?: string; backend?: 'file' | 'journald' } = {
        filters: ['type=container'],
      };
      if (deps.backend) options.backend = deps.backend;
      if (last !== undefined) options.since = new Date(Number(last / 1_000_000n)).toISOString();
      const stream = deps.podman.events(session, options);
      const events: AsyncIterable<ContainerEvent> = {
        async *[Symbol.asyncIterator]() {
          for await (const raw of stream.events) {
            const seen = lastSeen.get(compartment);
            if (seen !== undefined && raw.timeNano <= seen) continue;
            lastSeen.set(compartment, raw.timeNano);
            const e = fromPodmanEvent(compartment, raw);
            if (e) yield e;
          }
        },
      };
      return { events, stop: () => stream.stop() };
    },
  };
  if (deps.wants) factory.wants = deps.wants;
  return factory;
}
