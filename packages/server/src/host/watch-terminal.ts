// The live routes' terminal port: a pty (node-pty) running `podman exec -it CONTAINER sh` as the compartment
// user, built by session.ts's asUser (the one place that decides how to run as that user). Changes on the
// machine: starts a shell process inside the container for as long as the terminal is open; kill() ends it.

import { spawn } from 'node-pty';
import { InvalidError } from '../core/errors.js';
import type { CompartmentId } from '../core/ids.js';
import type { TerminalPort, TerminalSession, TerminalSize } from '../core/live/ports.js';
import { asUser, type CompartmentSession } from './session.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,252}$/;

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.floor(n)));
export const clampSize = (s: TerminalSize): TerminalSize => ({
  cols: clamp(s.cols, 2, 1000),
  rows: clamp(s.rows, 2, 500),
});

/** argv of the terminal's process: `podman exec -it` of a shell, as the compartment user. */
export function terminalArgv(s: CompartmentSession, container: string, shell = 'sh'): string[] {
  if (!NAME_RE.test(container)) throw new InvalidError(`invalid container name ${JSON.stringify(container)}`);
  // --detach-keys= : no key sequence detaches (ctrl-p ctrl-q would otherwise leave the shell running)
  return asUser(s, ['podman', 'exec', '-it', '--detach-keys=', '-e', 'TERM=xterm-256color', '--', container, shell], {
    TERM: 'xterm-256color',
  });
}

export function ptyTerminal(deps: { sessionFor(id: CompartmentId): Promise<CompartmentSession> }): TerminalPort {
  return {
    async open(compartment, container, size): Promise<TerminalSession> {
      const s = await deps.sessionFor(compartment);
      const argv = terminalArgv(s, container);
      const { cols, rows } = clampSize(size);
      const p = spawn(argv[0]!, argv.slice(1), {
        name: 'xterm-256color',
        cols,
        rows,
        cwd: '/',
        env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', TERM: 'xterm-256color' },
      });
      let exited = false;
      p.onExit(() => {
        exited = true;
      });
      return {
        onData: (l) => void p.onData(l),
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
          if (exited) return;
          // runuser passes SIGHUP/SIGTERM on to podman exec, whose end closes the exec session's terminal;
          // SIGKILL of the whole group (node-pty made the child a session and group leader) if it lingers
          try {
            p.kill('SIGHUP');
          } catch {
            // already gone
          }
          const pid = p.pid;
          setTimeout(() => {
            if (exited) return;
            try {
              process.kill(-pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }, 3_000).unref();
        },
      };
    },
  };
}
