// Doctor: can this machine run quadletman's compartments (rootless Podman + Quadlet under systemd)?
// Changes on the machine: NOTHING. It only reads files (/proc, /sys, /etc/subuid…), stats binaries and
// runs read-only commands (`podman --version`, `systemctl --version`, `loginctl --version` and
// `list-users`, `getcap`,
// `getenforce`, `quadlet -version`).
//
// Every check is a function of an injected `DoctorIo`, so unit tests run them against fakes
// (doctor.test.ts); `hostDoctorIo()` is the real one. What doctor cannot find out on the machine (the address
// `serve` listens on, the ports compartments publish) comes in a `DoctorInput` from the CLI.

import { readdir, readFile, stat } from 'node:fs/promises';
import { CommandError } from '../core/errors.js';
import { describeSharedHost, type PublishedPort, portsSharingHost } from '../core/ui-host.js';
import { EDGE_ADMIN_SOCKET } from './edge-unit.js';
import { type Exec, type ExecResult, hostExec } from './exec.js';
import { parseSubid, type SubidEntry } from './subid.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  /** Stable identifier (kebab-case), e.g. `podman`, `cgroup-v2`. */
  id: string;
  status: CheckStatus;
  /** What was found, in one sentence. */
  message: string;
  /** What to do about it; present whenever status is not `ok`. */
  fix?: string;
  /** Facts for machines (versions, paths, controller lists). */
  details?: Record<string, unknown>;
}

export interface DoctorReport {
  /** True when no check failed (warnings allowed). */
  ok: boolean;
  summary: Record<CheckStatus, number>;
  checks: Check[];
}

export interface FileInfo {
  mode: number;
  uid: number;
  isFile: boolean;
  isDirectory: boolean;
}

/** Everything the checks may look at. Every function answers `undefined` for "not there / cannot tell". */
export interface DoctorIo {
  /** Run argv to completion whatever its exit code; `undefined` when the program cannot be started. */
  run(argv: readonly string[]): Promise<ExecResult | undefined>;
  readFile(path: string): Promise<string | undefined>;
  /** stat(2), following symbolic links. */
  stat(path: string): Promise<FileInfo | undefined>;
  readDir(path: string): Promise<string[] | undefined>;
}

// ------------------------------------------------------------------------------------------------------
// small helpers

export interface Version {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/** The first `X.Y[.Z]` in `text`. */
export function parseVersion(text: string): Version | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text: m[0] };
}

const atLeast = (v: Version, major: number, minor: number): boolean =>
  v.major > major || (v.major === major && v.minor >= minor);

const words = (text: string | undefined): string[] => (text ?? '').split(/\s+/).filter((w) => w !== '');

async function firstExisting(io: DoctorIo, paths: readonly string[]): Promise<string | undefined> {
  for (const p of paths) {
    const st = await io.stat(p);
    if (st?.isFile && (st.mode & 0o111) !== 0) return p;
  }
  return undefined;
}

const BIN_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin'] as const;

// ------------------------------------------------------------------------------------------------------
// the checks

/** Quadlet first shipped with Podman 4.4. */
export async function checkPodman(io: DoctorIo): Promise<Check> {
  const r = await io.run(['podman', '--version']);
  const v = r && r.code === 0 ? parseVersion(r.stdout) : undefined;
  if (!r) {
    return {
      id: 'podman',
      status: 'fail',
      message: 'podman is not installed.',
      fix: 'Install podman ≥ 4.4 (Debian 13, Ubuntu 24.04, Fedora and RHEL 9 ship 5.x): e.g. apt-get install podman.',
    };
  }
  if (!v) {
    return {
      id: 'podman',
      status: 'fail',
      message: `podman --version did not report a version (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`,
      fix: 'Check the podman installation (podman --version must work).',
    };
  }
  if (!atLeast(v, 4, 4)) {
    return {
      id: 'podman',
      status: 'fail',
      message: `podman ${v.text} has no Quadlet (it arrived in 4.4).`,
      fix: 'Upgrade podman to ≥ 4.4 (5.x recommended), e.g. from your distribution’s newer release.',
      details: { version: v.text },
    };
  }
  return { id: 'podman', status: 'ok', message: `podman ${v.text}.`, details: { version: v.text } };
}

