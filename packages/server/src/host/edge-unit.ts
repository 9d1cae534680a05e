/**
 * quadletman's Caddy as a system service: `quadletman-edge.service` runs Debian's caddy as its own system user
 * (`quadletman-edge`), with only the capability to bind ports below 1024, and its admin API on a Unix socket in a
 * folder only that user's group may enter (the server is given the group; compartment users are not). It starts
 * from a bootstrap configuration that holds the admin socket alone; quadletman loads the rest (core/service/edge.ts).
 * Changes on the machine: creates the `quadletman-edge` user, writes /etc/quadletman/edge-bootstrap.json and
 * /etc/systemd/system/quadletman-edge.service, reloads systemd and (re)starts the service.
 */
import { existsSync } from 'node:fs';
import { escapeSpecifiers, formatEntry, formatSectionHeader, joinWords } from '@quadletman/quadlet';
import { hostExec } from './exec.js';
import { writeSystemFileAtomic } from './fs.js';

export const EDGE_USER = 'quadletman-edge';
export const EDGE_UNIT = 'quadletman-edge.service';
export const EDGE_UNIT_PATH = `/etc/systemd/system/${EDGE_UNIT}`;
export const EDGE_ADMIN_SOCKET = '/run/quadletman-edge/admin.sock';
export const EDGE_BOOTSTRAP = '/etc/quadletman/edge-bootstrap.json';
export const EDGE_STATE = '/var/lib/quadletman-edge';
export const CADDY = '/usr/bin/caddy';

/** `useradd` of a system user of quadletman's own (its group of the same name, no home made, no shell). */
export const systemUserArgv = (name: string, home: string, comment: string): string[] => [
  'useradd',
  '--system',
  '--user-group',
  '--no-create-home',
  '--home-dir',
  home,
  '--shell',
  '/usr/sbin/nologin',
  '--comment',
  comment,
  name,
];

/** What quadletman's own system services run without (the server's and the edge's units): no new privileges, a
 * read-only system, no homes, a private /tmp, no kernel tunables, modules or cgroups, no setuid files. */
export const SERVICE_SANDBOXING: readonly [string, string][] = [
  ['NoNewPrivileges', 'yes'],
  ['ProtectSystem', 'strict'],
  ['ProtectHome', 'yes'],
  ['PrivateTmp', 'yes'],
  ['ProtectKernelTunables', 'yes'],
  ['ProtectKernelModules', 'yes'],
  ['ProtectControlGroups', 'yes'],
  ['RestrictSUIDSGID', 'yes'],
  ['LockPersonality', 'yes'],
];

/** The configuration Caddy starts with: its admin API on the socket, nothing served, nothing saved. */
export const edgeBootstrap = (): string =>
  `${JSON.stringify({ admin: { listen: `unix/${EDGE_ADMIN_SOCKET}`, config: { persist: false } } })}\n`;

export function renderEdgeUnit(caddy = CADDY): string {
  const entries: [string, string][][] = [
    [
      ['Description', "quadletman's edge (Caddy): routes to compartments' apps, with TLS"],
      ['Wants', 'network-online.target'],
      ['After', 'network-online.target'],
    ],
    [
      ['Type', 'notify'],
      ['User', EDGE_USER],
      ['Group', EDGE_USER],
      ['ExecStart', escapeSpecifiers(joinWords([caddy, 'run', '--config', EDGE_BOOTSTRAP]))],
      [
        'Environment',
        escapeSpecifiers(
          joinWords([`HOME=${EDGE_STATE}`, `XDG_DATA_HOME=${EDGE_STATE}/data`, `XDG_CONFIG_HOME=${EDGE_STATE}/config`]),
        ),
      ],
      ['StateDirectory', 'quadletman-edge'],
      ['StateDirectoryMode', '0700'],
      // the admin socket's folder: the edge user and its group (the server) only
      ['RuntimeDirectory', 'quadletman-edge'],
      ['RuntimeDirectoryMode', '0750'],
      ['UMask', '0007'],
      ['AmbientCapabilities', 'CAP_NET_BIND_SERVICE'],
      ['CapabilityBoundingSet', 'CAP_NET_BIND_SERVICE'],
      ...SERVICE_SANDBOXING,
      ['LimitNOFILE', '1048576'],
      ['TimeoutStopSec', '5s'],
      ['Restart', 'on-failure'],
      ['RestartSec', '1s'],
    ],
    [['WantedBy', 'multi-user.target']],
  ];
  const names = ['Unit', 'Service', 'Install'];
  const sections = entries.map((es, i) =>
    [formatSectionHeader(names[i]!), ...es.map(([k, v]) => formatEntry(k, v))].join('\n'),
  );
  return `# Written by \`quadletman install\`: quadletman configures this Caddy through its admin socket only.\n${sections.join('\n\n')}\n`;
}

/** The edge's system user, made when missing (no home to log in to, no shell). */
export async function ensureEdgeUser(): Promise<void> {
  if ((await hostExec.run(['getent', 'passwd', EDGE_USER], { expectCodes: [0, 2] })).code === 0) return;
  await hostExec.run(systemUserArgv(EDGE_USER, EDGE_STATE, "quadletman's edge (Caddy)"));
}

/** Installs and (re)starts the edge service; false (nothing done) when Caddy is not installed. */
export async function installEdge(options: { start?: boolean; caddy?: string } = {}): Promise<boolean> {
  const caddy = options.caddy ?? CADDY;
  if (!existsSync(caddy)) return false;
  await ensureEdgeUser();
  await hostExec.run(['mkdir', '-p', '-m', '0755', '--', '/etc/quadletman']);
  await writeSystemFileAtomic(EDGE_BOOTSTRAP, edgeBootstrap(), 0o644);
  await writeSystemFileAtomic(EDGE_UNIT_PATH, renderEdgeUnit(caddy), 0o644);
  await hostExec.run(['systemctl', 'daemon-reload']);
  await hostExec.run(['systemctl', 'enable', EDGE_UNIT]);
  if (options.start !== false) await hostExec.run(['systemctl', 'restart', EDGE_UNIT], { timeoutMs: 60_000 });
  return true;
}
