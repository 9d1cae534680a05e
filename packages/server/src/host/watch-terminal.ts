// The live routes' terminal port: a pty (node-pty) running `podman exec -it CONTAINER sh` as the compartment
// user, built by session.ts's asUser (the one place that decides how to run as that user). Changes on the
// machine: starts a shell process inside the container for as long as the terminal is open; kill() ends it.
//
// Ending it takes more than killing our `podman exec`: conmon keeps the exec session's terminal open, so the
// shell in the container would live on, idle, after its client is gone (seen in the sandbox). So the shell
// announces its pid first (an OSC sequence `ESC ] qm-pid ; PID BEL` that terminals ignore and we strip), and
// kill() hangs it up inside the container (`podman exec CONTAINER sh -c 'kill -HUP "$1"' sh PID`); as the
// session leader of its terminal, its death hangs up the foreground job too.

import { spawn } from 'node-pty';
import { InvalidError } from '../core/errors.js';
import type { CompartmentId } from '../core/ids.js';
import type { TerminalPort, TerminalSession, TerminalSize } from '../core/live/ports.js';
import type { Exec } from './exec.js';
import { asUser, type CompartmentSession, userPodman } from './session.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,252}$/;

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.floor(n)));
export const clampSize = (s: TerminalSize): TerminalSize => ({
  cols: clamp(s.cols, 2, 1000),
  rows: clamp(s.rows, 2, 500),
});

/** The shell prints `ESC ] qm-pid ; <its pid> BEL`, then becomes the interactive shell (same pid). */
const ANNOUNCE = `printf '\\033]qm-pid;%s\\007' "$$"; exec sh`;
const PID_MARK = new RegExp(`${String.fromCharCode(27)}\\]qm-pid;(\\d+)${String.fromCharCode(7)}`);

/** argv of the terminal's process: `podman exec -it` of a shell, as the compartment user. */
export function terminalArgv(s: CompartmentSession, container: string): string[] {
  if (!NAME_RE.test(container)) throw new InvalidError(`invalid container name ${JSON.stringify(container)}`);
  // --detach-keys= : no key sequence detaches (ctrl-p ctrl-q would otherwise leave the shell running)
  return asUser(
    s,
    ['podman', 'exec', '-it', '--detach-keys=', '-e', 'TERM=xterm-256color', '--', container, 'sh', '-c', ANNOUNCE],
    { TERM: 'xterm-256color' },
  );
}

/**
 * The container a terminal opens for `name`: the container of the unit `<name>.service` (Quadlet names it
 * `systemd-<name>` unless `ContainerName=` says otherwise; podman labels it with its unit), else a container
 * called `name` itself. One `podman ps` as the compartment user.
 */
export async function resolveContainer(exec: Exec, s: CompartmentSession, name: string): Promise<string> {
  if (!NAME_RE.test(name)) throw new InvalidError(`invalid container name ${JSON.stringify(name)}`);
  const r = await exec.run(
    userPodman(s, ['ps', '--filter', `label=PODMAN_SYSTEMD_UNIT=${name}.service`, '--format', '{{.Names}}']),
    { timeoutMs: 30_000 },
  );
  const names = r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => NAME_RE.test(l));
  return names.length === 1 ? names[0]! : name;
}

/** argv that hangs up the terminal's shell (pid inside the container) and kills it if it is still there. */
export function hangupArgv(s: CompartmentSession, container: string, pid: number): string[] {
  if (!NAME_RE.test(container)) throw new InvalidError(`invalid container name ${JSON.stringify(container)}`);
  if (!Number.isInteger(pid) || pid <= 1) throw new InvalidError(`invalid pid ${pid}`);
  const script = 'kill -HUP "$1" 2>/dev/null; sleep 1; kill -KILL "$1" 2>/dev/null; exit 0';
  return userPodman(s, ['exec', '--', container, 'sh', '-c', script, 'sh', String(pid)]);
}

