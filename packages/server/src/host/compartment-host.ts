// The apply engine's view of one compartment on this machine (core/apply/ports.ts `CompartmentHost`).
// Changes on the machine: writes and removes files in the compartment's managed folders under its home
// (Quadlet units, user timers, config files; atomically) AS the compartment user through its file agent
// (user-files.ts), which also stages the generator's dry runs; creates managed host volume folders given to
// the compartment user (volume-dirs.ts); runs `systemctl --user` daemon-reload / restart / stop as the
// compartment user; reads the host's registries.conf (short names); pulls images into the compartment's storage as its user (with its registry logins); and
// opens TCP/HTTP connections to the compartment's published ports for the verify probes.
// No root process here opens a path inside the home.

import { constants } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { failureLines } from '../core/apply/failure-lines.js';
import type {
  ApplyLocks,
  CompartmentHost,
  DryRunVerdict,
  FileSet,
  ImageIdentity,
  ProbeResult,
  UnitStatus,
} from '../core/apply/ports.js';
import { ConflictError, InvalidError } from '../core/errors.js';
import { type CompartmentId, parseUnitName, type UnitName } from '../core/ids.js';
import { PullProgress } from '../core/images/pull-progress.js';
import { qualify } from '../core/images/registries-conf.js';
import { DEFAULT_VOLUMES_ROOT } from '../core/layout.js';
import type { HostVolume } from '../core/render.js';
import type { ProbeSpec } from '../core/spec.js';
import type { Exec } from './exec.js';
import { readSystemFile } from './fs.js';
import type { QuadletGenerator } from './generator.js';
import { compartmentOfUser } from './helper/helper-exec.js';
import { Podman, podmanReason } from './podman.js';
import { hostPodmanVersion } from './podman-version.js';
import { readRegistriesConf } from './registries-conf.js';
import { asUser, type CompartmentSession } from './session.js';
import { parseSubid } from './subid.js';
import type { UserSystemd } from './systemd.js';
import { UserFiles } from './user-files.js';
import { VolumeDirs, type VolumeFolders } from './volume-dirs.js';

/** The folders of a compartment's home that quadletman owns: everything in them is desired state. */
export const MANAGED_DIRS = ['.config/containers/systemd', '.config/systemd/user', '.config/quadletman/files'] as const;

export interface CompartmentHostDeps {
  exec: Exec;
  systemd: UserSystemd;
  generator: QuadletGenerator;
  /** Managed host volume folders (default: made here, under /var/lib/quadletman/volumes). */
  volumes?: VolumeFolders;
  /** Creates and removes the compartment's helper users (root's work: in this process, or the helper's verb). */
  helperUsers?: HelperUsers;
}

/** The compartment's helper users `qm-<id>-<uid>`, made exactly these container ids. */
export interface HelperUsers {
  sync(compartment: CompartmentId, ids: readonly number[]): Promise<void>;
}

export class HostCompartment implements CompartmentHost {
  private readonly files: UserFiles;

  constructor(
    private readonly session: CompartmentSession,
    private readonly deps: CompartmentHostDeps,
  ) {
    this.files = new UserFiles(deps.exec, session);
  }

  podmanVersion(): Promise<string | undefined> {
    return hostPodmanVersion(this.deps.exec);
  }

  async readManaged(): Promise<FileSet> {
    const read = await this.files.readTree(MANAGED_DIRS);
    return { files: new Map(read.map((f) => [f.path, f.text])), modes: new Map(read.map((f) => [f.path, f.mode])) };
  }

  async dryRun(quadletFiles: ReadonlyMap<string, string>): Promise<DryRunVerdict[]> {
    const r = await this.deps.generator.dryRun(this.session, Object.fromEntries(quadletFiles));
    return r.verdicts.map((v) => {
      if (v.status === 'ok') return { file: v.file, ok: true };
      const reason = v.status === 'error' ? v.messages.join('; ') : 'the generator made no unit of it';
      return { file: v.file, ok: false, reason };
    });
  }

