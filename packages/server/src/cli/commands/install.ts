/**
 * `quadletman install`: writes /etc/systemd/system/quadletman.service (atomically) running `quadletman serve`,
 * reloads systemd and enables (and starts) it. Refuses where systemd is not PID 1.
 */
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { escapeSpecifiers, formatEntry, formatSectionHeader, joinWords } from '@quadletman/quadlet';
import type { Command } from 'commander';
import { ConflictError } from '../../core/errors.js';
import { DEFAULT_DATA_DIR } from '../../core/layout.js';
import {
  EDGE_ADMIN_SOCKET,
  EDGE_UNIT,
  EDGE_USER,
  ensureEdgeUser,
  installEdge,
  SERVICE_SANDBOXING,
  systemUserArgv,
} from '../../host/edge-unit.js';
import { hostExec } from '../../host/exec.js';
import { writeSystemFileAtomic } from '../../host/fs.js';
import { SELF_BACKUP_UNIT } from '../../host/self-backup.js';
import { type GlobalOptions, globalOptions, layoutOf } from '../context.js';
import { LAYOUT_FILE, layoutText } from '../installed-layout.js';
import { out } from '../output';
import { SERVER_USER } from './helper.js';
import { DEFAULT_LISTEN, parseListen } from './serve.js';

export const UNIT_PATH = '/etc/systemd/system/quadletman.service';

type Entries = [string, string][];

function unitText(comment: string, sections: [string, Entries][]): string {
  const section = ([name, entries]: [string, Entries]) =>
    [formatSectionHeader(name), ...entries.map(([k, v]) => formatEntry(k, v))].join('\n');
  return `${[`# ${comment}`, ...sections.map(section)].join('\n\n')}\n`;
}

const execLine = (argv: readonly string[]) => escapeSpecifiers(joinWords(argv));

/** The hardening of the unprivileged server's unit: its own user, no capabilities, a read-only system except
 * its data folder, no access to homes. */
export function serverHardening(
  user: string,
  dataDir: string,
  groups: readonly string[] = ['systemd-journal'],
): Entries {
  return [
    ['User', user],
    ['Group', user],
    ['SupplementaryGroups', groups.join(' ')],
    ['CapabilityBoundingSet', ''],
    ['AmbientCapabilities', ''],
    ...SERVICE_SANDBOXING,
    ['ReadWritePaths', escapeSpecifiers(joinWords([dataDir]))],
    // the apply locks it shares with the CLI (core/apply/lock.ts, host/compartment-host.ts FileApplyLocks)
    ['RuntimeDirectory', 'quadletman/locks'],
    ['RuntimeDirectoryPreserve', 'yes'],
  ];
}

/** The unit text for a command line (argv[0] absolute), through the one unit-file encoder; `hardening` runs it
 * unprivileged. */
export function renderServiceUnit(argv: readonly string[], hardening: Entries = [], unit: Entries = []): string {
  return unitText('Written by `quadletman install`; run it again to change the options.', [
    [
      'Unit',
      [
        ['Description', 'quadletman: control plane for rootless Podman'],
        ['Wants', 'network-online.target'],
        ['After', 'network-online.target'],
        ...unit,
      ],
    ],
    [
      'Service',
      [
        ['Type', 'simple'],
        ['ExecStart', execLine(argv)],
        ['Restart', 'on-failure'],
        ['RestartSec', '2s'],
        ['UMask', '0077'],
        ['Environment', 'NODE_ENV=production'],
        ...hardening,
      ],
    ],
    ['Install', [['WantedBy', 'multi-user.target']]],
  ]);
}

/**
 * The privileged helper's socket and service template (`NAME.socket`, `NAME@.service`): systemd starts a helper,
 * as root, for each connection (`Accept=yes`), and names the peer's credentials in the instance. The socket is
 * root's and `group`'s only (0660); the helper checks the peer's uid again. `argv` runs the CLI, to which
 * `helper --peer %i` is added.
 */