/** Where podman installs the generator binary, and where systemd looks for user generators. */
export const QUADLET_BINARIES = [
  '/usr/libexec/podman/quadlet',
  '/usr/lib/podman/quadlet',
  '/usr/local/libexec/podman/quadlet',
] as const;
export const USER_GENERATOR_LINKS = [
  '/run/systemd/user-generators/podman-user-generator',
  '/etc/systemd/user-generators/podman-user-generator',
  '/usr/local/lib/systemd/user-generators/podman-user-generator',
  '/usr/lib/systemd/user-generators/podman-user-generator',
  '/lib/systemd/user-generators/podman-user-generator',
] as const;

export async function checkQuadletGenerator(io: DoctorIo): Promise<Check> {
  const generator = await firstExisting(io, USER_GENERATOR_LINKS);
  const binary = (await firstExisting(io, QUADLET_BINARIES)) ?? generator;
  if (!binary) {
    return {
      id: 'quadlet-generator',
      status: 'fail',
      message: `No Quadlet generator (looked for ${[...QUADLET_BINARIES, USER_GENERATOR_LINKS[3]].join(', ')}).`,
      fix: 'Install podman ≥ 4.4: its package ships the generator (libexec/podman/quadlet) and the systemd links.',
    };
  }
  const r = await io.run([binary, '-version']);
  const version = r && r.code === 0 ? parseVersion(r.stdout)?.text : undefined;
  const details = { binary, userGenerator: generator ?? null, version: version ?? null };
  const ver = version ? `Quadlet ${version}` : 'Quadlet';
  if (!generator) {
    return {
      id: 'quadlet-generator',
      status: 'warn',
      message: `${ver} at ${binary}, but no podman-user-generator link: systemd --user will not generate units.`,
      fix: `ln -s ${binary} /usr/lib/systemd/user-generators/podman-user-generator (normally done by the podman package).`,
      details,
    };
  }
  return { id: 'quadlet-generator', status: 'ok', message: `${ver}, run by systemd --user as ${generator}.`, details };
}

export async function checkSystemdPid1(io: DoctorIo): Promise<Check> {
  const comm = (await io.readFile('/proc/1/comm'))?.trim();
  if (comm === 'systemd') return { id: 'systemd-pid1', status: 'ok', message: 'systemd is PID 1.' };
  return {
    id: 'systemd-pid1',
    status: 'fail',
    message: `PID 1 is ${comm ? `'${comm}'` : 'unknown'}, not systemd: no user managers, no lingering, no Quadlet units.`,
    fix: 'Run quadletman on a machine booted with systemd (for development: quadletman sandbox up).',
    details: { pid1: comm ?? null },
  };
}

export async function checkSystemdVersion(io: DoctorIo): Promise<Check> {
  const r = await io.run(['systemctl', '--version']);
  const m = r && r.code === 0 ? /^systemd (\d+)/m.exec(r.stdout) : null;
  if (!m) {
    return {
      id: 'systemd-version',
      status: 'fail',
      message: r ? 'systemctl --version did not report a systemd version.' : 'systemctl is not installed.',
      fix: 'Install systemd (≥ 247).',
    };
  }
  const version = Number(m[1]);
  const full = /\(([^)]+)\)/.exec(r?.stdout.split('\n')[0] ?? '')?.[1];
  const details = { version, full: full ?? null };
  if (version < 247) {
    return {
      id: 'systemd-version',
      status: 'warn',
      message: `systemd ${version} is older than quadletman is tested with (252 and 257).`,
      fix: 'Use a distribution with systemd ≥ 247 (Debian 12+, Ubuntu 22.04+, RHEL 9+).',
      details,
    };
  }
  return { id: 'systemd-version', status: 'ok', message: `systemd ${version}${full ? ` (${full})` : ''}.`, details };
}

