// How quadletman runs a command as a compartment user — the ONE place that decides it. Changes nothing
// on the machine by itself; it builds argv prefixes and environments that exec.ts runs.
//
// Measured in the sandbox host (systemd 257, podman 5.4, warm caches):
//   runuser -u U -- env … systemctl --user is-system-running    ~16 ms
//   systemctl --user -M U@ is-system-running                     ~55 ms  (goes through a transient bridge)
//   runuser -u U -- env … podman ps                               ~62 ms
//   systemd-run --user -M U@ --pipe --wait -- podman ps          ~105 ms (creates a transient unit)
// Rootless podman started through runuser still moves its pause process into a scope of the user's
// manager (user@UID.service/user.slice/podman-pause-*.scope), so nothing it leaves behind lives in
// quadletman's own cgroup. Hence:
//   - `asUser`       (runuser + env): the default for systemctl --user, podman, quadlet, journalctl.
//   - `inUserManager` (systemd-run --user -M U@ --pipe --wait): for a process that must *live* in the
//     user's manager (e.g. `podman run -d` outside Quadlet: conmon must not die with our process group).
// Both need no login session and no PAM session of the user; runuser needs only root.

import type { LinuxUser } from '../core/ids.js';

export interface CompartmentSession {
  readonly user: LinuxUser;
  readonly uid: number;
  /** The user's primary group. */
  readonly gid: number;
  /** The user's home (from the passwd entry); podman keeps its storage under it. */
  readonly home: string;
}

export function makeSession(user: LinuxUser, uid: number, home: string, gid = uid): CompartmentSession {
  if (!Number.isInteger(uid) || uid <= 0) throw new TypeError(`session: bad uid ${uid} for ${user}`);
  if (!Number.isInteger(gid) || gid <= 0) throw new TypeError(`session: bad gid ${gid} for ${user}`);
  if (!home.startsWith('/')) throw new TypeError(`session: home of ${user} must be absolute: ${home}`);
  return Object.freeze({ user, uid, gid, home });
}

export const runtimeDir = (s: CompartmentSession): string => `/run/user/${s.uid}`;

/** The environment a command run as the compartment user gets. */
export function sessionEnv(s: CompartmentSession): Record<string, string> {
  return {
    HOME: s.home,
    USER: s.user,
    LOGNAME: s.user,
    XDG_RUNTIME_DIR: runtimeDir(s),
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${runtimeDir(s)}/bus`,
    XDG_CONFIG_HOME: `${s.home}/.config`,
    XDG_DATA_HOME: `${s.home}/.local/share`,
  };
}

function envArgs(env: Record<string, string>): string[] {
  return Object.entries(env).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TypeError(`session: bad env name ${k}`);
    return `${k}=${v}`;
  });
}

/**
 * argv that runs `argv` as the compartment user with its session environment:
 * `runuser -u USER -- env -i PATH=… HOME=… XDG_RUNTIME_DIR=… DBUS_SESSION_BUS_ADDRESS=… [extra…] argv…`.
 * `env -i` so nothing of root's environment leaks into the user's commands.
 */
export function asUser(
  s: CompartmentSession,
  argv: readonly string[],
  extraEnv: Record<string, string> = {},
): string[] {
  const env = {
    PATH: '/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    SYSTEMD_COLORS: '0',
    SYSTEMD_PAGER: '',
    ...sessionEnv(s),
    ...extraEnv,
  };
  // cd to the home so commands never inherit root's cwd (runuser keeps it; podman warns when it is unreadable)
  return ['runuser', '-u', s.user, '--', 'env', '-i', '-C', s.home, ...envArgs(env), ...argv];
}

/** The parts of an `asUser` argv: whom it runs as, the environment it sets, the command. Undefined for any other
 * argv. The privileged helper's client uses it to send such a command to the helper, which builds the argv again
 * from its own record of the user (helper/verbs.ts): what the environment says of HOME or the runtime folder is
 * not trusted there. */
export function parseAsUser(
  argv: readonly string[],
): { user: string; env: Record<string, string>; command: string[] } | undefined {
  if (argv[0] !== 'runuser' || argv[1] !== '-u' || argv[3] !== '--' || argv[4] !== 'env' || argv[5] !== '-i') {
    return undefined;
  }
  if (argv[6] !== '-C') return undefined;
  const env: Record<string, string> = {};
  let i = 8;
  for (; i < argv.length; i++) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(argv[i]!);
    if (!m) break;
    env[m[1]!] = argv[i]!.slice(m[0].length);
  }
  const command = argv.slice(i);
  if (!argv[2] || command.length === 0) return undefined;
  return { user: argv[2], env, command };
}

/** `systemctl --user …` for the compartment's manager. */
export const userSystemctl = (s: CompartmentSession, args: readonly string[]): string[] =>
  asUser(s, ['systemctl', '--user', '--no-pager', ...args]);

/** `podman …` as the compartment user. */
export const userPodman = (s: CompartmentSession, args: readonly string[]): string[] => asUser(s, ['podman', ...args]);

/**
 * argv that runs `argv` as a transient unit inside the compartment user's systemd manager, waiting for
 * it and piping stdio: for processes that must outlive our process group. KillMode=process keeps what
 * such a command daemonizes (conmon, pasta) alive after the transient unit ends.
 */
export function inUserManager(
  s: CompartmentSession,
  argv: readonly string[],
  extraEnv: Record<string, string> = {},
): string[] {
  const setenv = envArgs(extraEnv).map((e) => `--setenv=${e}`);
  return [
    'systemd-run',
    '--user',
    '-M',
    `${s.user}@`,
    '--pipe',
    '--wait',
    '--quiet',
    '--collect',
    '-p',
    'KillMode=process',
    `--working-directory=${s.home}`,
    ...setenv,
    '--',
    ...argv,
  ];
}
