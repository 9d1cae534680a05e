// Unit tests of the live watchers' host side with a FakeExec / fake podman: the one journal reader of every
// compartment (argv, parsing, demultiplexing by UID, resume after a restart, UIDs that change), podman's journal
// events, the file events of not yet upgraded containers, stats with and without a memory controller, the
// terminal's command.
import { describe, expect, it } from 'vitest';
import { type CompartmentId, type LinuxUser, parseCompartmentId } from '../core/ids.js';
import type { LiveEvent } from '../core/live/events.js';
import { UNIT_MESSAGE_IDS } from '../core/live/events.js';
import { FakeExec } from './fake-exec.js';
import type { PodmanEvent } from './podman.js';
import { type CompartmentSession, makeSession } from './session.js';
import { JournalWatch, journalWatchArgv } from './watch-journal.js';
import { podmanEventOf, podmanEventsSource } from './watch-podman.js';
import { parseStats } from './watch-stats.js';
import { hangupArgv, PidAnnouncement, resolveContainer, terminalArgv } from './watch-terminal.js';

const s = makeSession('qm-web' as LinuxUser, 996, '/var/lib/quadletman/home/qm-web');
const C = parseCompartmentId('web');
const sessionFor = async (_id: CompartmentId) => s;

async function all(src: { events: AsyncIterable<LiveEvent> }): Promise<LiveEvent[]> {
  const out: LiveEvent[] = [];
  for await (const e of src.events) out.push(e);
  return out;
}

const db997 = makeSession('qm-db' as LinuxUser, 997, '/var/lib/quadletman/home/qm-db');
const DB = parseCompartmentId('db');

let seq = 0;
/** A journalctl -o json line with the trusted fields journald would set for `uid`'s user manager or podman. */
const manager = (uid: number, fields: Record<string, string>) =>
  JSON.stringify({
    __REALTIME_TIMESTAMP: '1795419904302227',
    __CURSOR: `c-${++seq}`,
    _UID: String(uid),
    _COMM: 'systemd',
    _SYSTEMD_UNIT: `user@${uid}.service`,
    _SYSTEMD_USER_UNIT: 'init.scope',
    ...fields,
  });
const podmanEntry = (uid: number, fields: Record<string, string>) =>
  JSON.stringify({
    __REALTIME_TIMESTAMP: '1795419904302227',
    __CURSOR: `c-${++seq}`,
    _UID: String(uid),
    SYSLOG_IDENTIFIER: 'podman',
    PODMAN_TYPE: 'container',
    PODMAN_TIME: '2026-11-23T07:45:04.302503301Z',
    ...fields,
  });

function sessions(map: Record<string, CompartmentSession>) {
  const calls: string[] = [];
  return {
    calls,
    sessionFor: async (id: CompartmentId) => {
      calls.push(id);
      const found = map[id];
      if (!found) throw new Error(`compartment user qm-${id} does not exist`);
      return found;
    },
  };
}