export async function checkLinger(io: DoctorIo): Promise<Check> {
  const r = await io.run(['loginctl', '--version']);
  if (!r) {
    return {
      id: 'linger',
      status: 'fail',
      message: 'loginctl is not installed: compartment users cannot linger (their services stop at logout).',
      fix: 'Install systemd with logind (Debian: systemd + libpam-systemd).',
    };
  }
  const pid1 = (await io.readFile('/proc/1/comm'))?.trim();
  const dir = await io.stat('/var/lib/systemd/linger');
  const lingering = dir?.isDirectory ? ((await io.readDir('/var/lib/systemd/linger')) ?? []).sort() : [];
  const details = { lingerDir: dir?.isDirectory === true, lingering };
  if (pid1 !== 'systemd') {
    return {
      id: 'linger',
      status: 'fail',
      message: 'loginctl is present, but without systemd as PID 1 logind starts no user managers.',
      fix: 'Run quadletman on a machine booted with systemd.',
      details,
    };
  }
  const logind = await io.run(['loginctl', 'list-users', '--no-legend', '--no-pager']);
  if (logind?.code !== 0) {
    return {
      id: 'linger',
      status: 'fail',
      message: `systemd-logind does not answer (loginctl list-users: ${(logind?.stderr ?? '').trim() || 'no answer'}).`,
      fix: 'Install and start systemd-logind (Debian: libpam-systemd), with the system D-Bus running.',
      details,
    };
  }
  const who = lingering.length > 0 ? `lingering: ${lingering.join(', ')}` : 'no lingering users yet';
  return {
    id: 'linger',
    status: 'ok',
    message: dir?.isDirectory
      ? `loginctl enable-linger works (${who}).`
      : 'loginctl enable-linger works (logind creates /var/lib/systemd/linger on first use).',
    details,
  };
}

/** `systemctl --user -M USER@` and podman's systemd integration talk to the user's D-Bus session bus. */
export const USER_BUS_UNITS = [
  '/usr/lib/systemd/user/dbus.socket',
  '/lib/systemd/user/dbus.socket',
  '/usr/lib/systemd/user/dbus-broker.service',
] as const;

export async function checkUserBus(io: DoctorIo): Promise<Check> {
  for (const path of USER_BUS_UNITS) {
    if (await io.stat(path)) {
      return { id: 'user-bus', status: 'ok', message: `User D-Bus available to user managers (${path}).` };
    }
  }
  return {
    id: 'user-bus',
    status: 'fail',
    message: 'No user D-Bus unit: systemctl --user cannot reach compartment users’ managers.',
    fix: 'Install the session bus for systemd user managers (Debian/Ubuntu: apt-get install dbus-user-session; Fedora: dbus-broker).',
  };
}

const CGROUP_ROOT = '/sys/fs/cgroup';

export async function checkCgroupV2(io: DoctorIo): Promise<Check> {
  const controllers = await io.readFile(`${CGROUP_ROOT}/cgroup.controllers`);
  if (controllers !== undefined) {
    const list = words(controllers);
    return {
      id: 'cgroup-v2',
      status: 'ok',
      message: `cgroup v2 (unified); controllers: ${list.length > 0 ? list.join(' ') : 'none'}.`,
      details: { mode: 'unified', controllers: list },
    };
  }
  const hybrid = (await io.readFile(`${CGROUP_ROOT}/unified/cgroup.controllers`)) !== undefined;
  return {
    id: 'cgroup-v2',
    status: 'fail',
    message: hybrid
      ? 'cgroup v1 hybrid: v1 hierarchies own the controllers (cgroup2 only at /sys/fs/cgroup/unified).'
      : 'cgroup v1: no unified cgroup2 hierarchy at /sys/fs/cgroup.',
    fix: 'Boot with the unified hierarchy (kernel command line systemd.unified_cgroup_hierarchy=1; the default since systemd 247 on most distributions).',
    details: { mode: hybrid ? 'hybrid' : 'legacy' },
  };
}

/** Controllers rootless containers need for Memory=, PidsLimit=, CPU limits. */
const WANTED_CONTROLLERS = ['cpu', 'memory', 'pids'] as const;

