// The apply engine's view of one compartment on this machine (core/apply/ports.ts `CompartmentHost`).
// Changes on the machine: writes and removes files in the compartment's managed folders under its home
// (Quadlet units, user timers, config files; atomically, owned by the compartment user), creates managed
// host volume directories owned by the compartment user, runs `systemctl --user` daemon-reload / restart /
// stop as the compartment user, stages files for the generator's dry run (see generator.ts), and opens
// TCP/HTTP connections to the compartment's published ports for the verify probes.

import { constants } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type {
  ApplyLocks,
  CompartmentHost,
  DryRunVerdict,
  FileSet,
  ProbeResult,
  UnitStatus,
} from '../core/apply/ports.js';
import { ConflictError, InvalidError } from '../core/errors.js';
import { parseUnitName, type UnitName } from '../core/ids.js';
import type { HostVolume } from '../core/render.js';
import type { ProbeSpec } from '../core/spec.js';
import { ConfinedFs, type Ownership } from './fs.js';
import type { QuadletGenerator } from './generator.js';
import type { CompartmentSession } from './session.js';
import type { UserSystemd } from './systemd.js';

/** The folders of a compartment's home that quadletman owns: everything in them is desired state. */
export const MANAGED_DIRS = ['.config/containers/systemd', '.config/systemd/user', '.config/quadletman/files'] as const;

/** Where generator.ts stages dry runs, under the home. */
const STAGING_DIR = '.cache/quadletman';

export interface CompartmentHostDeps {
  systemd: UserSystemd;
  generator: QuadletGenerator;
  /** Root under which managed host volumes may be created (default /var/lib/quadletman/volumes). */
  volumesRoot?: string;
}

export class HostCompartment implements CompartmentHost {
  private readonly home: ConfinedFs;
  private owner: Ownership | undefined;

  constructor(
    private readonly session: CompartmentSession,
    private readonly deps: CompartmentHostDeps,
  ) {
    this.home = new ConfinedFs(session.home);
  }

  private async ownership(): Promise<Ownership> {
    this.owner ??= await this.home.ownerOfRoot();
    return this.owner;
  }

  async readManaged(): Promise<FileSet> {
    const paths: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await this.home.list(dir);
      await Promise.all(
        entries.map(async (e) => {
          const rel = `${dir}/${e.name}`;
          if (e.kind === 'dir') await walk(rel);
          else if (e.kind === 'file') paths.push(rel);
        }),
      );
    };
    await Promise.all(MANAGED_DIRS.map(walk));
    // read side by side; the maps are filled in path order so the result does not depend on timing
    paths.sort();
    const read = await Promise.all(
      paths.map(async (rel) => {
        const text = await this.home.readFile(rel);
        const st = await fsp.stat(await this.home.resolve(rel));
        return [rel, text, st.mode & 0o7777] as const;
      }),
    );
    return { files: new Map(read.map(([p, t]) => [p, t])), modes: new Map(read.map(([p, , m]) => [p, m])) };
  }

  async dryRun(quadletFiles: ReadonlyMap<string, string>): Promise<DryRunVerdict[]> {
    await this.removeStaleStaging();
    const r = await this.deps.generator.dryRun(this.session, Object.fromEntries(quadletFiles));
    return r.verdicts.map((v) => {
      if (v.status === 'ok') return { file: v.file, ok: true };
      const reason = v.status === 'error' ? v.messages.join('; ') : 'the generator made no unit of it';
      return { file: v.file, ok: false, reason };
    });
  }

  /** Staging folders of dry runs whose process died before removing them (generator.ts names them
   * `~/.cache/quadletman/dryrun-<pid>-…`): a crash must not leave them behind for ever. */
  private async removeStaleStaging(): Promise<void> {
    for (const e of await this.home.list(STAGING_DIR)) {
      const pid = Number(/^dryrun-(\d+)-/.exec(e.name)?.[1]);
      if (e.kind === 'dir' && pid && pid !== process.pid && !alive(pid)) {
        await this.home.remove(`${STAGING_DIR}/${e.name}`, { recursive: true });
      }
    }
  }

  async writeFiles(
    write: ReadonlyMap<string, { text: string; mode: number }>,
    remove: readonly string[],
  ): Promise<void> {
    const owner = await this.ownership();
    for (const p of [...write.keys(), ...remove]) assertManaged(p);
    // side by side: each file is replaced atomically on its own (temp file, fsync, rename, fsync of the folder);
    // the set as a whole is made safe by the engine's journal and roll back, not by the order of the writes
    await Promise.all(
      [...write].map(([p, { text, mode }]) => this.home.writeFileAtomic(p, text, { owner, mode, dirMode: 0o755 })),
    );
    await Promise.all(remove.map((p) => this.home.remove(p)));
  }

  async ensureHostVolumes(volumes: readonly HostVolume[]): Promise<void> {
    if (volumes.length === 0) return;
    const root = this.deps.volumesRoot ?? '/var/lib/quadletman/volumes';
    await fsp.mkdir(root, { recursive: true, mode: 0o755 });
    const confined = new ConfinedFs(root);
    const owner = await this.ownership();
    for (const v of volumes) {
      const rel = path.relative(root, v.path);
      await confined.mkdirp(rel, { owner, mode: 0o750 });
    }
  }

  async daemonReload(): Promise<void> {
    await this.deps.systemd.daemonReload(this.session);
  }

  async restartUnits(units: readonly string[]): Promise<void> {
    await this.deps.systemd.restart(this.session, names(units));
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
    const r = await this.deps.systemd.failureReason(this.session, parseUnitName(unit, 'unit'));
    const tail = r.journal.slice(-3).join(' | ');
    return tail ? `${r.summary}: ${tail}` : r.summary;
  }

  probe(p: ProbeSpec): Promise<ProbeResult> {
    return runProbe(p);
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
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = path.join(this.dir, `${compartment}.apply.lock`);
    for (;;) {
      try {
        const fh = await fsp.open(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
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

/** Removes a compartment's managed host volume directories (`<root>/<compartment>`). */
export async function removeHostVolumes(root: string, compartment: string): Promise<void> {
  const confined = new ConfinedFs(root);
  if (
    await fsp.stat(root).then(
      () => true,
      () => false,
    )
  )
    await confined.remove(compartment, { recursive: true });
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
