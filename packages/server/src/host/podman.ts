// Podman as a compartment user. Changes on the machine: creates and removes the compartment's volumes,
// secrets and images (pull, import), kills containers, and writes the per-compartment registry
// credentials ~/.config/containers/auth.json (via `podman login`). Every command runs as the compartment
// user (session.ts); secrets and passwords travel on stdin, never on argv.

import { CommandError, InvalidError } from '../core/errors.js';
import type { Exec, LineStream } from './exec.js';
import { type CompartmentSession, userPodman } from './session.js';

// ---------------------------------------------------------------------------------------------- types

export type ContainerState =
  | 'created'
  | 'initialized'
  | 'running'
  | 'paused'
  | 'stopping'
  | 'stopped'
  | 'exited'
  | 'removing'
  | 'configured'
  | 'unknown';
const STATES: readonly ContainerState[] = [
  'created',
  'initialized',
  'running',
  'paused',
  'stopping',
  'stopped',
  'exited',
  'removing',
  'configured',
];

export interface PortMapping {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
  range: number;
}

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  state: ContainerState;
  /** Human status, e.g. "Up 3 seconds", "Exited (137) 2 seconds ago". */
  status: string;
  exitCode: number;
  exited: boolean;
  pid: number;
  labels: Record<string, string>;
  /** The systemd unit that runs it (Quadlet sets the PODMAN_SYSTEMD_UNIT label). */
  unit: string | undefined;
  ports: PortMapping[];
  pod: string;
  createdAt: Date | undefined;
  startedAt: Date | undefined;
}

export interface ContainerDetails {
  id: string;
  name: string;
  imageName: string;
  state: ContainerState;
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  pid: number;
  error: string;
  startedAt: Date | undefined;
  finishedAt: Date | undefined;
  health: string | undefined;
  restartCount: number;
  labels: Record<string, string>;
  unit: string | undefined;
  /** The whole `podman container inspect` object, for what the typed fields leave out. */
  raw: Record<string, unknown>;
}

export type EventType =
  | 'container'
  | 'image'
  | 'volume'
  | 'network'
  | 'pod'
  | 'secret'
  | 'system'
  | 'machine'
  | 'unknown';
const EVENT_TYPES: readonly EventType[] = [
  'container',
  'image',
  'volume',
  'network',
  'pod',
  'secret',
  'system',
  'machine',
];

export interface PodmanEvent {
  type: EventType;
  /** start, died, kill, stop, remove, create, init, cleanup, health_status, pull, … */
  status: string;
  id: string;
  name: string;
  image: string | undefined;
  exitCode: number | undefined;
  health: string | undefined;
  time: Date;
  timeNano: bigint;
  attributes: Record<string, string>;
}

export interface VolumeInfo {
  name: string;
  driver: string;
  mountpoint: string;
  createdAt: Date | undefined;
  labels: Record<string, string>;
}

export interface SecretInfo {
  id: string;
  name: string;
  driver: string;
}

export interface ImageInfo {
  id: string;
  names: string[];
  digest: string;
  size: number;
  createdAt: Date | undefined;
  containers: number;
}