export async function checkCgroupDelegation(io: DoctorIo): Promise<Check> {
  const rootControllers = await io.readFile(`${CGROUP_ROOT}/cgroup.controllers`);
  if (rootControllers === undefined) {
    return {
      id: 'cgroup-delegation',
      status: 'fail',
      message: 'No cgroup v2: nothing can be delegated to user slices, so resource limits cannot work.',
      fix: 'Enable the unified cgroup hierarchy (see cgroup-v2).',
    };
  }
  // A running user manager shows what systemd delegates to users: the controllers of user@UID.service.
  const slices = ((await io.readDir(`${CGROUP_ROOT}/user.slice`)) ?? []).filter((n) => /^user-\d+\.slice$/.test(n));
  let delegated: string[] | undefined;
  let source = '';
  for (const slice of slices.sort()) {
    const uid = slice.slice(5, -6);
    const path = `${CGROUP_ROOT}/user.slice/${slice}/user@${uid}.service/cgroup.controllers`;
    const text = await io.readFile(path);
    if (text !== undefined) {
      delegated = words(text);
      source = path;
      break;
    }
  }
  if (delegated === undefined) {
    // No user manager runs: what user.slice passes down is the best available answer.
    const path = `${CGROUP_ROOT}/user.slice/cgroup.subtree_control`;
    const text = await io.readFile(path);
    delegated = text === undefined ? words(rootControllers) : words(text);
    source = text === undefined ? `${CGROUP_ROOT}/cgroup.controllers` : path;
  }
  const missing = WANTED_CONTROLLERS.filter((c) => !delegated.includes(c));
  const details = { delegated, source, missing };
  if (missing.length > 0) {
    return {
      id: 'cgroup-delegation',
      status: 'warn',
      message: `Controllers delegated to user slices: ${delegated.length > 0 ? delegated.join(' ') : 'none'} (from ${source}); without ${missing.join(', ')}, Memory=/PidsLimit=/CPU limits of rootless containers fail.`,
      fix: "mkdir -p /etc/systemd/system/user@.service.d && printf '[Service]\\nDelegate=cpu cpuset io memory pids\\n' > /etc/systemd/system/user@.service.d/delegate.conf && systemctl daemon-reload (re-login or restart user@UID.service).",
      details,
    };
  }
  return {
    id: 'cgroup-delegation',
    status: 'ok',
    message: `Controllers delegated to user slices: ${delegated.join(' ')}.`,
    details,
  };
}

async function checkIdMapper(io: DoctorIo, name: 'newuidmap' | 'newgidmap'): Promise<Check> {
  const cap = name === 'newuidmap' ? 'cap_setuid' : 'cap_setgid';
  let path: string | undefined;
  let info: FileInfo | undefined;
  for (const dir of BIN_DIRS) {
    info = await io.stat(`${dir}/${name}`);
    if (info?.isFile) {
      path = `${dir}/${name}`;
      break;
    }
  }
  if (!path || !info) {
    return {
      id: name,
      status: 'fail',
      message: `${name} is not installed: rootless Podman cannot map subordinate ids.`,
      fix: 'Install it (Debian/Ubuntu: apt-get install uidmap; Fedora/RHEL: shadow-utils).',
    };
  }
  if (info.uid === 0 && (info.mode & 0o4000) !== 0) {
    return { id: name, status: 'ok', message: `${path} is setuid root.`, details: { path, how: 'setuid' } };
  }
  const r = await io.run(['getcap', path]);
  if (r && r.code === 0 && r.stdout.includes(cap)) {
    return {
      id: name,
      status: 'ok',
      message: `${path} has file capabilities (${r.stdout.trim().split(/\s+/).slice(1).join(' ')}).`,
      details: { path, how: 'capabilities' },
    };
  }
  if (!r) {
    return {
      id: name,
      status: 'warn',
      message: `${path} is not setuid root, and getcap is not installed to read its file capabilities.`,
      fix: `Install getcap (libcap2-bin) to check, or: chmod u+s ${path}.`,
      details: { path },
    };
  }
  return {
    id: name,
    status: 'fail',
    message: `${path} is neither setuid root nor has ${cap}: rootless Podman cannot map subordinate ids.`,
    fix: `chmod u+s ${path} (or setcap ${cap}+ep ${path}); reinstalling the package restores it.`,
    details: { path },
  };
}

export const checkNewuidmap = (io: DoctorIo) => checkIdMapper(io, 'newuidmap');
export const checkNewgidmap = (io: DoctorIo) => checkIdMapper(io, 'newgidmap');

/** Line numbers (1-based) of lines that are neither blank nor `owner:start:count`. */
export function invalidSubidLines(text: string): number[] {
  const bad: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    if (!/^[^:#\s][^:]*:\d+:\d+\s*$/.test(line)) bad.push(i + 1);
  });
  return bad;
}

/** Pairs of entries of different owners whose ranges overlap. */
export function overlappingSubids(entries: readonly SubidEntry[]): [SubidEntry, SubidEntry][] {
  const sorted = [...entries].sort((a, b) => a.start - b.start);
  const out: [SubidEntry, SubidEntry][] = [];
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j]!;
      if (b.start >= a.start + a.count) break;
      if (a.owner !== b.owner) out.push([a, b]);
    }
  }
  return out;
}