describe('journal watch (one reader for every compartment)', () => {
  it('follows user managers’ state changes OR podman’s container events, pinned to the boot', () => {
    const argv = journalWatchArgv({ boot: 'b00t' });
    expect(argv.slice(0, 2)).toEqual(['journalctl', '--follow']);
    expect(argv).toContain('--all');
    const fields = argv
      .find((a) => a.startsWith('--output-fields='))!
      .split('=')[1]!
      .split(',');
    expect(fields).toEqual(
      expect.arrayContaining(['_UID', 'USER_UNIT', 'EXIT_STATUS', 'PODMAN_EVENT', 'PODMAN_LABELS']),
    );
    const plus = argv.indexOf('+');
    const group1 = argv.slice(0, plus);
    const group2 = argv.slice(plus + 1);
    expect(group1).toEqual(expect.arrayContaining(['_COMM=systemd', '_SYSTEMD_USER_UNIT=init.scope']));
    expect(group1).toContain(`MESSAGE_ID=${UNIT_MESSAGE_IDS.failureResult}`);
    expect(group2).toEqual(expect.arrayContaining(['SYSLOG_IDENTIFIER=podman', 'PODMAN_TYPE=container']));
    expect(argv.some((a) => a.startsWith('_UID='))).toBe(false); // every user: no restart when compartments change
    expect(argv).toContain('--boot=b00t');
    expect(argv).toContain('--lines=0');
    const resumed = journalWatchArgv({ afterCursor: 's=1;i=2' });
    expect(resumed).toContain('--after-cursor=s=1;i=2');
    expect(resumed).not.toContain('--lines=0');
  });

  it('gives each entry to the compartment of its UID; drops other users’ and forged manager entries', async () => {
    const exec = new FakeExec().onStream(
      ['journalctl'],
      [
        manager(996, { MESSAGE_ID: UNIT_MESSAGE_IDS.started, USER_UNIT: 'web.service', JOB_RESULT: 'done' }),
        podmanEntry(997, {
          PODMAN_EVENT: 'died',
          PODMAN_NAME: 'systemd-db',
          PODMAN_EXIT_CODE: '137',
          PODMAN_LABELS: '{"PODMAN_SYSTEMD_UNIT":"db.service","x":"y"}',
        }),
        manager(996, {
          MESSAGE_ID: UNIT_MESSAGE_IDS.processExit,
          USER_UNIT: 'web.service',
          EXIT_CODE: 'exited',
          EXIT_STATUS: '137',
          COMMAND: 'ExecStart',
        }),
        // a process of the user that calls itself systemd, in a unit of its own: not the manager
        manager(996, {
          MESSAGE_ID: UNIT_MESSAGE_IDS.failureResult,
          USER_UNIT: 'db.service',
          UNIT_RESULT: 'exit-code',
          _SYSTEMD_USER_UNIT: 'evil.service',
        }),
        // the manager of another UID speaking of "web.service": not web's
        manager(1234, { MESSAGE_ID: UNIT_MESSAGE_IDS.failureResult, USER_UNIT: 'web.service', UNIT_RESULT: 'signal' }),
        manager(996, {
          MESSAGE_ID: UNIT_MESSAGE_IDS.failureResult,
          USER_UNIT: 'web.service',
          UNIT_RESULT: 'exit-code',
        }),
        'not json',
        podmanEntry(996, { PODMAN_EVENT: 'exec', PODMAN_NAME: 'systemd-web' }), // nobody watches exec
      ],
    );
    exec.on(['getent', 'passwd', '1234'], { stdout: 'alice:x:1234:1234::/home/alice:/bin/sh\n' });
    const known = sessions({ web: s, db: db997 });
    const seen: [CompartmentId, CompartmentSession][] = [];
    const w = new JournalWatch({
      exec,
      ...known,
      bootId: async () => 'b00t',
      onSession: (id, x) => seen.push([id, x]),
    });
    await w.watch(new Set([C, DB]));
    expect(w.covers(C) && w.covers(DB)).toBe(true);
    expect(seen.map(([id, x]) => `${id}:${x.uid}`)).toEqual(['web:996', 'db:997']);
    const events = await all(await w.start());
    expect(events.map((e) => [e.compartment, e.kind, e.name, e.state, e.exitCode])).toEqual([
      ['web', 'unit', 'web.service', 'active', undefined],
      ['db', 'container', 'systemd-db', 'died', 137],
      ['web', 'unit', 'web.service', 'deactivating', 137],
      ['web', 'unit', 'web.service', 'failed', 137],
    ]);
    expect(events[1]).toMatchObject({ unit: 'db.service', at: '2026-11-23T07:45:04.302Z' });
    expect(exec.find(['getent', 'passwd', '1234'])).toHaveLength(1); // looked up once, not a compartment
    expect(exec.calls[0]!.argv).toContain('--boot=b00t');

    // a restart resumes after the last entry read
    await w.start();
    expect(exec.calls.filter((c) => c.argv[0] === 'journalctl').at(-1)!.argv).toContain(`--after-cursor=c-${seq}`);
  });

  it('forgets compartments that are gone, and their UIDs', async () => {
    const exec = new FakeExec().onStream(
      ['journalctl'],
      [podmanEntry(997, { PODMAN_EVENT: 'start', PODMAN_NAME: 'x' })],
    );
    exec.on(['getent', 'passwd'], { code: 2 });
    const w = new JournalWatch({ exec, ...sessions({ web: s, db: db997 }), bootId: async () => undefined });
    await w.watch(new Set([C, DB]));
    await w.watch(new Set([C]));
    expect(w.covers(DB)).toBe(false);
    expect([...w.knownSessions().keys()]).toEqual(['web']);
    expect(await all(await w.start())).toEqual([]);
  });

  it('retries a compartment without a user later, not at every sync', async () => {
    let t = 0;
    const map: Record<string, CompartmentSession> = {};
    const known = sessions(map);
    const warnings: string[] = [];
    const w = new JournalWatch({
      exec: new FakeExec(),
      ...known,
      bootId: async () => undefined,
      now: () => t,
      log: { warn: (m) => warnings.push(m) },
    });
    await w.watch(new Set([C]));
    expect(w.covers(C)).toBe(false);
    expect(warnings).toHaveLength(1);
    t = 1_000;
    await w.watch(new Set([C]));
    expect(known.calls).toEqual(['web']);
    map.web = s;
    t = 2_000;
    await w.watch(new Set([C]));
    expect(known.calls).toEqual(['web', 'web']);
    expect(w.covers(C)).toBe(true);
  });

  it('follows a compartment created again under the same name with a new UID', async () => {
    const again = makeSession('qm-web' as LinuxUser, 990, '/var/lib/quadletman/home/qm-web');
    const map: Record<string, CompartmentSession> = { web: s };
    let lines: string[] = [];
    const exec = new FakeExec();
    exec.stream = (argv) => {
      exec.calls.push({ argv: [...argv], options: {} });
      const items = lines;
      const end = { code: 0, signal: null, stderr: '', stopped: false };
      return {
        lines: (async function* () {
          yield* items;
        })(),
        stop: async () => end,
        done: Promise.resolve(end),
      };
    };
    exec.on(['getent', 'passwd', '990'], {
      stdout: 'qm-web:x:990:990::/var/lib/quadletman/home/qm-web:/sbin/nologin\n',
    });
    const seen: number[] = [];
    const w = new JournalWatch({
      exec,
      ...sessions(map),
      bootId: async () => undefined,
      onSession: (_id, x) => seen.push(x.uid),
    });
    await w.watch(new Set([C]));
    map.web = again; // deleted and created again between two syncs
    lines = [podmanEntry(990, { PODMAN_EVENT: 'start', PODMAN_NAME: 'first' })];
    expect(await all(await w.start())).toEqual([]); // unknown UID: looked up in the background
    await new Promise((r) => setTimeout(r, 10));
    expect(w.knownSessions().get(C)?.uid).toBe(990);
    expect(seen).toEqual([996, 990]);
    lines = [
      podmanEntry(990, { PODMAN_EVENT: 'start', PODMAN_NAME: 'second' }),
      podmanEntry(996, { PODMAN_EVENT: 'start', PODMAN_NAME: 'old uid' }),
    ];
    expect((await all(await w.start())).map((e) => `${e.compartment}/${e.name}`)).toEqual(['web/second']);
  });
});