export function renderHelperUnits(argv: readonly string[], socketPath: string, group: string) {
  const socket = unitText('Written by `quadletman install`: the privileged helper of quadletman.', [
    ['Unit', [['Description', "quadletman's privileged helper (socket)"]]],
    [
      'Socket',
      [
        ['ListenStream', socketPath],
        ['SocketUser', 'root'],
        ['SocketGroup', group],
        ['SocketMode', '0660'],
        ['DirectoryMode', '0755'],
        ['Accept', 'yes'],
        ['MaxConnections', '64'],
      ],
    ],
    ['Install', [['WantedBy', 'sockets.target']]],
  ]);
  const service = unitText('Written by `quadletman install`: one connection to the privileged helper.', [
    ['Unit', [['Description', "quadletman's privileged helper (connection %i)"]]],
    [
      'Service',
      [
        // %i is systemd's own; escapeSpecifiers would write it as %%i
        ['ExecStart', `${execLine([...argv, 'helper', '--peer'])} %i`],
        ['StandardInput', 'socket'],
        ['StandardOutput', 'socket'],
        ['StandardError', 'journal'],
        ['UMask', '0077'],
        // no NoNewPrivileges: the commands it runs as compartment users need newuidmap's file capabilities
      ],
    ],
  ]);
  return { socket, service };
}

/**
 * The daily backup of quadletman's own state (`NAME.service`, `NAME.timer`), as root: `backup self run --scheduled`,
 * which does nothing until a repository is set (`quadletman backup self repository`). Once a day at a time between
 * 02:00 and 02:45, a missed day caught up at boot; at low CPU and I/O priority.
 */
export function renderSelfBackupUnits(argv: readonly string[]) {
  const service = unitText("Written by `quadletman install`: the backup of quadletman's own state.", [
    [
      'Unit',
      [
        ['Description', "quadletman: back up its own state (database, configuration, the edge's CA)"],
        ['Wants', 'network-online.target'],
        ['After', 'network-online.target'],
      ],
    ],
    [
      'Service',
      [
        ['Type', 'oneshot'],
        ['ExecStart', execLine([...argv, 'backup', 'self', 'run', '--scheduled'])],
        ['UMask', '0077'],
        ['Nice', '10'],
        ['IOSchedulingClass', 'idle'],
      ],
    ],
  ]);
  const timer = unitText('Written by `quadletman install`: when quadletman backs its own state up.', [
    ['Unit', [['Description', 'quadletman: daily backup of its own state']]],
    [
      'Timer',
      [
        ['OnCalendar', '*-*-* 02:00:00'],
        ['RandomizedDelaySec', '45min'],
        ['Persistent', 'true'],
      ],
    ],
    ['Install', [['WantedBy', 'timers.target']]],
  ]);
  return { service, timer };
}

/** How to run this very CLI again: bin/quadletman when it sits in a checkout, else node + this script. */
function selfCommand(): string[] {
  const script = realpathSync(process.argv[1] ?? '');
  for (let dir = dirname(script), i = 0; i < 5; i++, dir = dirname(dir)) {
    const bin = join(dir, 'bin/quadletman');
    if (existsSync(bin)) return [bin];
  }
  return [process.execPath, '--optimize-for-size', script];
}

export const HELPER_UNIT = 'quadletman-helper';
export const HELPER_SOCKET_PATH = '/run/quadletman/helper.sock';

/** The system user the server runs as without root, made when missing (a member of systemd-journal: the live
 * logs read the journal). Its home is its data folder: tools it runs (podman --version for doctor) want one. */
export async function ensureServerUser(home: string): Promise<void> {
  if ((await hostExec.run(['getent', 'passwd', SERVER_USER], { expectCodes: [0, 2] })).code === 2) {
    await hostExec.run(systemUserArgv(SERVER_USER, home, 'quadletman server'));
  } else {
    await hostExec.run(['usermod', '--home', home, SERVER_USER]);
  }
  await hostExec.run(['usermod', '-a', '-G', 'systemd-journal', SERVER_USER]);
}

/** Why the server cannot run without root here, or undefined when it can. */
async function unprivilegedBlocker(self: readonly string[]): Promise<string | undefined> {
  const user = await hostExec.run(['getent', 'passwd', SERVER_USER], { expectCodes: [0, 2] });
  if (user.code === 0) {
    const readable = await hostExec.run(['runuser', '-u', SERVER_USER, '--', 'test', '-r', self[self.length - 1]!], {
      expectCodes: [0, 1],
    });
    if (readable.code !== 0)
      return `${SERVER_USER} cannot read ${self[self.length - 1]} (put quadletman where every user can read it)`;
  }
  return undefined;
}

