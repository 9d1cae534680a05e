// What each option of podman run (and docker run) becomes. Most become the compose key that means the same, so the
// compose converter maps them exactly as it maps a compose file (`--restart` as `restart:`, `--memory` as
// `mem_limit:`); the options compose has no key for become their Quadlet key, or their flag in PodmanArgs=; what
// has no place under systemd is dropped with the reason, and what needs a decision or a file is reported so.

import { RESOURCE_HANDLERS } from './resources.js';
import type { Builder } from './service.js';

type Handler = (v: string, b: Builder) => void;

/** `K=V` (or `K:V`) split at the first separator; a bare `K` has no value. */
const cut = (v: string, seps = '='): [string, string | undefined] => {
  const i = [...seps].map((s) => v.indexOf(s)).filter((n) => n >= 0)[0];
  return i === undefined ? [v, undefined] : [v.slice(0, i), v.slice(i + 1)];
};
const csv = (v: string) => v.split(',').filter((x) => x !== '');

const scalar =
  (key: string): Handler =>
  (v, b) =>
    b.scalar(key, v);
const flag =
  (key: string): Handler =>
  (v, b) =>
    b.scalar(key, b.bool(v));
const list =
  (key: string, perItem = false, split: (v: string) => string[] = (v) => [v]): Handler =>
  (v, b) =>
    b.list(key, split(v), perItem);
const map =
  (key: string, seps = '='): Handler =>
  (v, b) => {
    const [k, x] = cut(v, seps);
    b.map(key, k, x ?? '');
  };
const sub =
  (key: string, subkey: string): Handler =>
  (v, b) =>
    b.sub(key, subkey, v);
const quadlet =
  (key: string, kind: 'value' | 'list' | 'bool' = 'value'): Handler =>
  (v, b) =>
    b.quadlet(key, kind === 'bool' ? b.bool(v) : v, kind === 'list');
const args =
  (isFlag = false): Handler =>
  (v, b) =>
    b.args(v, isFlag);
const dropped =
  (note: string): Handler =>
  (_, b) =>
    b.dropped(note);
const needs =
  (note: string): Handler =>
  (_, b) =>
    b.needs(note);

const NOT_SENT = 'the file is not sent with the command';
const NO_ONE = 'nobody is attached to a container systemd runs';
const LOGIN = "registry credentials: log the compartment's user in with quadletman login";

