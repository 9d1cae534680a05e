// The upgrade to podman events in the journal, on a real host (inside the sandbox, as root): a compartment made
// as before this release (containers.conf `events_logger = "file"`) runs a container that ends by itself a few
// seconds later (long enough for the file reader to start first on a busy machine: 10 s were not, once). The
// live watching (one journal reader + the legacy events) upgrades the containers.conf as the user, finds the
// container's conmon still logging to the file, reads the file's events for that compartment — the container's
// death, which podman's cleanup logs to the file only, arrives (on a busy machine, seconds after the conmon has
// gone) — and stops reading them once that container and its cleanup are gone. Changes on the machine: creates and deletes the compartment `qmt-legacy`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCompartmentId } from '../core/ids.js';
import type { LiveEvent } from '../core/live/events.js';
import { LiveWatchers } from '../core/live/watchers.js';
import { importBusyboxImage } from './busybox-image.js';
import { createHostAdapters } from './index.js';
import { type CompartmentSession, userPodman } from './session.js';
import { containersConf } from './storage-conf.js';
import { UserFiles } from './user-files.js';
import { JournalWatch } from './watch-journal.js';
import { CONTAINERS_CONF, LegacyEvents } from './watch-legacy.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const h = createHostAdapters();
const ID = parseCompartmentId('qmt-legacy');
const OLD_CONF = '# Written by quadletman.\n[engine]\nevents_logger = "file"\n';

const until = async (what: string, pred: () => boolean, ms: number) => {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.skipIf(!onHost)('containers that log their events to a file, after the upgrade', () => {
  let s: CompartmentSession;
  beforeAll(async () => {
    await h.users.delete(ID).catch(() => undefined);
    await h.users.create(ID);
    s = await h.users.sessionFor(ID);
    await importBusyboxImage(h.exec, h.podman, s);
    // the compartment as the previous release made it, with a container started then
    await new UserFiles(h.exec, s).write(CONTAINERS_CONF, OLD_CONF);
    await h.exec.run(
      userPodman(s, ['run', '-d', '--name', 'old', 'localhost/busybox:latest', 'sh', '-c', 'sleep 20; exit 3']),
    );
  }, 120_000);
  afterAll(async () => {
    await h.users.delete(ID).catch(() => undefined);
  });

  it('upgrades containers.conf, reads the old container’s death from the file, then stops reading it', async () => {
    const got: LiveEvent[] = [];
    const sessionFor = async () => s;
    let journal: JournalWatch | undefined;
    const legacy = new LegacyEvents({
      exec: h.exec,
      podman: h.podman,
      sessionFor,
      sessions: () => journal!.knownSessions(),
      rescanMs: 1_000,
    });
    journal = new JournalWatch({
      exec: h.exec,
      sessionFor,
      bootId: () => h.journal.currentBootId(),
      onSession: (id, x) => legacy.onSession(id, x),
    });
    const watchers = new LiveWatchers({ shared: [journal], factories: [legacy.source], publish: (e) => got.push(e) });
    watchers.autoSync(() => [ID], 200);
    try {
      await until(
        'the file events source runs',
        () => watchers.status().some((x) => x.source === 'podman-events-file'),
        15_000,
      );
      expect(await new UserFiles(h.exec, s).readFile(CONTAINERS_CONF)).toBe(containersConf());
      await until(
        'the old container’s death',
        () => got.some((e) => e.kind === 'container' && e.name === 'old' && e.state === 'died'),
        40_000,
      ).catch((err: Error) => {
        const seen = got.map((e) => (e.kind === 'container' ? `${e.name} ${e.state}` : e.kind));
        throw new Error(`${err.message}; events seen: ${seen.join(', ') || 'none'}`);
      });
      expect(got.find((e) => e.name === 'old' && e.state === 'died')).toMatchObject({ compartment: ID, exitCode: 3 });
      // its conmon is gone: the next look finds no container logging to a file, and the source stops
      await until(
        'the file events source stops',
        () => !watchers.status().some((x) => x.source === 'podman-events-file'),
        15_000,
      );
      // a container started now logs to the journal, which the one reader sees
      const n = got.length;
      await h.exec.run(userPodman(s, ['run', '--rm', '--name', 'new', 'localhost/busybox:latest', 'true']));
      await until(
        'the new container’s events from the journal',
        () => got.slice(n).some((e) => e.name === 'new' && e.state === 'died'),
        10_000,
      );
      expect(legacy.compartments()).toEqual([]);
    } finally {
      legacy.close();
      await watchers.close();
    }
  }, 120_000);
});