async function checkSubidFile(io: DoctorIo, file: '/etc/subuid' | '/etc/subgid'): Promise<Check> {
  const id = file.slice(5);
  const text = await io.readFile(file);
  if (text === undefined) {
    return {
      id,
      status: 'fail',
      message: `${file} is missing or unreadable: no subordinate ids for rootless containers.`,
      fix: `touch ${file} && chmod 0644 ${file} (quadletman allocates one range per compartment).`,
    };
  }
  const bad = invalidSubidLines(text);
  const entries = parseSubid(text);
  const details = { entries: entries.length, invalidLines: bad };
  if (bad.length > 0) {
    return {
      id,
      status: 'fail',
      message: `${file} has ${bad.length} line(s) that are not owner:start:count (line ${bad.join(', ')}).`,
      fix: `Fix or remove those lines of ${file}.`,
      details,
    };
  }
  const overlaps = overlappingSubids(entries);
  if (overlaps.length > 0) {
    const [a, b] = overlaps[0]!;
    return {
      id,
      status: 'warn',
      message: `${file}: ranges of different owners overlap (${a.owner}:${a.start}:${a.count} and ${b.owner}:${b.start}:${b.count}${overlaps.length > 1 ? ` and ${overlaps.length - 1} more` : ''}).`,
      fix: `Give each owner its own range in ${file}; overlapping users can reach each other's files.`,
      details: { ...details, overlaps: overlaps.length },
    };
  }
  return {
    id,
    status: 'ok',
    message:
      entries.length > 0
        ? `${file}: ${entries.length} range(s), none overlapping.`
        : `${file} exists and is empty (ranges are allocated per compartment).`,
    details,
  };
}

export const checkSubuid = (io: DoctorIo) => checkSubidFile(io, '/etc/subuid');
export const checkSubgid = (io: DoctorIo) => checkSubidFile(io, '/etc/subgid');

export async function checkUserNamespaces(io: DoctorIo): Promise<Check> {
  const max = (await io.readFile('/proc/sys/user/max_user_namespaces'))?.trim();
  const clone = (await io.readFile('/proc/sys/kernel/unprivileged_userns_clone'))?.trim();
  const details = { maxUserNamespaces: max === undefined ? null : Number(max), unprivilegedClone: clone ?? null };
  if (max === '0') {
    return {
      id: 'user-namespaces',
      status: 'fail',
      message: 'user.max_user_namespaces is 0: rootless containers cannot start.',
      fix: 'sysctl -w user.max_user_namespaces=28633 (and persist it in /etc/sysctl.d/).',
      details,
    };
  }
  if (clone === '0') {
    return {
      id: 'user-namespaces',
      status: 'fail',
      message: 'kernel.unprivileged_userns_clone is 0: unprivileged users cannot create user namespaces.',
      fix: 'sysctl -w kernel.unprivileged_userns_clone=1 (and persist it in /etc/sysctl.d/).',
      details,
    };
  }
  return {
    id: 'user-namespaces',
    status: 'ok',
    message: `Unprivileged user namespaces are allowed${max ? ` (max ${max})` : ''}.`,
    details,
  };
}

/** Native overlay in a user namespace needs Linux ≥ 5.13; before that, fuse-overlayfs or (slow) vfs. */
export async function checkStorageDriver(io: DoctorIo): Promise<Check> {
  const release = (await io.readFile('/proc/sys/kernel/osrelease'))?.trim();
  const kernel = release ? parseVersion(release) : undefined;
  const fuse = await firstExisting(io, ['/usr/bin/fuse-overlayfs', '/usr/local/bin/fuse-overlayfs']);
  const devFuse = (await io.stat('/dev/fuse')) !== undefined;
  const details = { kernel: release ?? null, fuseOverlayfs: fuse ?? null, devFuse };
  if (kernel && atLeast(kernel, 5, 13)) {
    return {
      id: 'storage-driver',
      status: 'ok',
      message: `Linux ${release}: native overlay for rootless storage.`,
      details: { ...details, driver: 'overlay' },
    };
  }
  if (fuse && devFuse) {
    return {
      id: 'storage-driver',
      status: 'ok',
      message: `Linux ${release ?? '?'} predates rootless native overlay (5.13); ${fuse} will be used.`,
      details: { ...details, driver: 'overlay (fuse-overlayfs)' },
    };
  }
  return {
    id: 'storage-driver',
    status: 'warn',
    message: `Linux ${release ?? '?'} has no rootless native overlay and fuse-overlayfs${fuse ? ' has no /dev/fuse' : ' is not installed'}: podman falls back to vfs (a full copy per layer).`,
    fix: 'Install fuse-overlayfs (and make /dev/fuse available), or use a kernel ≥ 5.13.',
    details: { ...details, driver: 'vfs' },
  };
}