  async writeFiles(
    write: ReadonlyMap<string, { text: string; mode: number }>,
    remove: readonly string[],
  ): Promise<void> {
    for (const p of [...write.keys(), ...remove]) assertManaged(p);
    // one agent process for the whole set: each file is replaced atomically on its own (temp file, fsync,
    // rename, fsync of the folder); the set as a whole is made safe by the engine's journal and roll back
    await this.files.batch([
      ...[...write].map(([p, { text, mode }]) => ({ op: 'write' as const, path: p, text, mode, dirMode: 0o755 })),
      ...remove.map((p) => ({ op: 'remove' as const, path: p })),
    ]);
  }

  async ensureHostVolumes(volumes: readonly HostVolume[]): Promise<void> {
    if (volumes.length === 0) return;
    const dirs = this.deps.volumes ?? new VolumeDirs(this.deps.exec, DEFAULT_VOLUMES_ROOT);
    const byCompartment = new Map<string, string[]>();
    for (const v of volumes) {
      const rel = path.relative(dirs.root, v.path).split('/');
      if (rel.length !== 2 || rel[0] === '..')
        throw new InvalidError(`host volume ${v.path} is not <root>/<compartment>/<volume>`);
      byCompartment.set(rel[0]!, [...(byCompartment.get(rel[0]!) ?? []), rel[1]!]);
    }
    const owner = { uid: this.session.uid, gid: this.session.gid };
    for (const [c, names] of byCompartment) await dirs.ensure(c, names, owner);
    await this.ownVolumes(volumes);
  }

  async syncHelperUsers(ids: readonly number[]): Promise<void> {
    const id = compartmentOfUser(this.session.user);
    if (!this.deps.helperUsers) {
      if (ids.length > 0) throw new InvalidError('helper users cannot be made here (no user administration)');
      return;
    }
    await this.deps.helperUsers.sync(id, ids);
  }

  /**
   * Gives each host volume folder to its owner: a container id's helper user (mode 0770, the compartment's group)
   * or the compartment user (0750). Only a folder whose owner differs is changed, with what is in it, by the
   * compartment user inside its user namespace (`podman unshare`: no root, and nothing outside the namespace's
   * ids can be touched).
   */
  private async ownVolumes(volumes: readonly HostVolume[]): Promise<void> {
    let subuidStart: number | undefined;
    for (const v of volumes) {
      const st = await fsp.lstat(v.path);
      if (!st.isDirectory()) throw new ConflictError(`host volume ${v.path} is not a folder`);
      let want = this.session.uid;
      if (v.owner) {
        subuidStart ??= await this.subuidStart();
        want = subuidStart + v.owner - 1;
      }
      if (st.uid === want) continue;
      const inside = v.owner ?? 0;
      const asOwner = (argv: string[]) =>
        this.deps.exec.run(asUser(this.session, ['podman', 'unshare', ...argv]), { timeoutMs: 600_000 });
      await asOwner(['chown', '-R', '--no-dereference', `${inside}:0`, '--', v.path]);
      await asOwner(['chmod', inside === 0 ? '0750' : '0770', '--', v.path]);
    }
  }

  /** The first host uid of the compartment user's subordinate range (/etc/subuid is readable by everyone). */
  private async subuidStart(): Promise<number> {
    const entry = parseSubid((await readSystemFile('/etc/subuid')) ?? '').find((e) => e.owner === this.session.user);
    if (!entry) throw new ConflictError(`${this.session.user} has no range in /etc/subuid`);
    return entry.start;
  }

  async daemonReload(): Promise<void> {
    await this.deps.systemd.daemonReload(this.session);
  }

  async restartUnits(units: readonly string[], options: { wait?: boolean } = {}): Promise<void> {
    if (options.wait === false) await this.deps.systemd.restartNoBlock(this.session, names(units));
    else await this.deps.systemd.restart(this.session, names(units));
  }

