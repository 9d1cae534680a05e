// The upgrade to podman events in the journal: containers.conf rewritten through the file agent (as the user),
// conmon processes whose containers still log events to a file found in a /proc-shaped folder, and the file
// events source wanted exactly for the compartments that have one.
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CompartmentId, type LinuxUser, parseCompartmentId } from '../core/ids.js';
import { FakeExec } from './fake-exec.js';
import { type CompartmentSession, makeSession } from './session.js';
import { containersConf, LOOPBACK_CONF, loopbackConf } from './storage-conf.js';
import {
  CONTAINERS_CONF,
  type ConfUpgrade,
  cleanupLogsEventsToFile,
  compartmentsWithFileEvents,
  ensureJournaldEvents,
  LegacyEvents,
  logsEventsToFile,
} from './watch-legacy.js';

const OLD_CONF = '# Written by quadletman.\n[engine]\nevents_logger = "file"\n';
const s = makeSession('qm-web' as LinuxUser, 996, '/var/lib/quadletman/home/qm-web');
const WEB = parseCompartmentId('web');
const DB = parseCompartmentId('db');

/** conmon's command line as podman 5.4 builds it (abridged), with the events logger its cleanup will use. */
const conmon = (backend: string) => [
  '/usr/bin/conmon',
  '--api-version',
  '1',
  '-n',
  'web',
  '--exit-command',
  '/usr/bin/podman',
  '--exit-command-arg',
  '--root',
  '--exit-command-arg',
  '/x/storage',
  '--exit-command-arg',
  '--events-backend',
  '--exit-command-arg',
  backend,
  '--exit-command-arg',
  'container',
  '--exit-command-arg',
  'cleanup',
];

describe('containers.conf upgrade, as the compartment user', () => {
  /** A FakeExec answering the file agent: `read` of containers.conf with `text` and of the loopback drop-in with
   * `loopback` (or ENOENT; null: missing), `write` with ok. */
  function agent(text: string | undefined, loopback: string | null = loopbackConf()) {
    const exec = new FakeExec();
    const batches: { ops: { op: string; path: string; text?: string }[] }[] = [];
    exec.on(
      (argv) => argv.some((a) => a.endsWith('file-agent.cjs')),
      (argv, options) => {
        const req = JSON.parse(String(options.input)) as { ops: { op: string; path: string; text?: string }[] };
        batches.push(req);
        expect(argv.slice(0, 4)).toEqual(['runuser', '-u', 'qm-web', '--']);
        const results = req.ops.map((op) => {
          const has = op.path === LOOPBACK_CONF ? (loopback ?? undefined) : text;
          return op.op === 'read'
            ? has === undefined
              ? { ok: false, code: 'ENOENT', message: 'no such file' }
              : { ok: true, text: has, mode: 0o644 }
            : { ok: true };
        });
        return { stdout: JSON.stringify({ results }) };
      },
    );
    return { exec, batches };
  }

  it('rewrites the file the previous release wrote', async () => {
    const { exec, batches } = agent(OLD_CONF);
    expect(await ensureJournaldEvents(exec, s)).toBe<ConfUpgrade>('upgraded');
    expect(batches.map((b) => b.ops.map((o) => `${o.op} ${o.path}`))).toEqual([
      [`read ${CONTAINERS_CONF}`],
      [`read ${LOOPBACK_CONF}`],
      [`write ${CONTAINERS_CONF}`],
    ]);
    expect(batches[2]!.ops[0]!.text).toBe(containersConf());
  });

  it('adds the loopback drop-in to a compartment made before it', async () => {
    const { exec, batches } = agent(containersConf(), null);
    expect(await ensureJournaldEvents(exec, s)).toBe<ConfUpgrade>('upgraded');
    expect(batches[2]!.ops.map((o) => `${o.op} ${o.path}`)).toEqual([`write ${LOOPBACK_CONF}`]);
    expect(batches[2]!.ops[0]!.text).toBe(loopbackConf());
    expect(loopbackConf()).toContain('pasta_options = ["--map-host-loopback", "169.254.1.3"]');
  });

  it('only reads a file that is right already; writes a missing one', async () => {
    const ok = agent(containersConf());
    expect(await ensureJournaldEvents(ok.exec, s)).toBe('unchanged');
    expect(ok.batches).toHaveLength(2);
    const missing = agent(undefined);
    expect(await ensureJournaldEvents(missing.exec, s)).toBe('upgraded');
    expect(missing.batches[2]!.ops[0]!.text).toBe(containersConf());
  });
});

