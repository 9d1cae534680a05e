// One command's words → what it runs: `podman run`, `podman container run`, `podman create`, `docker run` (and
// `docker container run`, `docker create`), its options in order, the image and the command after it. Options are
// read as podman's own parser reads them: `--opt value`, `--opt=value`, short ones clustered (`-dit`, `-p80:80`);
// `--` ends them. Whether an option takes a value comes from the table of podman run's and docker run's options;
// an unknown one is kept (the converter reports it) and read as a flag unless written `--opt=value`.

import { RunCommandError, type Word, where } from './words.js';

/** podman run's and docker run's options that take a value. */
const VALUE = `add-host annotation arch attach authfile blkio-weight blkio-weight-device cap-add cap-drop cert-dir
  cgroup-conf cgroup-parent cgroupns cgroups chrootdirs cidfile conmon-pidfile cpu-count cpu-percent cpu-period
  cpu-quota cpu-rt-period cpu-rt-runtime cpu-shares cpus cpuset-cpus cpuset-mems creds decryption-key detach-keys
  device device-cgroup-rule device-read-bps device-read-iops device-write-bps device-write-iops dns dns-option
  dns-search domainname entrypoint env env-file env-merge expose gidmap gpus group-add group-entry health-cmd
  health-interval health-log-destination health-max-log-count health-max-log-size health-on-failure health-retries
  health-start-interval health-start-period health-startup-cmd health-startup-interval health-startup-retries
  health-startup-success health-startup-timeout health-timeout hostname hostuser image-volume init-path
  io-maxbandwidth io-maxiops ip ip6 ipc isolation kernel-memory label label-file link link-local-ip log-driver
  log-opt mac-address memory memory-reservation memory-swap memory-swappiness mount name network network-alias
  oom-score-adj os passwd-entry personality pid pidfile pids-limit platform pod pod-id-file preserve-fd
  preserve-fds publish pull rdt-class requires restart retry retry-delay runtime sdnotify seccomp-policy secret
  security-opt shm-size shm-size-systemd stop-signal stop-timeout storage-opt subgidname subuidname sysctl systemd
  timeout tmpfs tz uidmap ulimit umask unsetenv user userns uts variant volume volume-driver volumes-from workdir`;

/** Their options that take no value (`--rm`, or `--rm=false`). */
const FLAG = `detach disable-content-trust env-host http-proxy init interactive no-healthcheck no-hosts
  oom-kill-disable passwd privileged publish-all quiet read-only read-only-tmpfs replace rm rmi rootfs sig-proxy
  tls-verify tty unsetenv-all use-api-socket`;

const words = (s: string) => s.split(/\s+/).filter((w) => w !== '');
export const VALUE_OPTIONS: ReadonlySet<string> = new Set(words(VALUE));
export const FLAG_OPTIONS: ReadonlySet<string> = new Set(words(FLAG));

const SHORT: Record<string, string> = {
  a: 'attach',
  c: 'cpu-shares',
  d: 'detach',
  e: 'env',
  h: 'hostname',
  i: 'interactive',
  l: 'label',
  m: 'memory',
  p: 'publish',
  P: 'publish-all',
  q: 'quiet',
  t: 'tty',
  u: 'user',
  v: 'volume',
  w: 'workdir',
};
/** Other spellings of the same option. */
const ALIASES: Record<string, string> = { net: 'network', 'net-alias': 'network-alias', 'dns-opt': 'dns-option' };

export interface RunOption {
  /** The long name, without dashes (`publish` for `-p`). */
  name: string;
  /** As written (`-p`, `--publish`, `--net`). */
  spelled: string;
  /** The value; for a flag, `true` or `false` (`--rm=false`). */
  value: string;
  /** Neither podman nor docker has this option. */
  unknown: boolean;
  at: Word;
}

export interface RunCommand {
  tool: 'podman' | 'docker';
  verb: 'run' | 'create';
  /** The first word (the tool). */
  at: Word;
  options: RunOption[];
  image: Word;
  args: Word[];
}

/** Reads one command; throws RunCommandError naming the place when it is not a podman/docker run or create. */
export function parseCommand(cmd: readonly Word[], multiline: boolean): RunCommand {
  const first = cmd[0]!;
  const tool = first.text.replace(/^.*\//, '');
  const fail = (w: Word, what: string): never => {
    throw new RunCommandError(`${where(w, multiline)}: ${what}`);
  };
  if (tool !== 'podman' && tool !== 'docker') {
    fail(first, `${first.text}: not a podman run or docker run command (write one per line, starting with podman)`);
  }
  let i = 1;
  if (cmd[i]?.text === 'container') i++;
  const verbWord = cmd[i];
  if (verbWord === undefined) fail(first, `${tool} without run or create`);
  if (verbWord!.text.startsWith('-')) {
    fail(verbWord!, `${verbWord!.text}: ${tool}'s global options are not converted; remove them`);
  }
  if (verbWord!.text !== 'run' && verbWord!.text !== 'create') {
    fail(verbWord!, `${tool} ${verbWord!.text}: only ${tool} run and ${tool} create are converted`);
  }
  i++;

  const options: RunOption[] = [];
  const add = (name: string, spelled: string, at: Word, value: string | undefined, next: () => Word | undefined) => {
    const long = ALIASES[name] ?? name;
    const unknown = !VALUE_OPTIONS.has(long) && !FLAG_OPTIONS.has(long);
    if (VALUE_OPTIONS.has(long) && value === undefined) {
      const w = next();
      if (w === undefined) fail(at, `${spelled} needs a value`);
      value = w!.text;
    }
    options.push({ name: long, spelled, value: value ?? 'true', unknown, at });
  };
  const next = () => cmd[++i];
  for (; i < cmd.length; i++) {
    const w = cmd[i]!;
    if (w.text === '--') {
      i++;
      break;
    }
    if (!w.text.startsWith('-') || w.text === '-') break;
    if (w.text.startsWith('--')) {
      const eq = w.text.indexOf('=');
      const name = eq < 0 ? w.text.slice(2) : w.text.slice(2, eq);
      add(name, `--${name}`, w, eq < 0 ? undefined : w.text.slice(eq + 1), next);
      continue;
    }
    // a cluster of short options: flags, then at most one that takes the rest of the word or the next word
    for (let j = 1; j < w.text.length; j++) {
      const ch = w.text[j]!;
      const long = SHORT[ch] ?? ch;
      if (VALUE_OPTIONS.has(long)) {
        const rest = w.text.slice(j + 1).replace(/^=/, '');
        add(long, `-${ch}`, w, rest === '' ? undefined : rest, next);
        break;
      }
      add(long, `-${ch}`, w, undefined, next);
    }
  }
  const image = cmd[i];
  if (image === undefined) fail(first, `${tool} ${verbWord!.text} without an image`);
  return {
    tool: tool as 'podman' | 'docker',
    verb: verbWord!.text as 'run' | 'create',
    at: first,
    options,
    image: image!,
    args: cmd.slice(i + 1),
  };
}