// ---------------------------------------------------------------------------------------------- parsing

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Obj, k: string): string => (typeof o[k] === 'string' ? (o[k] as string) : '');
const num = (o: Obj, k: string): number => (typeof o[k] === 'number' ? (o[k] as number) : 0);
const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
};
const state = (v: string): ContainerState => {
  const s = v.toLowerCase();
  return (STATES as readonly string[]).includes(s) ? (s as ContainerState) : 'unknown';
};
/** Unix seconds (ps) → Date; podman's "zero" (year 1) → undefined. */
const unixDate = (n: number): Date | undefined => (n > 0 ? new Date(n * 1000) : undefined);
const isoDate = (s: string): Date | undefined => {
  if (!s || s.startsWith('0001-')) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

function parseJsonArray(stdout: string, what: string): Obj[] {
  const t = stdout.trim();
  if (t === '' || t === 'null') return [];
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch (e) {
    throw new InvalidError(`cannot parse ${what} output as JSON: ${t.slice(0, 200)}`, { cause: e });
  }
  if (!Array.isArray(v)) throw new InvalidError(`${what} output is not a JSON array`);
  return v.filter(isObj);
}

export function parsePs(stdout: string): ContainerSummary[] {
  return parseJsonArray(stdout, 'podman ps').map((o) => {
    const labels = strMap(o.Labels);
    const names = Array.isArray(o.Names)
      ? (o.Names as unknown[]).filter((n): n is string => typeof n === 'string')
      : [];
    const ports = Array.isArray(o.Ports)
      ? (o.Ports as unknown[]).filter(isObj).map((p) => ({
          hostIp: str(p, 'host_ip'),
          hostPort: num(p, 'host_port'),
          containerPort: num(p, 'container_port'),
          protocol: str(p, 'protocol'),
          range: num(p, 'range') || 1,
        }))
      : [];
    return {
      id: str(o, 'Id'),
      name: names[0] ?? '',
      image: str(o, 'Image'),
      state: state(str(o, 'State')),
      status: str(o, 'Status'),
      exitCode: num(o, 'ExitCode'),
      exited: o.Exited === true,
      pid: num(o, 'Pid'),
      labels,
      unit: labels.PODMAN_SYSTEMD_UNIT,
      ports,
      pod: str(o, 'Pod'),
      createdAt: unixDate(num(o, 'Created')),
      startedAt: unixDate(num(o, 'StartedAt')),
    };
  });
}

export function parseInspect(stdout: string): ContainerDetails[] {
  return parseJsonArray(stdout, 'podman container inspect').map((o) => {
    const st = isObj(o.State) ? o.State : {};
    const cfg = isObj(o.Config) ? o.Config : {};
    const labels = strMap(cfg.Labels);
    const health = isObj(st.Health) ? str(st.Health, 'Status') : '';
    return {
      id: str(o, 'Id'),
      name: str(o, 'Name'),
      imageName: str(o, 'ImageName'),
      state: state(str(st, 'Status')),
      running: st.Running === true,
      exitCode: num(st, 'ExitCode'),
      oomKilled: st.OOMKilled === true,
      pid: num(st, 'Pid'),
      error: str(st, 'Error'),
      startedAt: isoDate(str(st, 'StartedAt')),
      finishedAt: isoDate(str(st, 'FinishedAt')),
      health: health || undefined,
      restartCount: num(o, 'RestartCount'),
      labels,
      unit: labels.PODMAN_SYSTEMD_UNIT,
      raw: o,
    };
  });
}

/** One line of `podman events --format json`, or undefined. */
export function parseEvent(line: string): PodmanEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObj(o)) return undefined;
  const type = str(o, 'Type').toLowerCase();
  let nano: bigint;
  try {
    nano = typeof o.timeNano === 'number' ? BigInt(Math.round(o.timeNano)) : BigInt(num(o, 'time')) * 1_000_000_000n;
  } catch {
    nano = 0n;
  }
  // timeNano as a JSON number loses precision below ~256 ns; good enough for ordering and display
  return {
    type: (EVENT_TYPES as readonly string[]).includes(type) ? (type as EventType) : 'unknown',
    status: str(o, 'Status'),
    id: str(o, 'ID'),
    name: str(o, 'Name'),
    image: str(o, 'Image') || undefined,
    exitCode: typeof o.ContainerExitCode === 'number' ? o.ContainerExitCode : undefined,
    health: str(o, 'HealthStatus') || undefined,
    time: new Date(Number(nano / 1_000_000n)),
    timeNano: nano,
    attributes: strMap(o.Attributes),
  };
}

export function parseVolumes(stdout: string): VolumeInfo[] {
  return parseJsonArray(stdout, 'podman volume ls').map((o) => ({
    name: str(o, 'Name'),
    driver: str(o, 'Driver'),
    mountpoint: str(o, 'Mountpoint'),
    createdAt: isoDate(str(o, 'CreatedAt')),
    labels: strMap(o.Labels),
  }));
}