  async enableUnits(units: readonly string[]): Promise<void> {
    await this.deps.systemd.enable(this.session, names(units));
  }

  async disableUnits(units: readonly string[]): Promise<void> {
    await this.deps.systemd.disable(this.session, names(units));
  }

  async startUnits(units: readonly string[]): Promise<void> {
    await this.deps.systemd.start(this.session, names(units));
  }

  async stopUnits(units: readonly string[]): Promise<void> {
    await this.deps.systemd.stop(this.session, names(units));
  }

  async resetFailed(units: readonly string[]): Promise<void> {
    await this.deps.systemd.resetFailed(this.session, names(units));
  }

  /**
   * The units' states. One cheap D-Bus call answers for the active ones: systemd resets a unit's Result to
   * success whenever it starts, so an active unit's is success. Only units that are not active are asked for
   * their Result (`systemctl show`, three times the cost): the apply engine polls this while units start.
   */
  async unitStatuses(units: readonly string[]): Promise<UnitStatus[]> {
    const wanted = names(units);
    const activity = await this.deps.systemd.activeStates(this.session, wanted);
    const idle = activity ? activity.filter((a) => a.activeState !== 'active').map((a) => a.unit) : wanted;
    const shown = new Map(
      (idle.length > 0 ? await this.deps.systemd.unitStates(this.session, idle) : []).map((s) => [s.unit, s]),
    );
    return wanted.map((unit, i) => {
      const s = shown.get(unit) ?? { ...activity![i]!, result: 'success' };
      return { unit, activeState: s.activeState, subState: s.subState, result: s.result };
    });
  }

  async failureReason(unit: string): Promise<string> {
    const r = await this.deps.systemd.failureReason(this.session, parseUnitName(unit, 'unit'), 60);
    const tail = failureLines(r.journal, 3).join(' | ');
    return tail ? `${r.summary}: ${tail}` : r.summary;
  }

  probe(p: ProbeSpec): Promise<ProbeResult> {
    return runProbe(p);
  }

  async qualifyImage(shortName: string): Promise<string | undefined> {
    return qualify(shortName, await readRegistriesConf())?.fullName;
  }

  imageExists(image: string): Promise<boolean> {
    return new Podman(this.deps.exec).imageExists(this.session, image);
  }

  async pullImage(image: string, onProgress: (message: string) => void): Promise<void> {
    const pull = new Podman(this.deps.exec).pull(this.session, image);
    const progress = new PullProgress();
    for await (const line of pull.lines) {
      const event = progress.addLine(line);
      if (event && event.kind !== 'trying') onProgress(progress.message());
    }
    const end = await pull.done;
    if (end.code !== 0)
      throw new Error(podmanReason(end.stderr) ?? `podman pull exited with ${end.code ?? 'a signal'}`);
  }

  imageIdentity(image: string): Promise<ImageIdentity | undefined> {
    return new Podman(this.deps.exec).imageIdentity(this.session, image);
  }

  tagImage(source: string, target: string): Promise<void> {
    return new Podman(this.deps.exec).tag(this.session, source, target);
  }

  healthCheck(container: string): Promise<ProbeResult> {
    return new Podman(this.deps.exec).healthCheck(this.session, container);
  }
}

function names(units: readonly string[]): UnitName[] {
  return units.map((u) => parseUnitName(u, 'unit'));
}

function assertManaged(p: string): void {
  if (!MANAGED_DIRS.some((d) => p.startsWith(`${d}/`)) || p.split('/').includes('..')) {
    throw new InvalidError(`refusing to write ${JSON.stringify(p)}: not in a folder quadletman manages`);
  }
}

/** Node's own modules loaded when first used, by `require`: the CLI's bundle runs as a script, which has no
 * dynamic `import()`. */
