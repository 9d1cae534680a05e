// Unit tests of the live watchers' host side with a FakeExec / fake podman: argv, parsing, resume after a
// restart, stats with and without a memory controller, the terminal's command.
import { describe, expect, it } from 'vitest';
import { type CompartmentId, type LinuxUser, parseCompartmentId } from '../core/ids.js';
import type { LiveEvent } from '../core/live/events.js';
import { UNIT_MESSAGE_IDS } from '../core/live/events.js';
import { FakeExec } from './fake-exec.js';
import type { PodmanEvent } from './podman.js';
import { makeSession } from './session.js';
import { podmanEventsSource } from './watch-podman.js';
import { parseStats } from './watch-stats.js';
import { hangupArgv, PidAnnouncement, terminalArgv } from './watch-terminal.js';
import { parseUnitMessage, unitJournalSource, unitWatchArgv } from './watch-units.js';

const s = makeSession('qm-web' as LinuxUser, 996, '/var/lib/quadletman/home/qm-web');
const C = parseCompartmentId('web');
const sessionFor = async (_id: CompartmentId) => s;

async function all(src: { events: AsyncIterable<LiveEvent> }): Promise<LiveEvent[]> {
  const out: LiveEvent[] = [];
  for await (const e of src.events) out.push(e);
  return out;
}

const jline = (fields: Record<string, string>) =>
  JSON.stringify({
    __REALTIME_TIMESTAMP: '1795419904302227',
    __CURSOR: `c-${fields.MESSAGE_ID?.slice(0, 4)}`,
    ...fields,
  });

describe('unit journal watcher', () => {
  it('follows the manager process of the compartment’s UID, state-change message ids only, pinned to the boot', () => {
    const argv = unitWatchArgv(s, { boot: 'b00t' });
    expect(argv.slice(0, 2)).toEqual(['journalctl', '--follow']);
    expect(argv).toContain('_UID=996');
    expect(argv).toContain('_SYSTEMD_UNIT=user@996.service');
    expect(argv).toContain('_COMM=systemd');
    expect(argv).toContain(`MESSAGE_ID=${UNIT_MESSAGE_IDS.failureResult}`);
    expect(argv).toContain('--boot=b00t');
    expect(argv).toContain('--lines=0');
    const resumed = unitWatchArgv(s, { afterCursor: 's=1;i=2' });
    expect(resumed).toContain('--after-cursor=s=1;i=2');
    expect(resumed).not.toContain('--lines=0');
  });

  it('parses entries, ignoring lines that are not unit messages', () => {
    expect(parseUnitMessage('not json')).toBeUndefined();
    expect(parseUnitMessage('{"MESSAGE_ID":"x"}')).toBeUndefined();
    const p = parseUnitMessage(
      jline({ MESSAGE_ID: UNIT_MESSAGE_IDS.failureResult, USER_UNIT: 'web.service', UNIT_RESULT: 'exit-code' }),
    );
    expect(p?.message).toMatchObject({ unit: 'web.service', unitResult: 'exit-code' });
    expect(p?.message.time.toISOString()).toBe('2026-11-23T07:45:04.302Z');
  });

  it('turns exit + failure into one failed event with the exit code; resumes after the last cursor', async () => {
    const exec = new FakeExec().onStream(
      ['journalctl'],
      [
        jline({
          MESSAGE_ID: UNIT_MESSAGE_IDS.started,
          USER_UNIT: 'web.service',
          JOB_TYPE: 'start',
          JOB_RESULT: 'done',
        }),
        jline({
          MESSAGE_ID: UNIT_MESSAGE_IDS.processExit,
          USER_UNIT: 'web.service',
          EXIT_CODE: 'exited',
          EXIT_STATUS: '137',
          COMMAND: 'ExecStart',
        }),
        jline({ MESSAGE_ID: UNIT_MESSAGE_IDS.failureResult, USER_UNIT: 'web.service', UNIT_RESULT: 'exit-code' }),
      ],
    );
    const f = unitJournalSource({ exec, sessionFor, bootId: async () => 'b00t' });
    const events = await all(await f.start(C));
    expect(events.map((e) => [e.kind, e.name, e.state, e.exitCode])).toEqual([
      ['unit', 'web.service', 'active', undefined],
      ['unit', 'web.service', 'deactivating', 137],
      ['unit', 'web.service', 'failed', 137],
    ]);
    await f.start(C);
    expect(exec.calls[1]!.argv).toContain(`--after-cursor=c-${UNIT_MESSAGE_IDS.failureResult.slice(0, 4)}`);
  });
});

describe('podman events watcher', () => {
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

  it('asks for container events; after a restart, since the last one seen, skipping those already published', async () => {
    const calls: { filters?: readonly string[]; since?: string }[] = [];
    let batch: PodmanEvent[] = [pe('start', 1_000_000_000n), pe('died', 2_000_000_000n)];
    const podman = {
      events: (_s: unknown, options: { filters?: readonly string[]; since?: string } = {}) => {
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
    const f = podmanEventsSource({ podman, sessionFor });
    expect((await all(await f.start(C))).map((e) => e.state)).toEqual(['started', 'died']);
    expect(calls[0]).toEqual({ filters: ['type=container'] });
    batch = [pe('died', 2_000_000_000n), pe('remove', 3_000_000_000n)];
    expect((await all(await f.start(C))).map((e) => e.state)).toEqual(['removed']);
    expect(calls[1]).toEqual({ filters: ['type=container'], since: '1970-01-01T00:00:02.000Z' });
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

  it('refuses container names that could be options', () => {
    expect(() => terminalArgv(s, '--privileged')).toThrow(/invalid container name/);
    expect(() => terminalArgv(s, 'a b')).toThrow(/invalid container name/);
  });
});