/** `podman secret ls --format '{{json .}}'`: one JSON object per line (5.4's `--format json` is broken). */
export function parseSecrets(stdout: string): SecretInfo[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as unknown)
    .filter(isObj)
    .map((o) => ({ id: str(o, 'ID'), name: str(o, 'Name'), driver: str(o, 'Driver') }));
}

export function parseImages(stdout: string): ImageInfo[] {
  return parseJsonArray(stdout, 'podman images').map((o) => ({
    id: str(o, 'Id'),
    names: Array.isArray(o.Names) ? (o.Names as unknown[]).filter((n): n is string => typeof n === 'string') : [],
    digest: str(o, 'Digest'),
    size: num(o, 'Size'),
    createdAt: unixDate(num(o, 'Created')),
    containers: num(o, 'Containers'),
  }));
}

// ---------------------------------------------------------------------------------------------- names

/** Podman object names (volumes, secrets, containers): what podman itself accepts. */
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
function checkName(kind: string, name: string): void {
  if (!NAME_RE.test(name) || name.length > 253) throw new InvalidError(`invalid ${kind} name ${JSON.stringify(name)}`);
}
/** An image reference: no whitespace, no leading '-', so it can never be read as an option. */
function checkImageRef(ref: string): void {
  if (!/^[a-zA-Z0-9][^\s]*$/.test(ref) || ref.length > 512)
    throw new InvalidError(`invalid image reference ${JSON.stringify(ref)}`);
}
function checkRegistry(host: string): void {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9.:/_-]*$/.test(host)) throw new InvalidError(`invalid registry ${JSON.stringify(host)}`);
}

/** Podman's reason from a failed command's stderr: its last `Error: …` line, without the prefix. */
export function podmanReason(stderr: string): string | undefined {
  const line = stderr
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('Error: '));
  return line?.slice('Error: '.length).trim();
}

// ---------------------------------------------------------------------------------------------- adapter

export interface EventStream {
  readonly events: AsyncIterable<PodmanEvent>;
  stop(): Promise<unknown>;
}

export interface LinesStream {
  readonly lines: AsyncIterable<string>;
  stop(): Promise<unknown>;
  /** Resolves with the exit code when the command ends. */
  readonly done: Promise<{ code: number | null; stderr: string }>;
}

export const authFile = (s: CompartmentSession): string => `${s.home}/.config/containers/auth.json`;

export class Podman {
  constructor(private readonly exec: Exec) {}

  private run(s: CompartmentSession, args: string[], options: Parameters<Exec['run']>[1] = {}) {
    return this.exec.run(userPodman(s, args), { timeoutMs: 60_000, ...options });
  }

  async version(s: CompartmentSession): Promise<string> {
    return (await this.run(s, ['version', '--format', '{{.Client.Version}}'])).stdout.trim();
  }

  async ps(s: CompartmentSession, options: { all?: boolean } = {}): Promise<ContainerSummary[]> {
    const r = await this.run(s, ['ps', ...(options.all === false ? [] : ['--all']), '--format', 'json']);
    return parsePs(r.stdout);
  }

  /** Inspect containers; missing names are left out (podman exits 125 but prints the ones it found). */
  async inspect(s: CompartmentSession, names: readonly string[]): Promise<ContainerDetails[]> {
    if (names.length === 0) return [];
    for (const n of names) checkName('container', n);
    const r = await this.run(s, ['container', 'inspect', '--', ...names], { expectCodes: [0, 125] });
    return parseInspect(r.stdout);
  }

  async kill(s: CompartmentSession, name: string, signal = 'KILL'): Promise<void> {
    checkName('container', name);
    if (!/^[A-Z0-9]+$/.test(signal)) throw new InvalidError(`invalid signal ${signal}`);
    await this.run(s, ['kill', '--signal', signal, '--', name]);
  }