/**
 * Takes the pid announcement out of the first output. Returns the text to show and, once seen, the pid.
 * Output before the announcement (podman's own errors) passes through.
 */
export class PidAnnouncement {
  pid: number | undefined;
  private buf = '';
  private done = false;
  feed(chunk: string): string {
    if (this.done) return chunk;
    this.buf += chunk;
    const m = PID_MARK.exec(this.buf);
    if (m) {
      this.done = true;
      this.pid = Number(m[1]);
      const out = this.buf.slice(0, m.index) + this.buf.slice(m.index + m[0].length);
      this.buf = '';
      return out;
    }
    // hold back only what could be the start of the announcement
    const esc = this.buf.lastIndexOf('\x1b');
    if (esc >= 0 && this.buf.length - esc < 32) {
      const out = this.buf.slice(0, esc);
      this.buf = this.buf.slice(esc);
      return out;
    }
    if (this.buf.length > 4096) this.done = true;
    const out = this.buf;
    this.buf = '';
    return out;
  }
}

/** What the terminal needs of a pty process: node-pty's, here or in the privileged helper (helper/). */
export interface PtyProcess {
  readonly pid: number;
  onData(listener: (data: string) => void): void;
  onExit(listener: (e: { exitCode: number; signal?: number }) => void): void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  kill(signal: string): void;
}

/** argv on a new pty (as whoever runs this process; argv says as whom it runs). */
export function spawnPty(argv: readonly string[], cols: number, rows: number): PtyProcess {
  const p = spawn(argv[0]!, argv.slice(1), {
    name: 'xterm-256color',
    cols,
    rows,
    cwd: '/',
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', TERM: 'xterm-256color' },
  });
  return {
    pid: p.pid,
    onData: (l) => void p.onData(l),
    onExit: (l) => void p.onExit(l),
    write: (d) => p.write(d),
    resize: (c, r) => p.resize(c, r),
    kill: (signal) => {
      try {
        // SIGKILL goes to the whole group: node-pty made the child a session and group leader
        if (signal === 'SIGKILL') process.kill(-p.pid, 'SIGKILL');
        else p.kill(signal);
      } catch {
        // already gone
      }
    },
  };
}

export function ptyTerminal(deps: {
  exec: Exec;
  sessionFor(id: CompartmentId): Promise<CompartmentSession>;
  /** Where the pty comes from: this process (root) by default, the privileged helper for a server without root. */
  spawn?: (argv: readonly string[], cols: number, rows: number) => PtyProcess;
}): TerminalPort {
  return {
    async open(compartment, name, size): Promise<TerminalSession> {
      const s = await deps.sessionFor(compartment);
      const container = await resolveContainer(deps.exec, s, name);
      const argv = terminalArgv(s, container);
      const { cols, rows } = clampSize(size);
      const p = (deps.spawn ?? spawnPty)(argv, cols, rows);
      const announce = new PidAnnouncement();
      const listeners: ((d: string) => void)[] = [];
      let exited = false;
      p.onData((d) => {
        const out = announce.feed(d);
        if (out) for (const l of listeners) l(out);
      });
      p.onExit(() => {
        exited = true;
      });
      let killed = false;
      return {
        onData: (l) => void listeners.push(l),
        onExit: (l) => void p.onExit(l),
        write: (d) => {
          if (!exited) p.write(d);
        },
        resize: (sz) => {
          if (exited) return;
          const c = clampSize(sz);
          p.resize(c.cols, c.rows);
        },
        kill: () => {
          if (killed) return;
          killed = true;
          if (announce.pid !== undefined) {
            void deps.exec.run(hangupArgv(s, container, announce.pid), { timeoutMs: 15_000 }).catch(() => undefined);
          }
          if (exited) return;
          p.kill('SIGHUP');
          setTimeout(() => {
            if (!exited) p.kill('SIGKILL');
          }, 3_000).unref();
        },
      };
    },
  };
}