describe('podman events in the journal', () => {
  const o = (fields: Record<string, unknown>) => ({
    __REALTIME_TIMESTAMP: '1795419904302227',
    SYSLOG_IDENTIFIER: 'podman',
    PODMAN_TYPE: 'container',
    PODMAN_EVENT: 'died',
    PODMAN_NAME: 'web',
    ...fields,
  });
  it('reads podman’s fields: status, name, exit code, health, time, labels', () => {
    expect(
      podmanEventOf(
        o({
          PODMAN_EXIT_CODE: '0',
          PODMAN_TIME: '2026-12-03T11:51:16.810495371+01:00',
          PODMAN_LABELS: '{"PODMAN_SYSTEMD_UNIT":"web.service","n":1}',
        }),
      ),
    ).toEqual({
      type: 'container',
      status: 'died',
      name: 'web',
      exitCode: 0,
      health: undefined,
      time: new Date('2026-12-03T10:51:16.810Z'),
      attributes: { PODMAN_SYSTEMD_UNIT: 'web.service' },
    });
    expect(podmanEventOf(o({ PODMAN_EVENT: 'health_status', PODMAN_HEALTH_STATUS: 'healthy' }))?.health).toBe(
      'healthy',
    );
  });
  it('falls back to the entry’s time; survives labels it cannot read; ignores what is not podman’s', () => {
    const e = podmanEventOf(o({ PODMAN_TIME: 'garbage', PODMAN_LABELS: '{not json' }));
    expect(e?.time.toISOString()).toBe('2026-11-23T07:45:04.302Z');
    expect(e?.attributes).toEqual({});
    expect(e?.exitCode).toBeUndefined();
    expect(podmanEventOf(o({ SYSLOG_IDENTIFIER: 'web' }))).toBeUndefined();
    expect(podmanEventOf(o({ PODMAN_EVENT: undefined }))).toBeUndefined();
  });
});

