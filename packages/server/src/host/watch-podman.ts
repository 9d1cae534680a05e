// Live container events of a compartment: runs `podman events --format json --filter type=container` as the
// compartment user (podman.ts's events stream; the compartment's containers.conf logs events to a file the
// user can read). Changes nothing on the machine; the process lives until the watcher stops it.
//
// Measured in the sandbox (podman 5.4, file events logger): a `died` event reaches us ~230 ms after its own
// timestamp and ~300-380 ms after `podman kill` is started (the kill command itself takes ~150-350 ms).

import type { CompartmentId } from '../core/ids.js';
import { type ContainerEvent, fromPodmanEvent } from '../core/live/events.js';
import type { LiveSource, LiveSourceFactory } from '../core/live/watchers.js';
import type { Podman } from './podman.js';
import type { CompartmentSession } from './session.js';

export interface PodmanWatchDeps {
  podman: Pick<Podman, 'events'>;
  sessionFor(id: CompartmentId): Promise<CompartmentSession>;
}

/**
 * A source factory for the watchers. After a restart it asks podman for events since the last one it saw
 * (podman replays them from its event file) and skips those it already published.
 */
export function podmanEventsSource(deps: PodmanWatchDeps): LiveSourceFactory {
  const lastSeen = new Map<CompartmentId, bigint>();
  return {
    name: 'podman-events',
    async start(compartment: CompartmentId): Promise<LiveSource> {
      const session = await deps.sessionFor(compartment);
      const last = lastSeen.get(compartment);
      const options: { filters: string[]; since?: string } = { filters: ['type=container'] };
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
}