/** Every option of parse.ts's table has a handler here (a test checks). */
export const HANDLERS: Record<string, Handler> = {
  ...RESOURCE_HANDLERS,
  // the compose keys that mean the same
  name: scalar('container_name'),
  hostname: scalar('hostname'),
  user: scalar('user'),
  workdir: scalar('working_dir'),
  restart: scalar('restart'),
  pull: scalar('pull_policy'),
  userns: scalar('userns_mode'),
  'shm-size': scalar('shm_size'),
  memory: scalar('mem_limit'),
  'pids-limit': scalar('pids_limit'),
  'stop-signal': scalar('stop_signal'),
  'stop-timeout': (v, b) => b.scalar('stop_grace_period', /^\d+$/.test(v) ? `${v}s` : v),
  cpus: scalar('cpus'),
  'cpu-shares': scalar('cpu_shares'),
  'cpu-period': scalar('cpu_period'),
  'cpu-quota': scalar('cpu_quota'),
  'cpu-rt-runtime': scalar('cpu_rt_runtime'),
  'cpu-rt-period': scalar('cpu_rt_period'),
  'cpuset-cpus': scalar('cpuset'),
  'memory-reservation': scalar('mem_reservation'),
  'memory-swap': scalar('memswap_limit'),
  'memory-swappiness': scalar('mem_swappiness'),
  'oom-score-adj': scalar('oom_score_adj'),
  pid: scalar('pid'),
  ipc: scalar('ipc'),
  cgroupns: scalar('cgroup'),
  'cgroup-parent': scalar('cgroup_parent'),
  platform: scalar('platform'),
  'mac-address': scalar('mac_address'),
  runtime: scalar('runtime'),
  domainname: scalar('domainname'),
  gpus: scalar('gpus'),
  isolation: scalar('isolation'),
  'cpu-count': scalar('cpu_count'),
  'cpu-percent': scalar('cpu_percent'),
  'storage-opt': scalar('storage_opt'),
  privileged: flag('privileged'),
  'oom-kill-disable': flag('oom_kill_disable'),
  'read-only': flag('read_only'),
  init: flag('init'),
  entrypoint: (v, b) => {
    let words: unknown;
    try {
      words = v.startsWith('[') ? JSON.parse(v) : [v];
    } catch {
      words = undefined;
    }
    if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) b.fail('not a JSON list of strings');
    b.scalar('entrypoint', words);
  },
  publish: list('ports', true),
  'security-opt': list('security_opt', true),
  tmpfs: list('tmpfs'),
  device: list('devices'),
  'cap-add': list('cap_add', false, csv),
  'cap-drop': list('cap_drop', false, csv),
  dns: list('dns'),
  'dns-search': list('dns_search'),
  'dns-option': list('dns_opt'),
  expose: list('expose'),
  'group-add': list('group_add'),
  'device-cgroup-rule': list('device_cgroup_rules'),
  link: list('links'),
  'volumes-from': list('volumes_from'),
  label: map('labels'),
  annotation: map('annotations'),
  sysctl: map('sysctls'),
  ulimit: map('ulimits'),
  'add-host': map('extra_hosts', ':='),
  'log-driver': sub('logging', 'driver'),
  'log-opt': (v, b) => {
    const [k, x] = cut(v);
    const prev = ((b.service.logging as Record<string, unknown> | undefined)?.options ?? {}) as object;
    b.sub('logging', 'options', { ...prev, [k]: x ?? '' });
  },
  'health-cmd': sub('healthcheck', 'test'),
  'health-interval': sub('healthcheck', 'interval'),
  'health-timeout': sub('healthcheck', 'timeout'),
  'health-retries': sub('healthcheck', 'retries'),
  'health-start-period': sub('healthcheck', 'start_period'),
  'health-start-interval': sub('healthcheck', 'start_interval'),
  'no-healthcheck': (v, b) => b.sub('healthcheck', 'disable', b.bool(v)),
  env: (v, b) => {
    const [k, x] = cut(v);
    if (x === undefined) {
      b.needs(
        `${k} has no value: podman takes it from the environment it runs in, which is not here; write ${k}=VALUE`,
      );
    } else b.map('environment', k, x);
  },

  // Quadlet keys compose has no key for
  tz: quadlet('Timezone'),
  ip: quadlet('IP'),
  ip6: quadlet('IP6'),
  'network-alias': quadlet('NetworkAlias', 'list'),
  'health-on-failure': quadlet('HealthOnFailure'),
  'health-startup-cmd': quadlet('HealthStartupCmd'),
  'health-startup-interval': quadlet('HealthStartupInterval'),
  'health-startup-retries': quadlet('HealthStartupRetries'),
  'health-startup-success': quadlet('HealthStartupSuccess'),
  'health-startup-timeout': quadlet('HealthStartupTimeout'),
  'health-log-destination': quadlet('HealthLogDestination'),
  'health-max-log-count': quadlet('HealthMaxLogCount'),
  'health-max-log-size': quadlet('HealthMaxLogSize'),
  uidmap: quadlet('UIDMap', 'list'),
  gidmap: quadlet('GIDMap', 'list'),
  subuidname: quadlet('SubUIDMap'),
  subgidname: quadlet('SubGIDMap'),
  'read-only-tmpfs': quadlet('ReadOnlyTmpfs', 'bool'),
  'env-host': quadlet('EnvironmentHost', 'bool'),
  'http-proxy': quadlet('HttpProxy', 'bool'),
  retry: quadlet('Retry'),
  'retry-delay': quadlet('RetryDelay'),
  cgroups: quadlet('CgroupsMode'),
  'image-volume': quadlet('ImageVolume'),
  sdnotify: (v, b) => {
    if (v === 'container' || v === 'healthy') b.quadlet('Notify', v === 'container' ? 'true' : 'healthy');
    else if (v === 'conmon') b.dropped("the default: the unit is started once the container's process is");
    else b.needs(`${v}: the unit's readiness would be left to nobody; use --sdnotify=container or healthy`);
  },

  // podman flags without a Quadlet key
  ...Object.fromEntries(
    `blkio-weight blkio-weight-device device-read-bps device-read-iops device-write-bps device-write-iops cpuset-mems uts
     systemd umask personality passwd-entry group-entry hostuser chrootdirs cgroup-conf seccomp-policy shm-size-systemd
     unsetenv env-merge timeout arch os variant decryption-key rdt-class init-path`
      .split(/\s+/)
      .map((o) => [o, args()]),
  ),
  ...Object.fromEntries(['no-hosts', 'passwd', 'tls-verify', 'unsetenv-all'].map((o) => [o, args(true)])),

  // nothing to do under systemd
  detach: dropped('systemd runs the container in the background'),
  rm: dropped('Quadlet runs the container with --rm: it is removed when it stops'),
  replace: dropped('Quadlet runs the container with --replace'),
  interactive: dropped(`${NO_ONE}: it gets no input`),
  tty: dropped(`${NO_ONE}: it gets no terminal; its output goes to the journal`),
  attach: dropped('its output goes to the journal'),
  'detach-keys': dropped(NO_ONE),
  'sig-proxy': dropped('systemd sends the stop signal to the container itself'),
  quiet: dropped('pull progress goes to the journal'),
  cidfile: dropped('Quadlet keeps its own --cidfile'),
  'conmon-pidfile': dropped('systemd tracks conmon itself'),
  pidfile: dropped('systemd tracks the container itself'),
  rmi: dropped('the image is kept: the unit runs it again on every start'),
  'kernel-memory': dropped('cgroup v2 has no separate kernel memory limit'),
  'io-maxbandwidth': dropped('Windows only'),
  'io-maxiops': dropped('Windows only'),
  'disable-content-trust': dropped('Docker only'),
  'use-api-socket': dropped('Docker only (it mounts the Docker API socket)'),

  // someone has to decide or supply something
  'env-file': (v, b) =>
    b.needs(
      `${v}: ${NOT_SENT}; give its variables with -e KEY=VALUE, or add it to the spec's files and EnvironmentFile=`,
    ),
  'label-file': (v, b) => b.needs(`${v}: ${NOT_SENT}; give its labels with -l KEY=VALUE`),
  pod: needs('pods: declare a .pod unit in the spec and set Pod= on the container'),
  'pod-id-file': needs('pods: declare a .pod unit in the spec and set Pod= on the container'),
  'publish-all': needs('publishes every exposed port on a random host port: give each port with -p'),
  'preserve-fd': needs('systemd passes the container no file descriptors of a caller'),
  'preserve-fds': needs('systemd passes the container no file descriptors of a caller'),
  authfile: needs(LOGIN),
  creds: needs(LOGIN),
  'cert-dir': needs(LOGIN),
  'volume-driver': needs('declare the volumes in the spec with their driver (volumes.NAME.options.driver)'),
  'link-local-ip': needs('no Quadlet key for link-local addresses'),
  rootfs: needs(
    'the image is a root file system folder: write Rootfs= with its absolute path in the spec instead of Image=',
  ),
};
