/**
 * `[Container]` of `.container` units: becomes `podman run`.
 */
import { common, key } from '../define';
import type { SectionDef } from '../types';
import {
  addHost,
  containersConfModule,
  dns,
  dnsOption,
  dnsSearch,
  gidMap,
  globalArgs,
  ip,
  ip6,
  label,
  network,
  networkAlias,
  PULL_POLICIES,
  podmanArgs,
  publishPort,
  remapKeys,
  retry,
  retryDelay,
  serviceName,
  shmSize,
  subGIDMap,
  subUIDMap,
  uidMap,
  userNS,
  volume,
} from './shared';

const NOTIFY_VALUES = ['true', 'false', 'yes', 'no', 'on', 'off', '1', '0', 'healthy'];

export const CONTAINER_SECTION: SectionDef = {
  name: 'Container',
  unitTypes: ['container'],
  since: '4.4',
  keys: [
    key('AddCapability', 'words', '4.4', 'Linux capabilities granted on top of the default set.', {
      repeat: true,
      flag: '--cap-add',
    }),
    key('AddDevice', 'string', '4.4', 'Host device as HOST[:CONTAINER][:PERMS]; a leading - skips a missing one.', {
      repeat: true,
      flag: '--device',
    }),
    addHost('5.3'),
    key('Annotation', 'kv', '4.4', 'OCI annotations (key=value) on the container.', {
      repeat: true,
      flag: '--annotation',
    }),
    key('AppArmor', 'string', '5.8', 'AppArmor profile to confine the container; `unconfined` turns it off.', {
      flag: '--security-opt',
      values: ['unconfined'],
    }),
    key('AutoUpdate', 'enum', '4.6', 'Lets `podman auto-update` refresh the image from a registry or local storage.', {
      flag: '--label',
      values: ['registry', 'local'],
      common: true,
    }),
    key('CgroupsMode', 'enum', '5.3', 'Cgroup handling for the container; Quadlet defaults to split.', {
      flag: '--cgroups',
      values: ['enabled', 'disabled', 'no-conmon', 'split'],
    }),
    key('ContainerName', 'string', '4.4', 'Name of the podman container (default systemd-%N).', {
      flag: '--name',
      common: true,
    }),
    containersConfModule('4.8'),
    dns('4.7', 'the container'),
    dnsOption('4.7'),
    dnsSearch('4.7'),
    key('DropCapability', 'words', '4.4', 'Linux capabilities removed from the default set, or `all`.', {
      repeat: true,
      flag: '--cap-drop',
    }),
    key('Entrypoint', 'string', '5.0', "Replaces the image's ENTRYPOINT; a JSON array for several words.", {
      flag: '--entrypoint',
    }),
    key('Environment', 'kv', '4.4', 'Environment variables for the container, in systemd Environment= syntax.', {
      repeat: true,
      flag: '--env',
      common: true,
    }),
    key('EnvironmentFile', 'path', '4.4', 'File of KEY=VALUE lines for the environment; relative to the unit.', {
      repeat: true,
      flag: '--env-file',
      common: true,
    }),
    key('EnvironmentHost', 'bool', '4.4', "Copies the host's whole environment into the container.", {
      flag: '--env-host',
    }),
    key('Exec', 'words', '4.4', 'Command and arguments run in the container, after the image name.', {
      common: true,
    }),
    key('ExposeHostPort', 'string', '4.4', 'Port or range (50-59[/proto]) exposed without publishing it.', {
      repeat: true,
      flag: '--expose',
    }),
    gidMap('4.8', 'container'),
    globalArgs('4.8'),
    key('Group', 'group', '4.4', 'Numeric GID (or group) the process runs as inside the container.', {
      flag: '--user',
    }),
    key('GroupAdd', 'string', '5.1', 'Supplementary group for the process, or keep-groups.', {
      repeat: true,
      flag: '--group-add',
    }),
    key('HealthCmd', 'words', '4.5', 'Health check command; `none` disables the one from the image.', {
      values: ['none'],
      flag: '--health-cmd',
    }),
    key('HealthInterval', 'duration', '4.5', 'How often the health check runs; `disable` turns off the timer.', {
      values: ['disable'],
      flag: '--health-interval',
    }),
    key('HealthLogDestination', 'string', '5.3', 'Where health results go: local, events_logger or a directory.', {
      flag: '--health-log-destination',
      values: ['local', 'events_logger'],
    }),
    key('HealthMaxLogCount', 'int', '5.3', 'How many health check results are kept (0: no limit).', {
      flag: '--health-max-log-count',
    }),
    key('HealthMaxLogSize', 'int', '5.3', 'Longest health check output kept, in characters (0: no limit).', {
      flag: '--health-max-log-size',
    }),
    key('HealthOnFailure', 'enum', '4.5', 'Action when the container turns unhealthy; kill lets systemd restart it.', {
      flag: '--health-on-failure',
      values: ['none', 'kill', 'restart', 'stop'],
    }),
    key('HealthRetries', 'int', '4.5', 'Failed checks in a row before the container counts as unhealthy.', {
      flag: '--health-retries',
    }),
    key('HealthStartPeriod', 'duration', '4.5', 'Grace time after start during which failed checks do not count.', {
      flag: '--health-start-period',
    }),
    key('HealthStartupCmd', 'words', '4.5', 'Command of the startup health check that runs before the regular one.', {
      flag: '--health-startup-cmd',
    }),
    key('HealthStartupInterval', 'duration', '4.5', 'How often the startup check runs; `disable` turns it off.', {
      values: ['disable'],
      flag: '--health-startup-interval',
    }),
    key('HealthStartupRetries', 'int', '4.5', 'Failed startup checks tolerated before the container is restarted.', {
      flag: '--health-startup-retries',
    }),
    key('HealthStartupSuccess', 'int', '4.5', 'Passed startup checks needed before the regular check takes over.', {
      flag: '--health-startup-success',
    }),
    key('HealthStartupTimeout', 'duration', '4.5', 'Time limit for one run of the startup check.', {
      flag: '--health-startup-timeout',
    }),
    key('HealthTimeout', 'duration', '4.5', 'Time limit for one run of the health check.', {
      flag: '--health-timeout',
    }),
    key('HostName', 'string', '4.6', 'Host name seen inside the container.', { flag: '--hostname' }),
    key('HttpProxy', 'bool', '5.7', "Whether the host's proxy variables are passed into the container.", {
      flag: '--http-proxy',
    }),
    key('Image', 'unit-ref', '4.4', 'Image to run; may name a .image or .build unit. A fully qualified name is best.', {
      refs: ['image', 'build'],
      refsSince: { image: '4.8', build: '5.2' },
      required: true,
      oneOf: ['Image', 'Rootfs'],
      common: true,
    }),
    key('ImageVolume', 'enum', '6.1', 'What to do with the VOLUME paths the image declares.', {
      flag: '--image-volume',
      values: ['bind', 'tmpfs', 'ignore'],
    }),
    ip('4.5', 'container'),
    ip6('4.5', 'container'),
    label('4.4', 'container'),
    key('LogDriver', 'string', '4.5', 'Log driver for the container (journald, k8s-file, passthrough, none…).', {
      flag: '--log-driver',
      values: ['journald', 'k8s-file', 'json-file', 'passthrough', 'passthrough-tty', 'none'],
    }),
    key('LogOpt', 'string', '5.2', 'Log driver option, e.g. max-size=10mb or tag=name.', {
      repeat: true,
      flag: '--log-opt',
    }),
    key('Mask', 'string', '4.6', 'Colon-separated paths made inaccessible inside the container.', {
      repeat: true,
      flag: '--security-opt',
    }),
    key('Memory', 'size', '5.5', 'Memory limit for the container, e.g. 512m.', { flag: '--memory' }),
    key('Mount', 'mount', '4.5', 'A --mount spec; its source may name a .volume, .image or .artifact unit.', {
      repeat: true,
      flag: '--mount',
      refs: ['volume', 'image', 'artifact'],
      refsSince: { image: '5.3', artifact: '5.7' },
    }),
    common(network('4.4', 'the container')),
    networkAlias('5.2', 'container'),
    key('NoNewPrivileges', 'bool', '4.4', 'Stops processes gaining privileges via setuid bits or file capabilities.', {
      flag: '--security-opt',
    }),
    key('Notify', 'enum', '4.4', 'Who tells systemd the service is ready: conmon, the app (yes) or the health check.', {
      flag: '--sdnotify',
      values: NOTIFY_VALUES,
      valuesSince: { healthy: '5.0' },
    }),
    key('PidsLimit', 'int', '4.7', 'Highest number of processes in the container (-1: unlimited).', {
      flag: '--pids-limit',
    }),
    key('Pod', 'unit-ref', '5.0', 'The .pod unit the container joins.', { flag: '--pod', refs: ['pod'], common: true }),
    podmanArgs('4.4', 'podman run'),
    common(publishPort('4.4', 'container')),
    key('Pull', 'enum', '4.6', 'When to pull the image before running it.', { flag: '--pull', values: PULL_POLICIES }),
    key('ReadOnly', 'bool', '4.4', 'Mounts the root filesystem of the container read-only.', { flag: '--read-only' }),
    key('ReadOnlyTmpfs', 'bool', '4.8', 'With ReadOnly, whether /dev, /run, /tmp and /var/tmp get writable tmpfs.', {
      flag: '--read-only-tmpfs',
    }),
    key('ReloadCmd', 'words', '5.5', 'Command run in the container by `systemctl reload` (via podman exec).'),
    key('ReloadSignal', 'signal', '5.5', 'Signal sent to the container by `systemctl reload` (via podman kill).'),
    ...remapKeys('4.4'),
    retry('5.5'),
    retryDelay('5.5'),
    key('Rootfs', 'path', '4.5', 'Host directory (or overlay) used as the root filesystem instead of an image.', {
      flag: '--rootfs',
      required: true,
      oneOf: ['Image', 'Rootfs'],
    }),
    key('RunInit', 'bool', '4.4', 'Runs a tiny init as PID 1 that forwards signals and reaps zombies.', {
      flag: '--init',
    }),
    key('SeccompProfile', 'path', '4.4', 'Seccomp profile JSON to apply, or `unconfined`.', {
      flag: '--security-opt',
      values: ['unconfined'],
    }),
    key('Secret', 'string', '4.5', 'Podman secret exposed as a file or variable: name[,type=mount|env][,target=…].', {
      repeat: true,
      flag: '--secret',
    }),
    key('SecurityLabelDisable', 'bool', '4.4', 'Turns off SELinux label separation for the container.', {
      flag: '--security-opt',
    }),
    key('SecurityLabelFileType', 'string', '4.4', 'SELinux type given to the container files.', {
      flag: '--security-opt',
    }),
    key('SecurityLabelLevel', 'string', '4.4', 'SELinux level (e.g. s0:c1,c2) of the container processes.', {
      flag: '--security-opt',
    }),
    key('SecurityLabelNested', 'bool', '4.6', 'Lets SELinux separation work for containers started inside this one.', {
      flag: '--security-opt',
    }),
    key('SecurityLabelType', 'string', '4.4', 'SELinux process type of the container, e.g. spc_t.', {
      flag: '--security-opt',
    }),
    serviceName('5.3', '<name>.service'),
    shmSize('4.7'),
    key('StartWithPod', 'bool', '5.3', 'Whether the container starts and stops together with its pod (default yes).'),
    key('StopSignal', 'signal', '5.2', 'Signal that asks the container to stop (default SIGTERM).', {
      flag: '--stop-signal',
    }),
    key('StopTimeout', 'int', '5.0', 'Seconds from stop signal to forced kill; keep below TimeoutStopSec.', {
      flag: '--stop-timeout',
    }),
    subGIDMap('4.8'),
    subUIDMap('4.8'),
    key('Sysctl', 'kv', '4.6', 'Namespaced kernel parameters (name=value) for the container.', {
      repeat: true,
      flag: '--sysctl',
    }),
    key('Timezone', 'string', '4.4', 'Time zone inside the container, e.g. Europe/Paris or local.', {
      flag: '--tz',
      values: ['local'],
    }),
    key('Tmpfs', 'tmpfs', '4.5', 'Mounts a tmpfs at CONTAINER-DIR[:OPTIONS].', { repeat: true, flag: '--tmpfs' }),
    uidMap('4.8', 'container'),
    key('Ulimit', 'string', '4.7', 'Resource limit inside the container, e.g. nofile=1024:2048.', {
      repeat: true,
      flag: '--ulimit',
      repeatSince: '5.0',
    }),
    key('Unmask', 'string', '4.6', 'Colon-separated default-masked paths to expose again, or ALL.', {
      repeat: true,
      flag: '--security-opt',
      values: ['ALL'],
    }),
    key('User', 'user', '4.4', 'Numeric UID (or user) the process runs as inside the container.', { flag: '--user' }),
    userNS('4.5', 'container'),
    key('VolatileTmp', 'bool', '4.4', 'Mounts a fresh tmpfs on /tmp.', {
      flag: '--tmpfs',
      deprecated: 'Deprecated since Podman 4.8: use Tmpfs=/tmp instead.',
    }),
    common(volume('4.4', 'the container')),
    key('WorkingDir', 'path', '4.6', 'Working directory of the process inside the container.', { flag: '--workdir' }),
  ],
};