  /**
   * `podman events --format json` as a stream of typed events, until stop(). `backend` reads that events
   * logger instead of the one containers.conf names (`file`: the events of containers started while the
   * compartment logged its events to a file; podman as the compartment user cannot read the system journal).
   */
  events(
    s: CompartmentSession,
    options: { filters?: readonly string[]; since?: string; backend?: 'file' | 'journald' } = {},
  ): EventStream {
    const args = [...(options.backend ? ['--events-backend', options.backend] : []), 'events', '--format', 'json'];
    for (const f of options.filters ?? []) args.push('--filter', f);
    if (options.since) args.push('--since', options.since);
    const st: LineStream = this.exec.stream(userPodman(s, args));
    return {
      events: {
        async *[Symbol.asyncIterator]() {
          try {
            for await (const line of st.lines) {
              const e = parseEvent(line);
              if (e) yield e;
            }
          } finally {
            await st.stop();
          }
        },
      },
      stop: () => st.stop(),
    };
  }

  // volumes
  async volumes(s: CompartmentSession): Promise<VolumeInfo[]> {
    return parseVolumes((await this.run(s, ['volume', 'ls', '--format', 'json'])).stdout);
  }
  async createVolume(s: CompartmentSession, name: string, labels: Record<string, string> = {}): Promise<void> {
    checkName('volume', name);
    const l = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
    await this.run(s, ['volume', 'create', '--ignore', ...l, '--', name]);
  }
  async removeVolume(s: CompartmentSession, name: string, options: { force?: boolean } = {}): Promise<void> {
    checkName('volume', name);
    // exit 1 = no such volume: already gone is fine
    await this.run(s, ['volume', 'rm', ...(options.force ? ['--force'] : []), '--', name], { expectCodes: [0, 1] });
  }

  // secrets (the value goes on stdin)
  async secrets(s: CompartmentSession): Promise<SecretInfo[]> {
    return parseSecrets((await this.run(s, ['secret', 'ls', '--format', '{{json .}}'])).stdout);
  }
  async createSecret(
    s: CompartmentSession,
    name: string,
    value: string | Uint8Array,
    options: { replace?: boolean } = {},
  ): Promise<void> {
    checkName('secret', name);
    // podman insists on a real pipe as stdin here (Node's default is a socketpair)
    await this.run(s, ['secret', 'create', ...(options.replace ? ['--replace'] : []), '--', name, '-'], {
      input: value,
      inputAsPipe: true,
    });
  }
  async removeSecret(s: CompartmentSession, name: string): Promise<void> {
    checkName('secret', name);
    await this.run(s, ['secret', 'rm', '--ignore', '--', name]);
  }