/** pasta (Podman 5's default) or slirp4netns opens /dev/net/tun as the compartment user. */
export async function checkRootlessNetwork(io: DoctorIo): Promise<Check> {
  const pasta = await firstExisting(
    io,
    BIN_DIRS.map((d) => `${d}/pasta`),
  );
  const slirp = await firstExisting(
    io,
    BIN_DIRS.map((d) => `${d}/slirp4netns`),
  );
  const tun = await io.stat('/dev/net/tun');
  const details = {
    pasta: pasta ?? null,
    slirp4netns: slirp ?? null,
    tunMode: tun ? (tun.mode & 0o777).toString(8) : null,
  };
  if (!pasta && !slirp) {
    return {
      id: 'rootless-network',
      status: 'fail',
      message: 'Neither pasta nor slirp4netns is installed: rootless containers get no network.',
      fix: 'Install passt (pasta, the default of Podman 5) or slirp4netns.',
      details,
    };
  }
  if (!tun || (tun.mode & 0o006) !== 0o006) {
    return {
      id: 'rootless-network',
      status: 'warn',
      message: tun
        ? `/dev/net/tun is mode ${details.tunMode}: users cannot open it, so pasta/slirp4netns fail to create their tap device.`
        : '/dev/net/tun does not exist: pasta/slirp4netns cannot create their tap device.',
      fix: tun
        ? 'chmod 0666 /dev/net/tun (udev normally does this: KERNEL=="tun", MODE="0666").'
        : 'modprobe tun (and make sure udev creates /dev/net/tun with mode 0666).',
      details,
    };
  }
  return {
    id: 'rootless-network',
    status: 'ok',
    message: `${[pasta, slirp].filter(Boolean).join(' and ')} available; /dev/net/tun is open to users.`,
    details,
  };
}

/** The edge: Debian's caddy, run as quadletman-edge.service, answering on its admin socket. Routes need it;
 * without routes it is optional. */
export async function checkEdge(io: DoctorIo): Promise<Check> {
  const caddy = await firstExisting(
    io,
    BIN_DIRS.map((d) => `${d}/caddy`),
  );
  const socket = await io.stat(EDGE_ADMIN_SOCKET);
  const details = { caddy: caddy ?? null, adminSocket: socket ? EDGE_ADMIN_SOCKET : null };
  if (!caddy) {
    return {
      id: 'edge',
      status: 'warn',
      message: 'caddy is not installed: routes (host names with TLS) are not served.',
      fix: 'apt install caddy, then run quadletman install again (it sets up quadletman-edge.service).',
      details,
    };
  }
  if (!socket) {
    return {
      id: 'edge',
      status: 'warn',
      message: `caddy is installed, but nothing answers on ${EDGE_ADMIN_SOCKET}: quadletman-edge.service is not running.`,
      fix: 'quadletman install sets it up; systemctl status quadletman-edge.service says why it stopped.',
      details,
    };
  }
  return { id: 'edge', status: 'ok', message: `caddy (${caddy}) runs as the edge on ${EDGE_ADMIN_SOCKET}.`, details };
}

/** The loopback guard: nft to load it, and a pasta that maps the host's loopback into containers (connections
 * between compartments). */
export async function checkLoopbackGuard(io: DoctorIo): Promise<Check> {
  const nft = await firstExisting(
    io,
    BIN_DIRS.map((d) => `${d}/nft`),
  );
  const pasta = await firstExisting(
    io,
    BIN_DIRS.map((d) => `${d}/pasta`),
  );
  const help = pasta ? await io.run([pasta, '--help']) : undefined;
  const maps = help ? `${help.stdout}${help.stderr}`.includes('--map-host-loopback') : false;
  const details = { nft: nft ?? null, pasta: pasta ?? null, mapHostLoopback: maps };
  if (!nft) {
    return {
      id: 'loopback-guard',
      status: 'warn',
      message:
        'nft is not installed: the loopback ports of routes and provided services are open to every local user, and applying connections between compartments fails.',
      fix: 'apt install nftables (the kernel needs nf_tables).',
      details,
    };
  }
  if (!maps) {
    return {
      id: 'loopback-guard',
      status: 'warn',
      message: pasta
        ? `${pasta} has no --map-host-loopback: containers cannot reach the services of other compartments they use.`
        : 'pasta is not installed: containers cannot reach the services of other compartments they use.',
      fix: 'Install a passt (pasta) from 2024 or later.',
      details,
    };
  }
  return {
    id: 'loopback-guard',
    status: 'ok',
    message: `nft (${nft}) loads the loopback guard; pasta maps the host's loopback for connections between compartments.`,
    details,
  };
}