describe('podman events from the event file (containers not yet upgraded)', () => {
  const pe = (status: string, nano: bigint): PodmanEvent => ({
    type: 'container',
    status,
    id: 'abc',
    name: 'web',
    image: undefined,
    exitCode: status === 'died' ? 137 : undefined,
    health: undefined,
    time: new Date(Number(nano / 1_000_000n)),
    timeNano: nano,
    attributes: {},
  });

  it('asks the file logger for container events; after a restart, since the last one seen, skipping those already published', async () => {
    const calls: { filters?: readonly string[]; since?: string; backend?: string }[] = [];
    let batch: PodmanEvent[] = [pe('start', 1_000_000_000n), pe('died', 2_000_000_000n)];
    const podman = {
      events: (_s: unknown, options: { filters?: readonly string[]; since?: string; backend?: string } = {}) => {
        calls.push(options);
        const items = batch;
        return {
          events: (async function* () {
            yield* items;
          })(),
          stop: async () => undefined,
        };
      },
    };
    const f = podmanEventsSource({ podman, sessionFor, backend: 'file', wants: (id) => id === C });
    expect(f.wants?.(C)).toBe(true);
    expect(f.wants?.(DB)).toBe(false);
    expect((await all(await f.start(C))).map((e) => e.state)).toEqual(['started', 'died']);
    expect(calls[0]).toEqual({ filters: ['type=container'], backend: 'file' });
    batch = [pe('died', 2_000_000_000n), pe('remove', 3_000_000_000n)];
    expect((await all(await f.start(C))).map((e) => e.state)).toEqual(['removed']);
    expect(calls[1]).toEqual({ filters: ['type=container'], backend: 'file', since: '1970-01-01T00:00:02.000Z' });
  });
});

describe('stats', () => {
  const line = JSON.stringify({
    ContainerID: 'abc',
    Name: 'web',
    CPU: 0.3402707897858178,
    CPUNano: 5762000,
    MemUsage: 0,
    MemLimit: 25276510208,
    MemPerc: 0,
    PIDs: 0,
  });
  it('reports memory and pids as null where the cgroup has no such controller (not 0)', () => {
    expect(parseStats(`${line}\n`, new Set(['cpu']))).toEqual([
      {
        name: 'web',
        id: 'abc',
        cpuPercent: 0.34,
        cpuNanos: 5762000,
        memoryBytes: null,
        memoryLimitBytes: null,
        memoryPercent: null,
        pids: null,
      },
    ]);
  });
  it('reports them where it has', () => {
    const [st] = parseStats(line.replace('"MemUsage":0', '"MemUsage":1048576'), new Set(['cpu', 'memory', 'pids']));
    expect(st).toMatchObject({ memoryBytes: 1048576, memoryLimitBytes: 25276510208, memoryPercent: 0, pids: 0 });
  });
  it('skips warnings and junk', () => {
    expect(parseStats('time="…" level=warning msg="x"\n{bad\n', new Set())).toEqual([]);
  });
});

