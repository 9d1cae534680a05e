/**
 * `quadletman install`: writes /etc/systemd/system/quadletman.service (atomically) running `quadletman serve`,
 * reloads systemd and enables (and starts) it. Refuses where systemd is not PID 1.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { escapeSpecifiers, formatEntry, formatSectionHeader, joinWords } from '@quadletman/quadlet';
import type { Command } from 'commander';
import { ConflictError } from '../../core/errors.js';
import { hostExec } from '../../host/exec.js';
import { writeSystemFileAtomic } from '../../host/fs.js';
import { globalOptions } from '../context.js';
import { out } from '../output';
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
export function serverHardening(user: string, dataDir: string): Entries {
  return [
    ['User', user],
    ['Group', user],
    ['SupplementaryGroups', 'systemd-journal'],
    ['NoNewPrivileges', 'yes'],
    ['CapabilityBoundingSet', ''],
    ['AmbientCapabilities', ''],
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['ProtectKernelTunables', 'yes'],
    ['ProtectKernelModules', 'yes'],
    ['ProtectControlGroups', 'yes'],
    ['RestrictSUIDSGID', 'yes'],
    ['LockPersonality', 'yes'],
    ['ReadWritePaths', escapeSpecifiers(joinWords([dataDir]))],
  ];
}

/** The unit text for a command line (argv[0] absolute), through the one unit-file encoder; `hardening` runs it
 * unprivileged. */
export function renderServiceUnit(argv: readonly string[], hardening: Entries = []): string {
  return unitText('Written by `quadletman install`; run it again to change the options.', [
    [
      'Unit',
      [
        ['Description', 'quadletman: control plane for rootless Podman'],
        ['Wants', 'network-online.target'],
        ['After', 'network-online.target'],
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

/** How to run this very CLI again: bin/quadletman when it sits in a checkout, else node + this script. */
function selfCommand(): string[] {
  const script = realpathSync(process.argv[1] ?? '');
  for (let dir = dirname(script), i = 0; i < 5; i++, dir = dirname(dir)) {
    const bin = join(dir, 'bin/quadletman');
    if (existsSync(bin)) return [bin];
  }
  return [process.execPath, '--optimize-for-size', script];
}

export function registerInstall(program: Command): void {
  program
    .command('install')
    .description(`install quadletman as a systemd service (${UNIT_PATH}) and start it`)
    .option('--listen <host:port>', 'address the service listens on', DEFAULT_LISTEN)
    .option('--tls-cert <file>', 'PEM certificate for HTTPS')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--no-start', 'write and enable the unit, but do not start it now')
    .action(async (o: { listen: string; tlsCert?: string; tlsKey?: string; start: boolean }, cmd: Command) => {
      parseListen(o.listen);
      if (!existsSync('/run/systemd/system')) {
        throw new ConflictError(
          'systemd is not PID 1 on this machine, so there is nothing to install the service into. ' +
            'Run `quadletman serve` directly (or under your own supervisor) instead.',
        );
      }
      const { dataDir } = globalOptions(cmd);
      const argv = [
        ...selfCommand(),
        ...(dataDir ? ['--data-dir', resolve(dataDir)] : []),
        'serve',
        '--listen',
        o.listen,
        ...(o.tlsCert ? ['--tls-cert', resolve(o.tlsCert)] : []),
        ...(o.tlsKey ? ['--tls-key', resolve(o.tlsKey)] : []),
      ];
      await writeSystemFileAtomic(UNIT_PATH, renderServiceUnit(argv), 0o644);
      await hostExec.run(['systemctl', 'daemon-reload']);
      await hostExec.run(['systemctl', 'enable', ...(o.start ? ['--now'] : []), 'quadletman.service'], {
        timeoutMs: 60_000,
      });
      out(
        `wrote ${UNIT_PATH}; quadletman.service is enabled${o.start ? ' and started' : ''}.\n` +
          'On first start it prints a one-time setup token: `journalctl -u quadletman` shows it.\n',
      );
    });
}