const inside = (dir: string, parent: string) => dir === parent || dir.startsWith(`${parent}/`);
const nonEmpty = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).length > 0;

/** The folders of this installation. Homes and volumes named by options or by the installed record stay where
 * they are; otherwise an earlier install's homes and volumes inside the data folder stay there (their paths are in
 * /etc/passwd, Podman's storage and the units), and a new install puts them beside the data folder. */
async function folders(g: GlobalOptions, dataDir: string, unprivileged: boolean) {
  const legacy = layoutOf({ dataDir });
  const keep = !unprivileged || (await nonEmpty(legacy.homeBase)) || (await nonEmpty(legacy.volumesRoot));
  return {
    homes: resolve(g.homesDir ?? (keep ? legacy.homeBase : `${dataDir}-homes`)),
    volumes: resolve(g.volumesDir ?? (keep ? legacy.volumesRoot : `${dataDir}-volumes`)),
  };
}

export const MOVED_DATA_SUBDIR = 'server';

/**
 * An install from before the server ran without root keeps compartment homes (or volumes) inside its data folder.
 * That folder must stay traversable for them, so the server's data moves out of it instead, into a 0700 subfolder
 * only the server may enter; the homes, Podman's storage and the running containers stay untouched. The server is
 * stopped first: its database moves with its -wal and -shm files.
 */
