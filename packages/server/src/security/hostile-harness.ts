// The stage of the hostile-input suite: the real HTTP server (buildServer, real sessions, CSRF, audit) over the
// route tests' AppContext (createTestContext: a real store, every host port faked), with fakes that record what
// would reach the machine:
// - ArgvHost, the apply engine's host per compartment: files written (and where), host volume folders, probes,
//   and the argv of every systemctl/busctl call, built by the real UserSystemd over a recording FakeExec with
//   the unit names parsed as HostCompartment parses them;
// - the resource port wired as app.ts wires it (its `resourceHost` is private there, so it is mirrored here): the
//   real Podman and VolumeDirs adapters over the recording FakeExec, so secrets, logins, logouts and volume
//   removals are recorded as the argv and stdin they would run;
// - explain's generator: the real QuadletGenerator over the recording FakeExec (the file agent's dry-run batch is
//   recorded and answered, by the real Quadlet generator when asked);
// - a tally of every hostile value sent and of every oracle failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseGeneratorOutput } from '@quadletman/quadlet';
import type { FastifyInstance } from 'fastify';
import { FakeHost } from '../core/apply/fakes.js';
import type { ProbeResult } from '../core/apply/ports.js';
import { InvalidError } from '../core/errors.js';
import { type CompartmentId, type LinuxUser, parseUnitName, type UnitName } from '../core/ids.js';
import type { HostVolume } from '../core/render.js';
import type { AdoptSource } from '../core/service/bundles.js';
import { type ResourceHostPort, ResourceService } from '../core/service/resources.js';
import type { ProbeSpec } from '../core/spec.js';
import { FakeExec } from '../host/fake-exec.js';
import { GENERATOR_CANDIDATES, QuadletGenerator } from '../host/generator.js';
import { Podman } from '../host/podman.js';
import { asUser, type CompartmentSession, makeSession } from '../host/session.js';
import { UserSystemd } from '../host/systemd.js';
import { FILE_AGENT } from '../host/user-files.js';
import { VolumeDirs, volumeUsage } from '../host/volume-dirs.js';
import { type LoggedIn, loginAs } from '../http/auth/test-support.js';
import { createTestContext, type TestContext, VOLUMES_ROOT } from '../http/routes/compartments-test-support.js';
import { buildServer } from '../http/server.js';
import { show } from './hostile-values.js';

// ---------------------------------------------------------------------------------------------------------
// The tally

export interface Finding {
  family: string;
  field: string;
  value: string;
  problem: string;
}

export class Tally {
  /** Hostile values sent (a request may carry several: `refused` and `accepted` count what was judged). */
  inputs = 0;
  refused = 0;
  accepted = 0;
  /** A value that reached a file, a path or an argv other than exactly as sent. */
  readonly injections: Finding[] = [];
  /** A refusal that named no field, or a refused request that changed something. */
  readonly unclear: Finding[] = [];
  /** Worth knowing, not a failure (the generator disagreeing with the linter, a late refusal by the host). */
  readonly notes: Finding[] = [];
  readonly families = new Map<string, { sent: number; refused: number; accepted: number }>();

  private fam(family: string) {
    let f = this.families.get(family);
    if (!f) {
      f = { sent: 0, refused: 0, accepted: 0 };
      this.families.set(family, f);
    }
    return f;
  }

  sent(family: string, n = 1): void {
    this.inputs += n;
    this.fam(family).sent += n;
  }
  refuse(family: string): void {
    this.refused++;
    this.fam(family).refused++;
  }
  accept(family: string): void {
    this.accepted++;
    this.fam(family).accepted++;
  }
  injection(family: string, field: string, value: unknown, problem: string): void {
    this.injections.push({ family, field, value: show(value), problem });
  }
  unclearRefusal(family: string, field: string, value: unknown, problem: string): void {
    this.unclear.push({ family, field, value: show(value), problem });
  }
  note(family: string, field: string, value: unknown, problem: string): void {
    if (this.notes.length < 2000) this.notes.push({ family, field, value: show(value), problem });
  }
}

export const formatFindings = (fs: readonly Finding[], max = 40): string =>
  fs
    .slice(0, max)
    .map((f) => `  [${f.family}] ${f.field} = ${f.value}: ${f.problem}`)
    .join('\n') + (fs.length > max ? `\n  … and ${fs.length - max} more` : '');

// ---------------------------------------------------------------------------------------------------------
// Recording what would run