  // images
  async images(s: CompartmentSession): Promise<ImageInfo[]> {
    return parseImages((await this.run(s, ['images', '--format', 'json'])).stdout);
  }
  /** `podman images --format json` as Podman prints it (core/images/inventory.ts reads it). */
  async imagesJson(s: CompartmentSession): Promise<string> {
    return (await this.run(s, ['images', '--format', 'json'])).stdout;
  }
  /** Whether the compartment's storage has this image (`podman image exists`: 0 yes, 1 no). */
  async imageExists(s: CompartmentSession, ref: string): Promise<boolean> {
    checkImageRef(ref);
    const r = await this.run(s, ['image', 'exists', '--', ref], { expectCodes: [0, 1] });
    return r.code === 0;
  }
  /** Pull with progress: yields podman's progress lines (stderr) and finally the image id (stdout). The logins
   * are found where a unit's own pull finds them (Podman's default search, which includes the authfile `login`
   * writes); an `--authfile` that does not exist yet would fail the pull of a public image. */
  pull(s: CompartmentSession, ref: string, options: { timeoutMs?: number } = {}): LinesStream {
    checkImageRef(ref);
    const st = this.exec.stream(userPodman(s, ['pull', '--', ref]), {
      includeStderr: true,
      timeoutMs: options.timeoutMs ?? 15 * 60_000,
    });
    return { lines: st.lines, stop: () => st.stop(), done: st.done };
  }
  /** The image a name (or id) resolves to in the compartment's storage: its id and the manifest digest it was
   * pulled by; undefined when the storage has no such image. */
  async imageIdentity(s: CompartmentSession, ref: string): Promise<{ id: string; digest: string } | undefined> {
    checkImageRef(ref);
    const r = await this.run(s, ['image', 'inspect', '--format', '{{.Id}} {{.Digest}}', '--', ref], {
      expectCodes: [0, 125],
    });
    const [id, digest] = r.stdout.trim().split(/\s+/);
    return r.code === 0 && id ? { id, digest: digest ?? '' } : undefined;
  }
  /** `podman tag`: gives the image `source` (a name or id) the name `target` too. */
  async tag(s: CompartmentSession, source: string, target: string): Promise<void> {
    checkImageRef(source);
    checkImageRef(target);
    await this.run(s, ['tag', '--', source, target]);
  }
  /** Runs a container's health check once (`podman healthcheck run`): 0 healthy, 1 unhealthy; 125 and others
   * (no such container, no health check) are errors, with Podman's reason. */
  async healthCheck(s: CompartmentSession, container: string): Promise<{ ok: boolean; detail: string }> {
    checkName('container', container);
    const r = await this.run(s, ['healthcheck', 'run', '--', container], { expectCodes: [0, 1, 125] });
    if (r.code === 0) return { ok: true, detail: 'healthy' };
    if (r.code === 1) return { ok: false, detail: 'unhealthy' };
    return { ok: false, detail: podmanReason(r.stderr) ?? `podman healthcheck run exited with ${r.code}` };
  }
  /** `podman import` of a rootfs tarball read by root and fed on stdin (the user need not read it). */
  async importTarball(
    s: CompartmentSession,
    tarball: string,
    ref: string,
    changes: readonly string[] = [],
  ): Promise<string> {
    checkImageRef(ref);
    const c = changes.flatMap((x) => ['--change', x]);
    const r = await this.run(s, ['import', '--quiet', ...c, '-', ref], { inputFile: tarball, timeoutMs: 300_000 });
    return r.stdout.trim();
  }
  /** `podman load` of an image archive (docker-archive / oci-archive) fed on stdin. */
  async loadArchive(s: CompartmentSession, archive: string): Promise<string> {
    const r = await this.run(s, ['load', '--quiet'], { inputFile: archive, timeoutMs: 300_000 });
    return r.stdout.trim();
  }
  /** `podman rmi` of one name or id (already gone is fine). Without `force` Podman refuses an image a container
   * uses (exit 2) and, by id, one with several names; the error then says which image and Podman's reason. */
  async removeImage(s: CompartmentSession, ref: string, options: { force?: boolean } = {}): Promise<void> {
    checkImageRef(ref);
    try {
      await this.run(s, ['rmi', '--ignore', ...(options.force ? ['--force'] : []), '--', ref]);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      const why = podmanReason(e.stderr) ?? CommandError.describe(e);
      throw new CommandError(e, { cause: e, message: `podman rmi ${ref} as ${s.user} failed: ${why}` });
    }
  }

  /** Log in to a registry with the compartment's authfile; the password goes on stdin. A refused login (a wrong
   * password, an unknown registry) is an InvalidError with Podman's reason, and Podman stores nothing then. */
  async login(s: CompartmentSession, registry: string, username: string, password: string): Promise<void> {
    checkRegistry(registry);
    if (!username || /[\s]/.test(username)) throw new InvalidError('invalid registry user name');
    const r = await this.run(
      s,
      ['login', '--authfile', authFile(s), '--username', username, '--password-stdin', '--', registry],
      { input: password, inputAsPipe: true, expectCodes: [0, 125] },
    );
    if (r.code !== 0) {
      const why = podmanReason(r.stderr) ?? 'podman login failed';
      throw new InvalidError(`The login of '${username}' to ${registry} failed: ${why}`);
    }
  }
  /** The user name the compartment is logged in to a registry with, or undefined when it is not. */
  async loginName(s: CompartmentSession, registry: string): Promise<string | undefined> {
    checkRegistry(registry);
    const r = await this.run(s, ['login', '--authfile', authFile(s), '--get-login', '--', registry], {
      expectCodes: [0, 125],
    });
    return r.code === 0 ? r.stdout.trim() || undefined : undefined;
  }
  async logout(s: CompartmentSession, registry: string): Promise<void> {
    checkRegistry(registry);
    await this.run(s, ['logout', '--authfile', authFile(s), '--', registry], { expectCodes: [0, 125] });
  }
}