describe('terminal', () => {
  it('runs podman exec -it of a shell that announces its pid, as the compartment user through session.ts', () => {
    const argv = terminalArgv(s, 'web');
    expect(argv.slice(0, 4)).toEqual(['runuser', '-u', 'qm-web', '--']);
    expect(argv).toContain('XDG_RUNTIME_DIR=/run/user/996');
    const i = argv.indexOf('podman');
    expect(argv.slice(i, i + 11)).toEqual([
      'podman',
      'exec',
      '-it',
      '--detach-keys=',
      '-e',
      'TERM=xterm-256color',
      '--',
      'web',
      'sh',
      '-c',
      `printf '\\033]qm-pid;%s\\007' "$$"; exec sh`,
    ]);
  });

  it('hangs up the shell inside the container by pid, passed as an argument (never spliced into the script)', () => {
    const argv = hangupArgv(s, 'web', 42);
    const i = argv.indexOf('podman');
    expect(argv.slice(i)).toEqual([
      'podman',
      'exec',
      '--',
      'web',
      'sh',
      '-c',
      'kill -HUP "$1" 2>/dev/null; sleep 1; kill -KILL "$1" 2>/dev/null; exit 0',
      'sh',
      '42',
    ]);
    expect(() => hangupArgv(s, 'web', 1)).toThrow(/invalid pid/);
    expect(() => hangupArgv(s, '-x', 5)).toThrow(/invalid container/);
  });

  it('takes the pid announcement out of the output, however it is split', () => {
    const text = 'before\x1b]qm-pid;1234\x07/ # ';
    for (let cut = 0; cut <= text.length; cut++) {
      const a = new PidAnnouncement();
      const out = a.feed(text.slice(0, cut)) + a.feed(text.slice(cut)) + a.feed('ls\r\n');
      expect(out).toBe('before/ # ls\r\n');
      expect(a.pid).toBe(1234);
    }
    const plain = new PidAnnouncement();
    expect(plain.feed('Error: no such container\r\n')).toBe('Error: no such container\r\n');
    expect(plain.pid).toBeUndefined();
    // colours (ESC sequences) pass through once they cannot be the announcement
    const colours = new PidAnnouncement();
    expect(colours.feed('\x1b[1mbold') + colours.feed('x'.repeat(40))).toBe(`\x1b[1mbold${'x'.repeat(40)}`);
  });

  it("finds a unit's container by its unit label (Quadlet's systemd-<name>, or ContainerName=), else the name itself", async () => {
    const exec = new FakeExec()
      .on(['label=PODMAN_SYSTEMD_UNIT=web.service'], { stdout: 'systemd-web\n' })
      .on(['label=PODMAN_SYSTEMD_UNIT=db.service'], { stdout: 'custom-db\n' });
    expect(await resolveContainer(exec, s, 'web')).toBe('systemd-web');
    expect(await resolveContainer(exec, s, 'db')).toBe('custom-db');
    expect(await resolveContainer(exec, s, 'systemd-web')).toBe('systemd-web');
    const ps = exec.calls[0]!.argv;
    expect(ps.slice(0, 4)).toEqual(['runuser', '-u', 'qm-web', '--']);
    expect(ps.slice(ps.indexOf('podman'))).toEqual([
      'podman',
      'ps',
      '--filter',
      'label=PODMAN_SYSTEMD_UNIT=web.service',
      '--format',
      '{{.Names}}',
    ]);
    // two containers for one unit (a pod's?): no guess, the name as given
    const two = new FakeExec().on(['ps'], { stdout: 'a\nb\n' });
    expect(await resolveContainer(two, s, 'x')).toBe('x');
    await expect(resolveContainer(exec, s, '--all')).rejects.toThrow(/invalid container name/);
  });

  it('refuses container names that could be options', () => {
    expect(() => terminalArgv(s, '--privileged')).toThrow(/invalid container name/);
    expect(() => terminalArgv(s, 'a b')).toThrow(/invalid container name/);
  });
});