export const SESSION: CompartmentSession = makeSession('qm-h' as LinuxUser, 1500, '/home/qm-h');
/** The argv prefix every command of the compartment user starts with. */
export const USER_PREFIX = asUser(SESSION, []);

/** A FakeExec that also answers the podman listings and the file agent's dry runs. */
export class Recorder extends FakeExec {
  /** Names `podman secret ls` and `podman volume ls` answer with. */
  secretNames = new Set<string>();
  volumeNames = new Set<string>();
  /** The dry-run batches the file agent was given. */
  readonly agentBatches: unknown[] = [];
  /** What the file agent's dry run answers; default: nothing generated. */
  dryRunAnswer: (files: Record<string, string>) => { code: number; stdout: string; stderr: string } = () => ({
    code: 0,
    stdout: '',
    stderr: '',
  });

  constructor() {
    super();
    this.on(['secret', 'ls'], () => ({
      stdout: [...this.secretNames].map((n) => JSON.stringify({ ID: 'x', Name: n, Driver: 'file' })).join('\n'),
    }));
    this.on(['volume', 'ls'], () => ({
      stdout: JSON.stringify([...this.volumeNames].map((n) => ({ Name: n, Driver: 'local', Mountpoint: `/m/${n}` }))),
    }));
    this.on(
      (argv) => argv.includes(FILE_AGENT),
      (_argv, options) => {
        const batch = JSON.parse(String(options.input)) as { ops: { op: string; files?: Record<string, string> }[] };
        this.agentBatches.push(batch);
        const results = batch.ops.map((op) => {
          if (op.op !== 'dry-run') return { ok: true };
          try {
            return { ok: true, signal: null, ...this.dryRunAnswer(op.files ?? {}) };
          } catch (e) {
            // as the agent answers a failed operation (a name too long for the file system: ENAMETOOLONG)
            const err = e as NodeJS.ErrnoException;
            return { ok: false, code: err.code ?? 'EIO', message: err.message };
          }
        });
        return { stdout: JSON.stringify({ results }) };
      },
    );
  }

  mark(): number {
    return this.calls.length;
  }
  since(mark: number) {
    return this.calls.slice(mark);
  }
}

function unitNames(units: readonly string[]): UnitName[] {
  return units.map((u) => parseUnitName(u, 'unit'));
}

const MANAGED = ['.config/containers/systemd/', '.config/systemd/user/', '.config/quadletman/files/'];

/** The engine's host of one compartment: FakeHost's bookkeeping plus what the real host would run. */
export class ArgvHost extends FakeHost {
  readonly systemd: UserSystemd;
  readonly hostDirs: string[] = [];
  readonly probes: ProbeSpec[] = [];
  writes = 0;

  constructor(
    readonly exec: Recorder,
    readonly session: CompartmentSession,
  ) {
    super();
    this.systemd = new UserSystemd(exec);
    this.failsToStart = () => false;
  }

  override async writeFiles(
    write: ReadonlyMap<string, { text: string; mode: number }>,
    remove: readonly string[],
  ): Promise<void> {
    for (const p of [...write.keys(), ...remove]) {
      // HostCompartment's own check (assertManaged), kept here so a path outside counts as the host would see it
      if (!MANAGED.some((d) => p.startsWith(d)) || p.split('/').includes('..')) {
        throw new InvalidError(`refusing to write ${JSON.stringify(p)}: not in a folder quadletman manages`);
      }
    }
    this.writes++;
    return super.writeFiles(write, remove);
  }

  override async ensureHostVolumes(volumes: readonly HostVolume[] = []): Promise<void> {
    const dirs = new VolumeDirs(this.exec, VOLUMES_ROOT);
    for (const v of volumes) {
      const rel = path.relative(dirs.root, v.path).split('/');
      if (rel.length !== 2 || rel[0] === '..') {
        throw new InvalidError(`host volume ${v.path} is not <root>/<compartment>/<volume>`);
      }
      this.hostDirs.push(dirs.volumeDir(rel[0]!, rel[1]!));
    }
  }