export async function checkSelinux(io: DoctorIo): Promise<Check> {
  const enforce = (await io.readFile('/sys/fs/selinux/enforce'))?.trim();
  let mode: 'enforcing' | 'permissive' | 'disabled' =
    enforce === '1' ? 'enforcing' : enforce === '0' ? 'permissive' : 'disabled';
  if (enforce === undefined) {
    const r = await io.run(['getenforce']);
    const out = r?.stdout.trim().toLowerCase();
    if (out === 'enforcing' || out === 'permissive') mode = out;
  }
  return {
    id: 'selinux',
    status: 'ok',
    message:
      mode === 'enforcing'
        ? 'SELinux is enforcing: bind-mounted volumes need :Z/:z (or SecurityLabelDisable=true).'
        : `SELinux is ${mode}.`,
    details: { mode },
  };
}

export async function checkApparmor(io: DoctorIo): Promise<Check> {
  const enabled = (await io.readFile('/sys/module/apparmor/parameters/enabled'))?.trim() === 'Y';
  const restrict = (await io.readFile('/proc/sys/kernel/apparmor_restrict_unprivileged_userns'))?.trim();
  const details = { enabled, restrictUnprivilegedUserns: restrict === undefined ? null : restrict === '1' };
  if (enabled && restrict === '1') {
    return {
      id: 'apparmor',
      status: 'warn',
      message:
        'AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1): rootless Podman works only where a profile allows it.',
      fix: 'Keep the podman/crun AppArmor profiles installed (Ubuntu ≥ 23.10 ships them), or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0.',
      details,
    };
  }
  return {
    id: 'apparmor',
    status: 'ok',
    message: enabled
      ? 'AppArmor is enabled; unprivileged user namespaces are not restricted.'
      : 'AppArmor is not enabled.',
    details,
  };
}

/**
 * WireGuard, which the catalog's VPN needs (a rootless container with NET_ADMIN can make a WireGuard interface
 * only when the kernel has the module): ok when it is loaded or built in; a warning when it must be loaded
 * first, or when the kernel has none. Only that app needs it, so never a failure.
 */
export async function checkWireguard(io: DoctorIo): Promise<Check> {
  const loaded =
    (await io.stat('/sys/module/wireguard')) !== undefined ||
    ((await io.readFile('/proc/modules')) ?? '').split('\n').some((l) => l.startsWith('wireguard '));
  if (loaded)
    return {
      id: 'wireguard',
      status: 'ok',
      message: 'The WireGuard kernel module is loaded (the catalog’s VPN can run).',
    };
  const info = await io.run(['modinfo', '-F', 'filename', 'wireguard']);
  if (info === undefined) {
    return {
      id: 'wireguard',
      status: 'warn',
      message:
        'The WireGuard kernel module is not loaded, and without modinfo (kmod) doctor cannot tell whether the kernel has it; the catalog’s VPN needs it.',
      fix: 'apt-get install kmod, then modprobe wireguard',
    };
  }
  if (info.code === 0 && info.stdout.trim() !== '') {
    return {
      id: 'wireguard',
      status: 'warn',
      message:
        'The WireGuard kernel module is not loaded; the catalog’s VPN needs it (containers cannot load modules).',
      fix: 'modprobe wireguard && echo wireguard > /etc/modules-load.d/wireguard.conf',
      details: { module: info.stdout.trim() },
    };
  }
  return {
    id: 'wireguard',
    status: 'warn',
    message: 'This kernel has no WireGuard module: the catalog’s VPN cannot run here.',
    fix: 'Use a kernel with WireGuard (Linux ≥ 5.6 has it; Debian’s does).',
  };
}

/** What the CLI knows and doctor cannot find out itself; each part adds its check when present. */
export interface DoctorInput {
  /** The address `serve` listens on and the ports the compartments' desired states publish. */
  ui?: { listen: { host: string; port: number }; published: readonly PublishedPort[] };
}