const builtin = createRequire(import.meta.url);

/** One attempt of a verify probe: a TCP connect, or an HTTP(S) GET whose status must match. Node's net and
 * http modules are loaded by the first probe: most commands that load this module never probe. */
export function runProbe(p: ProbeSpec): Promise<ProbeResult> {
  if (p.type === 'tcp') {
    const net = builtin('node:net') as typeof import('node:net');
    return new Promise((resolve) => {
      const socket = net.connect({ host: p.host, port: p.port });
      const done = (r: ProbeResult) => {
        socket.destroy();
        resolve(r);
      };
      socket.setTimeout(p.timeoutMs, () => done({ ok: false, detail: `timed out after ${p.timeoutMs} ms` }));
      socket.once('connect', () => done({ ok: true, detail: 'connected' }));
      socket.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, detail: e.code ?? e.message }));
    });
  }
  // http.get takes the same arguments (an https option like rejectUnauthorized is ignored there)
  const mod = builtin(p.scheme === 'https' ? 'node:https' : 'node:http') as typeof import('node:https');
  return new Promise((resolve) => {
    const req = mod.get(
      { host: p.host, port: p.port, path: p.path, timeout: p.timeoutMs, rejectUnauthorized: false },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve({ ok: status === p.expectStatus, detail: `HTTP ${status}` });
      },
    );
    req.once('timeout', () => {
      req.destroy();
      resolve({ ok: false, detail: `timed out after ${p.timeoutMs} ms` });
    });
    req.once('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, detail: e.code ?? e.message }));
  });
}

/** Cross-process apply lock: an exclusive `open(O_CREAT|O_EXCL)` lock file per compartment under `dir`,
 * holding the owner's PID; a file whose PID is gone is stale and taken over. */
export class FileApplyLocks implements ApplyLocks {
  constructor(
    private readonly dir = '/run/quadletman/locks',
    private readonly pollMs = 100,
  ) {}

  async acquire(compartment: string, wait: boolean): Promise<() => void> {
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o755 });
    const file = path.join(this.dir, `${compartment}.apply.lock`);
    for (;;) {
      try {
        // readable by all: the server (its own user) and the CLI (root) read each other's PIDs
        const fh = await fsp.open(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
        await fh.writeFile(`${process.pid}\n`);
        await fh.close();
        return () => {
          void fsp.unlink(file).catch(() => undefined);
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = Number((await fsp.readFile(file, 'utf8').catch(() => '')).trim());
      if (!holder || !alive(holder)) {
        await fsp.unlink(file).catch(() => undefined);
        continue;
      }
      if (!wait) {
        throw new ConflictError(
          `An apply of compartment '${compartment}' is running (process ${holder}); try again when it has finished.`,
        );
      }
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** In-process and cross-process locks together: queue here first, then take the lock file. */
export class CombinedLocks implements ApplyLocks {
  constructor(private readonly locks: readonly ApplyLocks[]) {}

  async acquire(compartment: string, wait: boolean): Promise<() => void> {
    const releases: (() => void)[] = [];
    try {
      for (const l of this.locks) releases.push(await l.acquire(compartment, wait));
    } catch (e) {
      for (const r of releases.reverse()) r();
      throw e;
    }
    return () => {
      for (const r of releases.reverse()) r();
    };
  }
}

/** Refuses to go on when this machine was not booted with systemd (the test sd_booted(3) makes): compartments
 * need systemd's user managers. Reads only. */
export async function assertSystemdBooted(): Promise<void> {
  const booted = await fsp.lstat('/run/systemd/system').then(
    (st) => st.isDirectory(),
    () => false,
  );
  if (!booted) {
    throw new ConflictError(
      'This machine is not running systemd as PID 1, so it cannot run compartments (they need systemd user managers). ' +
        '`quadletman doctor` shows what is missing; `quadletman sandbox up` starts a host that has it.',
    );
  }
}