  override async restartUnits(units: readonly string[]): Promise<void> {
    await this.systemd.restart(this.session, unitNames(units));
    return super.restartUnits(units);
  }
  override async startUnits(units: readonly string[]): Promise<void> {
    await this.systemd.start(this.session, unitNames(units));
    return super.startUnits(units);
  }
  override async stopUnits(units: readonly string[]): Promise<void> {
    await this.systemd.stop(this.session, unitNames(units));
    return super.stopUnits(units);
  }
  override async enableUnits(units: readonly string[]): Promise<void> {
    await this.systemd.enable(this.session, unitNames(units));
    return super.enableUnits(units);
  }
  override async disableUnits(units: readonly string[]): Promise<void> {
    await this.systemd.disable(this.session, unitNames(units));
    return super.disableUnits(units);
  }
  override async resetFailed(units: readonly string[]): Promise<void> {
    await this.systemd.resetFailed(this.session, unitNames(units));
    return super.resetFailed(units);
  }
  override async unitStatuses(units: readonly string[]) {
    const names = unitNames(units);
    await this.systemd.activeStates(this.session, names);
    await this.systemd.unitStates(this.session, names).catch(() => undefined);
    return super.unitStatuses(units);
  }
  override async probe(p: ProbeSpec): Promise<ProbeResult> {
    this.probes.push(p);
    return super.probe(p);
  }
}