async function moveDatabaseOut(from: string, to: string): Promise<void> {
  // loaded here, not at start: the store's module loads the SQLite addon
  const { DB_FILE } = await import('../../store/db.js');
  if (!existsSync(join(from, DB_FILE))) return;
  if (existsSync(join(to, DB_FILE))) {
    throw new ConflictError(
      `both ${join(from, DB_FILE)} and ${join(to, DB_FILE)} exist; keep the one in use, move the other away, and run install again`,
    );
  }
  // the server closes the database when it stops (its -wal folds into it): what is left is looked at after
  await hostExec.run(['systemctl', 'stop', 'quadletman.service'], { expectCodes: [0, 5], timeoutMs: 60_000 });
  const present = [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`].filter((f) => existsSync(join(from, f)));
  await mkdir(to, { recursive: true, mode: 0o700 });
  for (const f of present) await rename(join(from, f), join(to, f));
  // the old data folder now holds only homes and volumes: root's, traversable
  await hostExec.run(['chmod', '0755', '--', from]);
  out(`moved the database from ${from} to ${to}; compartment homes and volumes stay where they are\n`);
}

export function registerInstall(program: Command): void {
  program
    .command('install')
    .description(`install quadletman as a systemd service (${UNIT_PATH}) and start it`)
    .option('--listen <host:port>', 'address the service listens on', DEFAULT_LISTEN)
    .option('--tls-cert <file>', 'PEM certificate for HTTPS')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--no-start', 'write and enable the unit, but do not start it now')
    .option('--root', 'run the server as root (the default is its own unprivileged user with a privileged helper)')
    .action(
      async (
        o: { listen: string; tlsCert?: string; tlsKey?: string; start: boolean; root?: boolean },
        cmd: Command,
      ) => {
        parseListen(o.listen);
        if (!existsSync('/run/systemd/system')) {
          throw new ConflictError(
            'systemd is not PID 1 on this machine, so there is nothing to install the service into. ' +
              'Run `quadletman serve` directly (or under your own supervisor) instead.',
          );
        }
        const g = globalOptions(cmd);
        let dataDir = resolve(g.dataDir ?? DEFAULT_DATA_DIR);
        const self = selfCommand();
        const blocker = o.root ? undefined : await unprivilegedBlocker(self);
        const unprivileged = !o.root && blocker === undefined;
        if (blocker) out(`note: the server runs as root: ${blocker}.\n`);
        const { homes, volumes } = await folders(g, dataDir, unprivileged);
        let formerDataDir: string | undefined;
        if (unprivileged && (inside(homes, dataDir) || inside(volumes, dataDir))) {
          formerDataDir = dataDir;
          dataDir = join(dataDir, MOVED_DATA_SUBDIR);
          await moveDatabaseOut(formerDataDir, dataDir);
        }
        const cli = [...self, '--data-dir', dataDir, '--homes-dir', homes, '--volumes-dir', volumes];
        const tls = o.tlsCert && o.tlsKey ? { cert: resolve(o.tlsCert), key: resolve(o.tlsKey) } : undefined;
        const serve = [...cli, 'serve', '--listen', o.listen];
        if (!unprivileged) {
          if (tls) serve.push('--tls-cert', tls.cert, '--tls-key', tls.key);
          await writeSystemFileAtomic(UNIT_PATH, renderServiceUnit(serve), 0o644);
        } else {
          await ensureServerUser(dataDir);
          for (const d of [homes, volumes]) await hostExec.run(['mkdir', '-p', '-m', '0755', '--', d]);
          await hostExec.run(['mkdir', '-p', '-m', '0700', '--', dataDir]);
          await hostExec.run(['chmod', '0700', '--', dataDir]);
          await hostExec.run(['chown', '-R', `${SERVER_USER}:${SERVER_USER}`, '--', dataDir]);
          const units = renderHelperUnits(cli, HELPER_SOCKET_PATH, SERVER_USER);
          await writeSystemFileAtomic(`/etc/systemd/system/${HELPER_UNIT}.socket`, units.socket, 0o644);
          await writeSystemFileAtomic(`/etc/systemd/system/${HELPER_UNIT}@.service`, units.service, 0o644);
          serve.push('--helper', HELPER_SOCKET_PATH);
          // the edge's user and group: its admin socket is for that group (the server) only
          await ensureEdgeUser();
          const hardening = serverHardening(SERVER_USER, dataDir, ['systemd-journal', EDGE_USER]);
          if (tls) {
            // the key stays root's: systemd hands the service a copy only it can read (%d, its credentials)
            hardening.push(['LoadCredential', `tls-cert:${tls.cert}`], ['LoadCredential', `tls-key:${tls.key}`]);
          }
          let text = renderServiceUnit(serve, hardening, [
            ['Wants', `${HELPER_UNIT}.socket`],
            ['After', `${HELPER_UNIT}.socket`],
          ]);
          if (tls) text = text.replace(/^(ExecStart=.*)$/m, '$1 --tls-cert %d/tls-cert --tls-key %d/tls-key');
          await writeSystemFileAtomic(UNIT_PATH, text, 0o644);
        }
        const selfBackup = renderSelfBackupUnits(cli);
        await writeSystemFileAtomic(`/etc/systemd/system/${SELF_BACKUP_UNIT}.service`, selfBackup.service, 0o644);
        await writeSystemFileAtomic(`/etc/systemd/system/${SELF_BACKUP_UNIT}.timer`, selfBackup.timer, 0o644);
        await mkdir(dirname(LAYOUT_FILE), { recursive: true, mode: 0o755 });
        await writeSystemFileAtomic(
          LAYOUT_FILE,
          layoutText({ dataDir, homesDir: homes, volumesDir: volumes, ...(formerDataDir ? { formerDataDir } : {}) }),
          0o644,
        );
        await hostExec.run(['systemctl', 'daemon-reload']);
        if (unprivileged) {
          await hostExec.run(['systemctl', 'enable', '--now', `${HELPER_UNIT}.socket`], { timeoutMs: 60_000 });
        }
        await hostExec.run(['systemctl', 'enable', 'quadletman.service'], { timeoutMs: 60_000 });
        await hostExec.run(['systemctl', 'enable', ...(o.start ? ['--now'] : []), `${SELF_BACKUP_UNIT}.timer`], {
          timeoutMs: 60_000,
        });
        const edge = await installEdge({ start: o.start });
        // a restart, not a start: a server already running (an earlier install) must pick up the new unit
        if (o.start) await hostExec.run(['systemctl', 'restart', 'quadletman.service'], { timeoutMs: 60_000 });
        out(
          `wrote ${UNIT_PATH}; quadletman.service is enabled${o.start ? ' and started' : ''}` +
            `${unprivileged ? `, as the user ${SERVER_USER} with the privileged helper ${HELPER_UNIT}.socket` : ', as root'}.\n` +
            `${edge ? `${EDGE_UNIT} serves routes (Caddy, admin API on ${EDGE_ADMIN_SOCKET}).\n` : 'caddy is not installed: routes are not served until it is and install runs again.\n'}` +
            `${SELF_BACKUP_UNIT}.timer backs quadletman's own state up daily once \`quadletman backup self repository\` sets where.\n` +
            'On first start it prints a one-time setup token: `journalctl -u quadletman` shows it.\n',
        );
      },
    );
}