describe('containers still logging their events to a file', () => {
  it('are told by the events logger on their conmon’s exit command', () => {
    expect(logsEventsToFile(conmon('file'))).toBe(true);
    expect(logsEventsToFile(conmon('journald'))).toBe(false);
    expect(logsEventsToFile(['/usr/bin/conmon', '--events-backend', 'file'])).toBe(false); // not the exit command's
    expect(logsEventsToFile(['/usr/bin/conmon', '--exit-command-arg', '--events-backend=file'])).toBe(true);
  });

  it('and by their cleanup, still running after their conmon is gone', () => {
    const cleanup = (backend: string[]) => [
      '/usr/bin/podman',
      '--root',
      '/x/storage',
      ...backend,
      'container',
      'cleanup',
      'abc',
    ];
    expect(cleanupLogsEventsToFile(cleanup(['--events-backend', 'file']))).toBe(true);
    expect(cleanupLogsEventsToFile(cleanup(['--events-backend=file']))).toBe(true);
    expect(cleanupLogsEventsToFile(cleanup(['--events-backend', 'journald']))).toBe(false);
    expect(cleanupLogsEventsToFile(cleanup([]))).toBe(false);
    // the logger named after the command is not podman's global option
    expect(cleanupLogsEventsToFile(['/usr/bin/podman', 'container', 'cleanup', '--events-backend', 'file'])).toBe(
      false,
    );
    expect(cleanupLogsEventsToFile(['/usr/bin/podman', '--events-backend', 'file', 'events'])).toBe(false);
  });

  let proc: string;
  beforeEach(async () => {
    proc = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-proc-'));
  });
  afterEach(async () => {
    await fsp.rm(proc, { recursive: true, force: true });
  });
  async function processEntry(pid: number, comm: string, cmdline: string[]) {
    await fsp.mkdir(path.join(proc, String(pid)));
    await fsp.writeFile(path.join(proc, String(pid), 'comm'), `${comm}\n`);
    await fsp.writeFile(path.join(proc, String(pid), 'cmdline'), `${cmdline.join('\0')}\0`);
  }

  it('are found in /proc among the processes of the watched compartments’ users', async () => {
    const me = (await fsp.stat(proc)).uid;
    await processEntry(10, 'conmon', conmon('journald'));
    await processEntry(11, 'conmon', conmon('file'));
    await processEntry(12, 'sleep', ['sleep', '--exit-command-arg', '--events-backend', '--exit-command-arg', 'file']);
    await fsp.mkdir(path.join(proc, 'self'));
    expect([...(await compartmentsWithFileEvents(new Map([[me, WEB]]), proc))]).toEqual([WEB]);
    // the conmon gone, the cleanup it started still running
    await fsp.rm(path.join(proc, '11'), { recursive: true });
    expect([...(await compartmentsWithFileEvents(new Map([[me, WEB]]), proc))]).toEqual([]);
    await processEntry(13, 'podman', ['/usr/bin/podman', '--events-backend', 'file', 'container', 'cleanup', 'abc']);
    expect([...(await compartmentsWithFileEvents(new Map([[me, WEB]]), proc))]).toEqual([WEB]);
    expect([...(await compartmentsWithFileEvents(new Map([[me + 1, DB]]), proc))]).toEqual([]);
    expect([...(await compartmentsWithFileEvents(new Map(), proc))]).toEqual([]);
    expect([...(await compartmentsWithFileEvents(new Map([[me, WEB]]), path.join(proc, 'missing')))]).toEqual([]);
  });

  it('get podman events from the file until they are gone; the others none', async () => {
    const me = (await fsp.stat(proc)).uid;
    // the folder's owner (root when tests run as root, which makeSession refuses) stands for web's UID
    const web: CompartmentSession = { ...makeSession('qm-web' as LinuxUser, 996, '/h/qm-web'), uid: me };
    const db: CompartmentSession = { ...makeSession('qm-db' as LinuxUser, 997, '/h/qm-db'), uid: me + 1 };
    const sessions = new Map<CompartmentId, CompartmentSession>([
      [WEB, web],
      [DB, db],
    ]);
    await processEntry(11, 'conmon', conmon('file'));
    const upgraded: string[] = [];
    const warnings: string[] = [];
    const legacy = new LegacyEvents({
      exec: new FakeExec(),
      podman: { events: () => ({ events: (async function* () {})(), stop: async () => undefined }) },
      sessionFor: async (id) => sessions.get(id)!,
      sessions: () => sessions,
      procRoot: proc,
      rescanMs: 3_600_000, // the test looks again itself
      ensure: async (x) => {
        upgraded.push(x.user);
        return x === web ? 'upgraded' : 'unchanged';
      },
      log: { warn: (m) => warnings.push(m) },
    });
    expect(legacy.source.name).toBe('podman-events-file');
    legacy.onSession(WEB, web);
    legacy.onSession(DB, db);
    const until = async (pred: () => boolean) => {
      for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 5));
      expect(pred()).toBe(true);
    };
    await until(() => legacy.source.wants?.(WEB) === true);
    expect(upgraded.sort()).toEqual(['qm-db', 'qm-web']);
    expect(legacy.source.wants?.(DB)).toBe(false);
    expect(warnings).toContain('live watch: containers.conf now logs podman events to the journal');
    // the old container restarted under the journald logger: the next look finds none, and web is read for one
    // more period (its cleanup's last events), then no more
    await fsp.rm(path.join(proc, '11'), { recursive: true });
    await processEntry(12, 'conmon', conmon('journald'));
    await legacy.lookNow();
    expect(legacy.source.wants?.(WEB)).toBe(true);
    await legacy.lookNow();
    expect(legacy.source.wants?.(WEB)).toBe(false);
    expect(legacy.compartments()).toEqual([]);
    legacy.close();
  });
});