/** app.ts's resource port (private there), over the real Podman and VolumeDirs adapters and `exec`. */
export function resourcePort(exec: Recorder, volumeDirsRoot: string): ResourceHostPort {
  const podman = new Podman(exec);
  const volumeDirs = new VolumeDirs(exec, volumeDirsRoot);
  const session = async (_id: CompartmentId) => SESSION;
  return {
    podmanVolumes: async (id) =>
      (await podman.volumes(await session(id))).map((v) => ({ name: v.name, mountpoint: v.mountpoint })),
    removePodmanVolume: async (id, name) => podman.removeVolume(await session(id), name),
    removeHostVolume: async (id, name) => volumeDirs.remove(await session(id), id, name),
    hostVolumes: (id) => volumeDirs.list(id),
    usage: async (id, paths) => volumeUsage(exec, await session(id), paths),
    secrets: async (id) => (await podman.secrets(await session(id))).map((s) => s.name),
    createSecret: async (id, name, value, replace) => podman.createSecret(await session(id), name, value, { replace }),
    removeSecret: async (id, name) => podman.removeSecret(await session(id), name),
    login: async (id, registry, username, password) => podman.login(await session(id), registry, username, password),
    logout: async (id, registry) => podman.logout(await session(id), registry),
    loginName: async (id, registry) => podman.loginName(await session(id), registry),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The real Quadlet generator (for samples)

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * The generator binary: $QUADLETMAN_QUADLET, the oracle fetched into .cache/ (npm run test:oracle), the host's own,
 * or else the oracle fetched now (scripts/oracle/fetch-quadlet.sh: Debian's podman package, nothing installed).
 */
export function quadletBinary(): { bin?: string; why?: string } {
  const candidates = [
    process.env.QUADLETMAN_QUADLET,
    path.join(REPO, '.cache/oracle/podman/usr/libexec/podman/quadlet'),
    ...GENERATOR_CANDIDATES,
  ];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (found) return { bin: found };
  try {
    const r = spawnSync(path.join(REPO, 'scripts/oracle/fetch-quadlet.sh'), { encoding: 'utf8', timeout: 300_000 });
    const bin = (r.stdout ?? '').trim();
    if (r.status === 0 && existsSync(bin)) return { bin };
    return { why: (r.stderr ?? '').trim().split('\n').at(-1) ?? `exit ${r.status}` };
  } catch (e) {
    return { why: (e as Error).message };
  }
}

export interface GeneratorRun {
  code: number;
  stdout: string;
  stderr: string;
  result: ReturnType<typeof parseGeneratorOutput>;
}

/** How many times the generator ran. */
export const generatorRuns = { count: 0 };

/** Runs `quadlet -dryrun -user` over `files` (plain file names → text) in a fresh temporary folder. */
export function runQuadlet(bin: string, files: Readonly<Record<string, string>>): GeneratorRun {
  const dir = mkdtempSync(path.join(tmpdir(), 'qm-hostile-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      if (name.includes('/') || name.startsWith('.')) throw new Error(`refusing to stage ${JSON.stringify(name)}`);
      writeFileSync(path.join(dir, name), text);
    }
    generatorRuns.count++;
    const r = spawnSync(bin, ['-dryrun', '-user'], {
      env: { ...process.env, QUADLET_UNIT_DIRS: dir },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: 120_000,
    });
    const stdout = r.stdout ?? '';
    const stderr = r.stderr ?? '';
    return { code: r.status ?? -1, stdout, stderr, result: parseGeneratorOutput(stdout, stderr) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The generator's `major.minor`. */
export function quadletVersion(bin: string): string {
  const out = spawnSync(bin, ['-version'], { encoding: 'utf8' }).stdout ?? '';
  const m = /^(\d+)\.(\d+)/.exec(out.trim());
  return m ? `${m[1]}.${m[2]}` : '0.0';
}

// ---------------------------------------------------------------------------------------------------------
// The stage

export interface Stage {
  ctx: TestContext;
  server: FastifyInstance;
  admin: LoggedIn;
  exec: Recorder;
  hosts: Map<string, ArgvHost>;
  /** Folders adopt reads, by path (filled per request). */
  folders: Record<string, AdoptSource>;
  /** Managed host volume folders root for volume removals (a temporary folder). */
  volumeDirsRoot: string;
  base: string;
  close(): Promise<void>;
}

export async function openStage(): Promise<Stage> {
  const exec = new Recorder();
  const hosts = new Map<string, ArgvHost>();
  const folders: Stage['folders'] = {};
  const ctx = createTestContext({
    hostFor: (id) => {
      const h = new ArgvHost(exec, SESSION);
      hosts.set(id, h);
      return h;
    },
    folders,
  });
  const volumeDirsRoot = mkdtempSync(path.join(tmpdir(), 'qm-hostile-volumes-'));
  ctx.app.resources = new ResourceService({
    compartments: ctx.app.compartments,
    hostFor: async (id) => ctx.hosts.get(id) ?? new FakeHost(),
    revisions: ctx.app.store.revisions,
    host: resourcePort(exec, volumeDirsRoot),
    volumesRoot: VOLUMES_ROOT,
  });
  ctx.app.host.users.sessionFor = async () => SESSION;
  ctx.app.host.generator = new QuadletGenerator(exec, { binary: '/usr/libexec/podman/quadlet' });
  const server = await buildServer(ctx.app, { rateLimit: false });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const port = (server.server.address() as AddressInfo).port;
  const admin = loginAs(server, 'admin');
  return {
    ctx,
    server,
    admin,
    exec,
    hosts,
    folders,
    volumeDirsRoot,
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      await server.close();
      ctx.close();
      rmSync(volumeDirsRoot, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  body: string;
  json: () => Record<string, unknown>;
}

const answer = (status: number, body: string): Answer => ({
  status,
  body,
  json: () => {
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return {};
    }
  },
});

/** A request through the server in process (JSON body unless `raw` content type is given). */
export async function call(
  stage: Stage,
  method: string,
  url: string,
  payload?: unknown,
  contentType?: string,
): Promise<Answer> {
  const r = await stage.server.inject({
    method: method as 'GET',
    url,
    headers: { ...stage.admin.headers, ...(contentType ? { 'content-type': contentType } : {}) },
    ...(payload === undefined ? {} : typeof payload === 'string' ? { payload } : { payload: payload as object }),
  });
  return answer(r.statusCode, r.body);
}

/**
 * Percent-encodes every byte of `s` but letters, digits, `_`, `~` and `-` (dots too, so no client or router
 * reads a `.` or `..` segment), writing a lone surrogate as its WTF-8 bytes (which no URL decoder accepts).
 */
export function encodeSegment(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let bytes: number[];
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes = [...Buffer.from(s.slice(i, i + 2), 'utf8')];
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      bytes = [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
    } else if (/[A-Za-z0-9_~-]/.test(s[i]!)) {
      out += s[i];
      continue;
    } else bytes = [...Buffer.from(s[i]!, 'utf8')];
    out += bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

/** A request over a real loopback connection, the path sent exactly as given (no client-side normalizing). */
export function rawCall(stage: Stage, method: string, pathAndQuery: string, payload?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    const req = http.request(
      `${stage.base}/`,
      {
        method,
        path: pathAndQuery,
        // a connection per request: after refusing a request line, the server closes the connection, and a
        // kept-alive socket would fail the next request
        agent: false,
        headers: {
          ...stage.admin.headers,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(answer(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
        res.on('error', reject);
      },
    );
    // Node's HTTP parser may close the connection without an answer on a request line over its header limit
    req.on('error', (e) => {
      if (pathAndQuery.length > 8 * 1024) resolve(answer(431, `connection closed by the server: ${e.message}`));
      else reject(e);
    });
    req.end(body);
  });
}

/** Makes a folder (and its parents) under the volume-dirs root: a host volume that exists. */
export function makeVolumeDir(stage: Stage, compartment: string, name: string): string {
  const dir = path.join(stage.volumeDirsRoot, compartment, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
