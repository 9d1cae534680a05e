// The privileged helper for host tests (runs inside the sandbox host, as root): its socket and service template as
// `quadletman install` renders them, under a unit name of the test's own in /run/systemd/system (gone when the
// machine stops), and a way to run a command as the server's user. Changes on the machine: the server's user
// (made when missing), the units, and /run/quadletman/locks handed to that user (the apply locks).
import * as fsp from 'node:fs/promises';
import { SERVER_USER } from '../../cli/commands/helper.js';
import { ensureServerUser, renderHelperUnits } from '../../cli/commands/install.js';
import { hostExec } from '../exec.js';

export interface TestHelper {
  socket: string;
  stop(): Promise<void>;
}

const run = (argv: string[], expectCodes = [0]) => hostExec.run(argv, { expectCodes, timeoutMs: 120_000 });

/** Starts `unit.socket`; `cli` runs the CLI with the layout the helper acts in (its folder options). */
export async function startTestHelper(unit: string, cli: readonly string[], serverHome: string): Promise<TestHelper> {
  await ensureServerUser(serverHome);
  const socket = `/run/${unit}/helper.sock`;
  const units = renderHelperUnits(cli, socket, SERVER_USER);
  await fsp.writeFile(`/run/systemd/system/${unit}.socket`, units.socket);
  await fsp.writeFile(`/run/systemd/system/${unit}@.service`, units.service);
  await fsp.mkdir('/run/quadletman/locks', { recursive: true, mode: 0o755 });
  await run(['chown', `${SERVER_USER}:${SERVER_USER}`, '/run/quadletman/locks']);
  await run(['systemctl', 'daemon-reload']);
  await run(['systemctl', 'start', `${unit}.socket`]);
  return {
    socket,
    stop: async () => {
      await run(['systemctl', 'stop', `${unit}.socket`], [0, 5]).catch(() => undefined);
      for (const f of [`${unit}.socket`, `${unit}@.service`]) await fsp.rm(`/run/systemd/system/${f}`, { force: true });
      await run(['systemctl', 'daemon-reload']).catch(() => undefined);
    },
  };
}

/** argv run as the server's user (its groups too, its HOME and a clean environment, as systemd starts the server),
 * with the helper's socket: as `quadletman` would run the CLI. */
export const asServerUser = (argv: readonly string[], socket: string): string[] => [
  'setpriv',
  `--reuid=${SERVER_USER}`,
  `--regid=${SERVER_USER}`,
  '--init-groups',
  '--reset-env',
  '--',
  'env',
  `QUADLETMAN_HELPER_SOCKET=${socket}`,
  ...argv,
];