/** The web UI must not share its host name with published ports: those apps would get its session cookie. */
export function checkUiHostName(ui: NonNullable<DoctorInput['ui']>): Check {
  const shared = portsSharingHost(ui.listen.host, ui.published);
  const listen = `${ui.listen.host.includes(':') ? `[${ui.listen.host}]` : ui.listen.host}:${ui.listen.port}`;
  const details = {
    listen,
    shared: shared.map((p) => ({ compartment: p.compartment, unit: p.unit, publishPort: p.value })),
  };
  if (shared.length === 0) {
    return {
      id: 'ui-host-name',
      status: 'ok',
      message: `No compartment publishes a port on the web UI’s host name (${listen}).`,
      details,
    };
  }
  return { id: 'ui-host-name', status: 'warn', ...describeSharedHost(ui.listen, shared), details };
}

/** Every check with its id, in the order they are reported. */
export const CHECKS: readonly { id: string; run: (io: DoctorIo) => Promise<Check> }[] = [
  { id: 'podman', run: checkPodman },
  { id: 'quadlet-generator', run: checkQuadletGenerator },
  { id: 'systemd-pid1', run: checkSystemdPid1 },
  { id: 'systemd-version', run: checkSystemdVersion },
  { id: 'linger', run: checkLinger },
  { id: 'user-bus', run: checkUserBus },
  { id: 'cgroup-v2', run: checkCgroupV2 },
  { id: 'cgroup-delegation', run: checkCgroupDelegation },
  { id: 'newuidmap', run: checkNewuidmap },
  { id: 'newgidmap', run: checkNewgidmap },
  { id: 'subuid', run: checkSubuid },
  { id: 'subgid', run: checkSubgid },
  { id: 'user-namespaces', run: checkUserNamespaces },
  { id: 'storage-driver', run: checkStorageDriver },
  { id: 'rootless-network', run: checkRootlessNetwork },
  { id: 'edge', run: checkEdge },
  { id: 'loopback-guard', run: checkLoopbackGuard },
  { id: 'selinux', run: checkSelinux },
  { id: 'apparmor', run: checkApparmor },
  { id: 'wireguard', run: checkWireguard },
];

export function summarize(checks: Check[]): DoctorReport {
  const summary: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0 };
  for (const c of checks) summary[c.status]++;
  return { ok: summary.fail === 0, summary, checks };
}

/** Run every check (concurrently: they only read), and those `input` allows. A check that throws is reported
 * as `fail`. */
export async function runDoctor(io: DoctorIo = hostDoctorIo(), input: DoctorInput = {}): Promise<DoctorReport> {
  const ui = input.ui;
  const all = [...CHECKS, ...(ui ? [{ id: 'ui-host-name', run: async () => checkUiHostName(ui) }] : [])];
  const checks = await Promise.all(
    all.map(async ({ id, run }): Promise<Check> => {
      try {
        return await run(io);
      } catch (err) {
        return {
          id,
          status: 'fail',
          message: `The check itself failed: ${err instanceof Error ? err.message : String(err)}`,
          fix: 'Report this as a quadletman bug.',
        };
      }
    }),
  );
  return summarize(checks);
}

// ------------------------------------------------------------------------------------------------------
// the real machine

/** Every exit code 0…255: doctor judges exit codes itself. */
const ANY_EXIT_CODE: readonly number[] = Array.from({ length: 256 }, (_, i) => i);

/** Reads this machine; commands run through `exec` with a short timeout. */
export function hostDoctorIo(exec: Exec = hostExec, timeoutMs = 10_000): DoctorIo {
  return {
    async run(argv) {
      try {
        return await exec.run(argv, { timeoutMs, expectCodes: ANY_EXIT_CODE, cleanEnv: true });
      } catch (err) {
        // Not startable (ENOENT, EACCES) → undefined; a timeout or a signal is a result the check can judge.
        if (err instanceof CommandError && err.exitCode === null && !err.timedOut && err.signal === null) {
          return undefined;
        }
        if (err instanceof CommandError) {
          return { code: -1, stdout: err.stdout, stderr: err.stderr || err.message };
        }
        throw err;
      }
    },
    async readFile(path) {
      try {
        return await readFile(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    async stat(path) {
      try {
        const st = await stat(path);
        return { mode: st.mode, uid: st.uid, isFile: st.isFile(), isDirectory: st.isDirectory() };
      } catch {
        return undefined;
      }
    },
    async readDir(path) {
      try {
        return await readdir(path);
      } catch {
        return undefined;
      }
    },
  };
}
