// Measures the candidate sources of live state in the sandbox host (runs as root inside it): how long after a
// `podman kill` each source reports the container's death / the unit's failure — podman's events in the journal
// (the compartment's containers.conf logs them there), the user manager's journal, `busctl --user monitor` and
// one `systemctl --user show` (the polling fallback). Prints the lines behind the choices in watch-journal.ts and
// watch-units.ts (QUADLETMAN_WATCH_TRIALS trials, default 2); asserts only that the journal shows podman's
// `died` event, and that `podman events` as the user does not (the user cannot read the system journal: the
// server is the reader). Changes on the machine: creates and deletes the compartment `qmt-watchsrc`, runs a
// busybox container in it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCompartmentId, parseUnitName } from '../core/ids.js';
import { importBusyboxImage } from './busybox-image.js';
import { hostExec, type LineStream } from './exec.js';
import { createHostAdapters } from './index.js';
import { asUser, type CompartmentSession, userSystemctl } from './session.js';
import { UnitFiles } from './unit-files.js';

const onHost = process.env.QUADLETMAN_SANDBOX === '1';
const h = createHostAdapters();
const ID = parseCompartmentId('qmt-watchsrc');
const UNIT = parseUnitName('web.service');

const CONTAINER = `[Container]
Image=localhost/busybox:latest
ContainerName=web
Exec=busybox httpd -f -p 18501 -h /
RunInit=true
PublishPort=127.0.0.1:18501:18501
[Service]
SuccessExitStatus=143
`;

interface Seen {
  source: string;
  at: number;
  line: string;
}

const FIELDS = [
  'MESSAGE_ID',
  'MESSAGE',
  'USER_UNIT',
  'JOB_TYPE',
  'JOB_RESULT',
  'UNIT_RESULT',
  'EXIT_CODE',
  'EXIT_STATUS',
  'COMMAND',
  'Status',
  'ContainerExitCode',
  'PODMAN_EVENT',
  'PODMAN_EXIT_CODE',
];

/** The interesting fields of a JSON line, and how long after the event's own timestamp it arrived. */
function brief(line: string): string {
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of FIELDS) if (k in o) out[k] = o[k];
    const stamp =
      typeof o.__REALTIME_TIMESTAMP === 'string'
        ? Number(o.__REALTIME_TIMESTAMP) / 1000
        : typeof o.timeNano === 'number'
          ? o.timeNano / 1e6
          : undefined;
    if (stamp !== undefined) out.delayMs = Math.round(Date.now() - stamp);
    return JSON.stringify(out);
  } catch {
    return line.slice(0, 300);
  }
}

function collect(name: string, st: LineStream, seen: Seen[], pred: (l: string) => boolean): void {
  void (async () => {
    for await (const line of st.lines) {
      if (pred(line)) seen.push({ source: name, at: performance.now(), line: brief(line) });
    }
  })();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!onHost)('live state sources (measurement)', () => {
  let s: CompartmentSession;
  beforeAll(async () => {
    await h.users.delete(ID).catch(() => undefined);
    await h.users.create(ID);
    s = await h.users.sessionFor(ID);
    await importBusyboxImage(h.exec, h.podman, s);
    await new UnitFiles(hostExec, s).write(parseUnitName('web.container'), CONTAINER);
    await h.systemd.daemonReload(s);
  });
  afterAll(async () => {
    await h.users.delete(ID).catch(() => undefined);
  });

  it('measures podman events, journal, busctl monitor and polling', async () => {
    const boot = await h.journal.currentBootId();
    const rows: string[] = [];
    const trials = Number(process.env.QUADLETMAN_WATCH_TRIALS ?? 2);
    for (let trial = 0; trial < trials; trial++) {
      await h.systemd.resetFailed(s, [UNIT]).catch(() => undefined);
      await h.systemd.start(s, [UNIT]);
      const seen: Seen[] = [];
      const podman = hostExec.stream([
        'journalctl',
        '-f',
        '-n',
        '0',
        '-q',
        '-o',
        'json',
        `--boot=${boot}`,
        `_UID=${s.uid}`,
        'SYSLOG_IDENTIFIER=podman',
        'PODMAN_TYPE=container',
      ]);
      const asTheUser = hostExec.stream(
        asUser(s, ['podman', 'events', '--format', 'json', '--filter', 'type=container']),
      );
      const journal = hostExec.stream([
        'journalctl',
        '-f',
        '-n',
        '0',
        '-q',
        '-o',
        'json',
        `--boot=${boot}`,
        `_UID=${s.uid}`,
        `_SYSTEMD_UNIT=user@${s.uid}.service`,
        '_COMM=systemd',
      ]);
      const busctl = hostExec.stream(
        asUser(s, [
          'busctl',
          '--user',
          'monitor',
          '--json=short',
          '--match',
          "type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged'",
        ]),
      );
      collect('podman', podman, seen, (l) => /"PODMAN_EVENT":"(died|kill)"/.test(l));
      collect('user-podman-events', asTheUser, seen, (l) => /"Status":"(died|kill)"/.test(l));
      collect('journal', journal, seen, (l) => l.includes('web.service'));
      collect('busctl', busctl, seen, (l) => l.includes('web_2eservice') && l.includes('ActiveState'));
      await sleep(1500);
      if (trial === 0) {
        for (const fmt of ['json', '{{json .}}']) {
          const r = await h.exec.run(asUser(s, ['podman', 'stats', '--no-stream', '--format', fmt]), {
            expectCodes: [0, 125],
          });
          console.log(`stats ${fmt}: ${r.stdout.slice(0, 1500)} ${r.stderr.slice(0, 300)}`);
        }
        const cg = await h.exec.run(
          ['cat', `/sys/fs/cgroup/user.slice/user-${s.uid}.slice/user@${s.uid}.service/cgroup.controllers`],
          { expectCodes: [0, 1] },
        );
        console.log(`user@ controllers: ${cg.stdout} ${cg.stderr}`);
      }
      const t0 = performance.now();
      await h.exec.run(asUser(s, ['podman', 'kill', 'web']));
      const tKilled = performance.now();
      // polling: how long one `systemctl --user show` takes
      const p0 = performance.now();
      const st = await h.systemd.unitStates(s, [UNIT]);
      const pollMs = performance.now() - p0;
      await sleep(2500);
      await Promise.all([podman.stop(), asTheUser.stop(), journal.stop(), busctl.stop()]);
      const first = (src: string) => seen.find((x) => x.source === src);
      const fmt = (x: Seen | undefined) => (x ? `${(x.at - t0).toFixed(0)} ms` : 'none');
      rows.push(
        `trial ${trial}: kill returned ${(tKilled - t0).toFixed(0)} ms; podman ${fmt(first('podman'))}; journal ${fmt(first('journal'))}; busctl ${fmt(first('busctl'))}; show ${pollMs.toFixed(0)} ms -> ${st[0]?.activeState}/${st[0]?.result}`,
      );
      if (trial < 2) {
        for (const x of seen) console.log(`[${x.source}] +${(x.at - t0).toFixed(0)} ${x.line}`);
      }
      expect(first('podman')).toBeDefined();
      expect(first('user-podman-events')).toBeUndefined();
    }
    // is anything subscribed? (systemd sends PropertiesChanged on the user bus only to subscribers)
    const subs = await h.exec.run(userSystemctl(s, ['show', '--property=NNames,NJobs,SystemState']), {
      expectCodes: [0, 1],
    });
    console.log(rows.join('\n'));
    console.log(subs.stdout);
  });
});
