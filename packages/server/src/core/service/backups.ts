/**
 * Backups of a compartment's data with restic (host/restic.ts), run as the compartment user inside its user
 * namespace, so that files its containers wrote as other UIDs come back with the same owners.
 *
 * - The repository: one per compartment, by default in its home (`~/.local/share/quadletman/restic`), made at
 *   the first backup (or `init`) with a generated password that quadletman keeps in its own database and shows
 *   once, for disaster recovery. A repository in the home guards against mistakes and broken upgrades, not
 *   against the compartment's own user (who can delete it) nor the loss of the disk.
 * - A backup holds the compartment's managed volume folders, its Podman volumes (their data folders) and its
 *   Quadlet folder, tagged with the compartment, the revision of its desired state and the mode.
 * - Modes: `stop` (default; the compartment's running units are stopped for the snapshot and started again,
 *   the downtime is measured) or `live` (crash-consistent only: a database mid-write may come back torn).
 * - Restore: the snapshot is restored into a staging folder in the home, the units stopped, each volume's
 *   contents swapped for the staged ones (the previous contents are moved aside and put back if the swap fails),
 *   the units started again. The Quadlet folder is not restored over: quadletman renders it from the desired
 *   state. The snapshot's volumes are matched to the compartment's by name; the ones it no longer declares are
 *   skipped (and named in the answer).
 * - Restore into another compartment (`into`): the same, with the target as the writer: restic runs as the
 *   target's user in its namespace (owners come out mapped by the target's subuid range), into a staging folder in
 *   the target's home, and the target's units are stopped and started. It reads the source's repository, which
 *   must be in the source's home: it is made readable to the target's user for the restore (ACL entries the
 *   source's user sets on its own folders, removed afterwards), and restic opens it without a lock (`--no-lock`),
 *   writing nothing into it. Both compartments' apply locks are held.
 * - A policy (core/backups/policy.ts): a schedule the server's BackupScheduler runs, the mode of those backups,
 *   and a retention that `restic forget --prune` applies after each scheduled backup (and on demand: `prune`).
 *   A scheduled run is recorded (time, outcome, error) with the policy.
 * - Backups, prunes and restores never overlap an apply of the compartment: each takes its apply lock, and is
 *   refused (ConflictError) while an apply holds it; a scheduled run waits for the next tick instead.
 */
import type { ApplyLocks } from '../apply/ports.js';
import {
  parseRepositoryInput,
  parseRepositoryLocation,
  type RepositoryCredentials,
  type RepositoryLocation,
} from '../backups/location.js';
import {
  type BackupCheck,
  type BackupKeep,
  type BackupPolicy,
  type BackupRun,
  CHECK_EVERY_MS,
  checkPolicy,
  DEFAULT_POLICY,
  defaultPolicyFor,
  nextRunOf,
  type PolicyInput,
  type StoredPolicy,
} from '../backups/policy.js';
import { ConflictError, InvalidError, lastLines, NotFoundError } from '../errors.js';
import { type CompartmentId, parseCompartmentId } from '../ids.js';
import { DEFAULT_VOLUMES_ROOT, hostVolumePath, QUADLET_DIR } from '../layout.js';
import { mountedVolumes } from '../render.js';
import { generateValue } from '../templates/template.js';
import type { CompartmentService } from './compartments.js';

export type BackupMode = 'stop' | 'live' | 'hook';

export type SftpLocation = Extract<RepositoryLocation, { kind: 'sftp' }>;

/** How long a backup hook (a database dump) may run. */
const HOOK_TIMEOUT_MS = 30 * 60_000;

export interface BackupSnapshot {
  id: string;
  shortId: string;
  time: string;
  paths: string[];
  tags: string[];
  /** From restic's summary of the snapshot (null: it kept none): the bytes it holds, the bytes it added, and how
   * long the backup took. */
  size?: number | null;
  added?: number | null;
  durationS?: number | null;
}

/** One entry of a folder in a snapshot (`restic ls`); the snapshot's top folders have no size, mode or owner. */
export interface SnapshotEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  /** Its absolute path in the snapshot. */
  path: string;
  size: number | null;
  /** Permission bits, four octal digits (`0644`). */
  mode: string | null;
  uid: number | null;
  gid: number | null;
  mtime: string | null;
}

export interface SnapshotListing {
  entries: SnapshotEntry[];
  /** More entries than the listing's limit: the rest left out. */
  truncated: boolean;
}

/** A folder of a snapshot: its direct entries. */
export interface SnapshotFolder extends SnapshotListing {
  snapshot: string;
  path: string;
}

/** A file or folder restored from a snapshot over the live one. */
export interface RestoreFileResult {
  snapshot: string;
  /** The path in the snapshot. */
  path: string;
  /** Where it was put. */
  restored: string;
  /** Where the version it replaced was kept (absent: there was none). */
  previous?: string;
}

export interface BackupSummary {
  snapshotId: string;
  filesNew: number;
  filesChanged: number;
  filesUnmodified: number;
  dataAdded: number;
  totalFiles: number;
  totalBytes: number;
  durationS: number;
}

/** How far restic is, from its `--json` status lines (null: restic did not say). */
export interface ResticStatus {
  /** 0 … 100. */
  percent: number | null;
  filesDone: number | null;
  totalFiles: number | null;
  bytesDone: number | null;
  totalBytes: number | null;
  secondsElapsed: number | null;
  secondsRemaining: number | null;
  /** The files restic reads now (backup only). */
  currentFiles: string[];
}

/** A backup or restore under way, as anyone who may see the compartment can follow it. */
export interface BackupProgress {
  operation: 'backup' | 'restore';
  /**
   * What it does now: `hook` (the spec's backup hook), `stopping` / `starting` (the units around the snapshot or
   * the swap), `restic` (restic reads or writes the data: `status` says how far), `swapping` (a restore puts the
   * restored folders in place), `checking` (a restore runs the compartment's probes).
   */
  stage: 'hook' | 'stopping' | 'restic' | 'starting' | 'swapping' | 'checking';
  /** When the operation began (ISO-8601 UTC). */
  startedAt: string;
  /** restic's last status line (null before the first, and outside the `restic` stage's start). */
  status: ResticStatus | null;
}

/** How an operation under way tells its stage and restic's status (BackupService.progress answers them). */
interface Tracker {
  stage(stage: BackupProgress['stage']): void;
  status(status: ResticStatus): void;
}

/** restic as the compartment user (host/restic.ts with the compartment's session). */
export interface BackupHostPort {
  home(id: CompartmentId): Promise<string>;
  podmanVolumes(id: CompartmentId): Promise<{ name: string; mountpoint: string }[]>;
  init(id: CompartmentId, repo: string, password: string): Promise<'created' | 'exists'>;
  /**
   * REST and S3: writes the repository's address with its credentials into files of the compartment's own (mode
   * 0600) that restic reads; for any other location removes them.
   */
  setAccess(id: CompartmentId, location: RepositoryLocation, credentials?: RepositoryCredentials): Promise<void>;
  /** SFTP: the compartment's SSH key (made when missing) and the remote host's keys (scanned when `scan`). */
  sshSetup(
    id: CompartmentId,
    location: SftpLocation,
    scan: boolean,
  ): Promise<{ publicKey: string; hostKeys: string[] }>;
  /** `onStatus`: restic's status lines, about once a second. */
  backup(
    id: CompartmentId,
    repo: string,
    password: string,
    paths: string[],
    tags: string[],
    onStatus?: (status: ResticStatus) => void,
  ): Promise<BackupSummary>;
  snapshots(id: CompartmentId, repo: string, password: string): Promise<BackupSnapshot[]>;
  /** `readOnly`: the repository is another compartment's; restic takes no lock in it (`--no-lock`). */
  restore(
    id: CompartmentId,
    repo: string,
    password: string,
    snapshot: string,
    target: string,
    options?: { readOnly?: boolean; onStatus?: (status: ResticStatus) => void },
  ): Promise<void>;
  /**
   * As the `source` compartment's user: lets `reader`'s user read each of `paths` (folders in the source's home;
   * recursively) and pass through the folders above them from the home down (ACL entries); `revokeRead` removes
   * those entries again.
   */
  grantRead(source: CompartmentId, reader: CompartmentId, paths: string[]): Promise<void>;
  revokeRead(source: CompartmentId, reader: CompartmentId, paths: string[]): Promise<void>;
  /** The direct children of the folder `path` in the snapshot (at most a limit; the rest: `truncated`). */
  ls(id: CompartmentId, repo: string, password: string, snapshot: string, path: string): Promise<SnapshotListing>;
  /** Restores only `includes` (absolute paths in the snapshot, folders with their contents) under `target`. */
  restoreFiles(
    id: CompartmentId,
    repo: string,
    password: string,
    snapshot: string,
    target: string,
    includes: string[],
  ): Promise<void>;
  /**
   * In the compartment's namespace: `staged` put at `path`, what was there moved to `previous` first. 'missing':
   * nothing was staged (nothing changed).
   */
  putStaged(
    id: CompartmentId,
    f: { staged: string; path: string; previous: string },
  ): Promise<'replaced' | 'created' | 'missing'>;
  check(id: CompartmentId, repo: string, password: string): Promise<{ ok: boolean; output: string }>;
  /** `restic forget --prune` of the snapshots tagged `tag` with the retention `keep`. */
  forget(id: CompartmentId, repo: string, password: string, tag: string, keep: BackupKeep): Promise<PruneResult>;
  swapContents(id: CompartmentId, dirs: { path: string; staged: string; aside: string }[]): Promise<void>;
  removeTrees(id: CompartmentId, paths: string[]): Promise<void>;
  /** Runs argv in the running container of the unit `<unit>.service` (`podman exec`, as the compartment user). */
  execInContainer(
    id: CompartmentId,
    unit: string,
    argv: readonly string[],
    timeoutMs: number,
  ): Promise<{ code: number; output: string }>;
}

export interface BackupStorePort {
  repo(
    compartment: string,
  ):
    | { location: string; password: string; newestSnapshotAt?: string | null; lastCheck?: BackupCheck | null }
    | undefined;
  /** Records the outcome of a `restic check`. */
  recordCheck(compartment: string, check: BackupCheck): void;
  add(compartment: string, location: string, password: string): boolean;
  /** A new location (and password) for the compartment's repository. */
  setRepo(compartment: string, location: string, password: string): void;
  policy(compartment: string): StoredPolicy | undefined;
  setPolicy(compartment: string, policy: BackupPolicy): StoredPolicy;
  recordRun(compartment: string, run: BackupRun): void;
  /** When the newest snapshot was taken (for /metrics' snapshot age). */
  recordSnapshot(compartment: string, at: string): void;
}

export interface BackupServiceDeps {
  compartments: CompartmentService;
  store: BackupStorePort;
  host: BackupHostPort;
  volumesRoot?: string;
  now?: () => Date;
  /** The engine's apply locks: a backup, prune or restore is refused while an apply of the compartment runs. */
  locks?: ApplyLocks;
}

/** What a prune did: the compartment's snapshots it removed and the ones it kept. */
export interface PruneResult {
  removed: BackupSnapshot[];
  kept: BackupSnapshot[];
}

/** A compartment's policy with its last scheduled run and its next one (null: off). */
export interface PolicyView {
  compartment: CompartmentId;
  policy: BackupPolicy;
  nextRun: string | null;
  lastRun: BackupRun | null;
  /** The last `restic check` of the repository (scheduled or asked for); null: none yet. */
  lastCheck: BackupCheck | null;
}

export interface BackupResult {
  compartment: CompartmentId;
  mode: BackupMode;
  summary: BackupSummary;
  paths: string[];
  /** Units stopped for the snapshot (mode stop), and how long they were down. */
  stopped: string[];
  downtimeMs: number | null;
  /** Set when this backup made the repository: its password, shown this once. */
  repository?: { location: string; password: string };
}

/** Where a compartment's repository is; for SFTP, the key the remote user must accept and the host's keys. */
export interface RepositoryView {
  location: string;
  kind: RepositoryLocation['kind'];
  /** SFTP: the compartment's public key, for the remote user's ~/.ssh/authorized_keys. */
  publicKey?: string;
  /** SFTP: the fingerprints of the remote host's keys quadletman trusts (recorded when the location was set). */
  hostKeys?: string[];
}

/** A repository location just set: its new password, shown this once, and the previous one's, if it had one. */
export interface RepositorySet extends RepositoryView {
  password: string;
  previous?: { location: string; password: string };
}

export interface RestoreOptions {
  /** Restore into this other compartment (its volumes of the same names) instead of the snapshot's own. */
  into?: string;
}

export interface RestoreResult {
  /** The compartment the snapshot came from. */
  compartment: CompartmentId;
  /** Set when the snapshot was restored into another compartment: that compartment. */
  into?: CompartmentId;
  snapshot: string;
  /** The folders whose contents were replaced. */
  restored: string[];
  /** The snapshot's volumes (by name) the compartment restored into does not declare: left alone. */
  skipped?: string[];
  /** Units stopped and started again. */
  restarted: string[];
  /** How many of the compartment's probes answered after the restore (0: it declares none). */
  probes: number;
  durationMs: number;
}

const REPO_DIR = '.local/share/quadletman/restic';
const WORK_DIR = '.local/share/quadletman';

const SNAPSHOT_ID = /^[0-9a-f]{8,64}$/;

export function checkSnapshotId(snapshot: string): void {
  if (!SNAPSHOT_ID.test(snapshot)) throw new InvalidError(`snapshot: ${JSON.stringify(snapshot)} is not a snapshot id`);
}

/**
 * A path in a snapshot: absolute, normalized (no empty, `.` or `..` parts, no trailing slash but `/` itself), no
 * control characters; InvalidError naming `path` otherwise.
 */
export function checkSnapshotPath(path: string): string {
  const bad = (why: string) =>
    new InvalidError(`path: ${JSON.stringify(path)} ${why}`, { details: { issues: [{ path: 'path', message: why }] } });
  if (typeof path !== 'string' || !path.startsWith('/')) throw bad('is not an absolute path');
  if (path.length > 4096) throw bad('is too long');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(path)) throw bad('holds a control character');
  if (
    path !== '/' &&
    path
      .split('/')
      .slice(1)
      .some((p) => p === '' || p === '.' || p === '..')
  )
    throw bad('is not a normalized path (no empty, . or .. parts, no trailing /)');
  return path;
}

/** `path` is `dir` or below it. */
const within = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/** A failed check's error: its last lines (restic ends with what it found). */
const checkFailure = (output: string) => `restic check found problems: ${lastLines(output, 3)}`;

export class BackupService {
  /** Compartments whose recorded repository was found or made while this process runs (no `init` to look). */
  private readonly made = new Set<CompartmentId>();

  /** The backups and restores under way, by compartment (the one written to). */
  private readonly underWay = new Map<CompartmentId, BackupProgress>();

  constructor(private readonly deps: BackupServiceDeps) {}

  /** The backup or restore of the compartment under way (null: none). */
  progress(id: string): BackupProgress | null {
    const c = this.deps.compartments.get(id);
    const p = this.underWay.get(c.id);
    return p ? structuredClone(p) : null;
  }

  /**
   * Follows an operation on `id` while `fn` runs: its stage and restic's status are what progress() answers, and
   * what `listener` hears as they change.
   */
  private async tracked<T>(
    id: CompartmentId,
    operation: BackupProgress['operation'],
    listener: ((p: BackupProgress) => void) | undefined,
    fn: (t: Tracker) => Promise<T>,
  ): Promise<T> {
    const p: BackupProgress = { operation, stage: 'restic', startedAt: this.now().toISOString(), status: null };
    const changed = () => {
      this.underWay.set(id, p);
      listener?.(structuredClone(p));
    };
    try {
      return await fn({
        stage: (stage) => {
          p.stage = stage;
          p.status = null;
          changed();
        },
        status: (status) => {
          p.status = status;
          changed();
        },
      });
    } finally {
      if (this.underWay.get(id) === p) this.underWay.delete(id);
    }
  }

  private now = () => (this.deps.now ?? (() => new Date()))();

  /**
   * Runs `fn` holding the apply lock of each compartment, taken in the order given (refused with ConflictError
   * while an apply holds one; the ones already taken are released).
   */
  private async locked<T>(ids: CompartmentId | readonly CompartmentId[], fn: () => Promise<T>): Promise<T> {
    const releases: (() => void)[] = [];
    try {
      for (const id of typeof ids === 'string' ? [ids] : ids) {
        if (this.deps.locks) releases.push(await this.deps.locks.acquire(id, false));
      }
      return await fn();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  private view(id: CompartmentId, stored: StoredPolicy | undefined): PolicyView {
    const lastCheck = this.deps.store.repo(id)?.lastCheck ?? null;
    if (!stored) return { compartment: id, policy: { ...DEFAULT_POLICY }, nextRun: null, lastRun: null, lastCheck };
    const { schedule, mode, keep, lastRun } = stored;
    return {
      compartment: id,
      policy: { schedule, mode, keep },
      nextRun: nextRunOf(stored)?.toISOString() ?? null,
      lastRun,
      lastCheck,
    };
  }

  /** A compartment that gets a repository and has no policy yet: daily backups (defaultPolicyFor). */
  private scheduleByDefault(id: CompartmentId): void {
    if (!this.deps.store.policy(id)) this.deps.store.setPolicy(id, defaultPolicyFor(id));
  }

  /**
   * The compartment's backup policy (before it has a repository, and until one is set: off, stop, no retention;
   * its first repository brings daily backups), its next and last scheduled run.
   */
  policy(id: string): PolicyView {
    const c = this.deps.compartments.get(id);
    return this.view(c.id, this.deps.store.policy(c.id));
  }

  /** Changes the policy: the fields given replace the current ones; InvalidError with `details.issues` by field. */
  setPolicy(id: string, input: PolicyInput): PolicyView {
    const c = this.deps.compartments.get(id);
    const current = this.deps.store.policy(c.id);
    const checked = checkPolicy(input, current ?? DEFAULT_POLICY);
    if (checked.issues) {
      throw new InvalidError(checked.issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
        details: { issues: checked.issues },
      });
    }
    return this.view(c.id, this.deps.store.setPolicy(c.id, checked.policy));
  }

  /** Forgets the snapshots the policy's retention does not keep, and prunes their data (restic forget --prune). */
  async prune(id: string): Promise<PruneResult> {
    const c = this.deps.compartments.get(id);
    return this.locked(c.id, () => this.pruneUnlocked(c.id));
  }

  private async pruneUnlocked(id: CompartmentId): Promise<PruneResult> {
    const keep = this.deps.store.policy(id)?.keep;
    if (!keep)
      throw new InvalidError(`Compartment '${id}' has no retention set: \`quadletman backup policy ${id} --keep-…\`.`, {
        details: { issues: [{ path: 'keep', message: 'no retention is set' }] },
      });
    const r = this.repoOf(id);
    return this.deps.host.forget(id, r.location, r.password, `compartment=${id}`, keep);
  }

  /**
   * The scheduler's run: a backup in the policy's mode, then its retention; recorded with the policy. 'busy': an
   * apply holds the compartment's lock (nothing done or recorded; the scheduler tries again later).
   */
  async runScheduled(id: string): Promise<BackupRun | 'busy'> {
    const c = this.deps.compartments.get(id);
    const stored = this.deps.store.policy(c.id);
    if (!stored || stored.schedule === 'off') throw new InvalidError(`Compartment '${c.id}' has no backup schedule.`);
    let release: () => void = () => undefined;
    if (this.deps.locks) {
      try {
        release = await this.deps.locks.acquire(c.id, false);
      } catch {
        return 'busy';
      }
    }
    const at = this.now().toISOString();
    let run: BackupRun;
    try {
      let snapshot: string | undefined;
      try {
        snapshot = (await this.runUnlocked(c.id, stored.mode)).summary.snapshotId;
      } catch (e) {
        run = { at, finishedAt: '', result: 'failed', stage: 'backup', error: (e as Error).message };
      }
      if (snapshot !== undefined) {
        run = { at, finishedAt: '', result: 'ok', snapshot };
        if (stored.keep) {
          try {
            const p = await this.pruneUnlocked(c.id);
            run = { ...run, removed: p.removed.length, kept: p.kept.length };
          } catch (e) {
            run = { ...run, result: 'failed', stage: 'prune', error: (e as Error).message };
          }
        }
        // weekly (CHECK_EVERY_MS), a check that the repository is sound
        const last = this.deps.store.repo(c.id)?.lastCheck;
        if (run.result === 'ok' && (!last || this.now().getTime() - Date.parse(last.at) >= CHECK_EVERY_MS)) {
          try {
            const check = await this.checkUnlocked(c.id);
            run = check.ok
              ? { ...run, checked: true }
              : { ...run, checked: true, result: 'failed', stage: 'check', error: checkFailure(check.output) };
          } catch (e) {
            run = { ...run, result: 'failed', stage: 'check', error: (e as Error).message };
          }
        }
      }
    } finally {
      release();
    }
    run = { ...run!, finishedAt: this.now().toISOString() };
    this.deps.store.recordRun(c.id, run);
    return run;
  }

  /** The compartment's repository, made (with a new password, returned once) when it has none. */
  async init(id: string): Promise<{ location: string; password?: string; created: boolean }> {
    const c = this.deps.compartments.get(id);
    const known = this.deps.store.repo(c.id);
    if (known) {
      await this.deps.host.init(c.id, known.location, known.password);
      this.made.add(c.id);
      return { location: known.location, created: false };
    }
    const location = `${await this.deps.host.home(c.id)}/${REPO_DIR}`;
    const password = generateValue('token');
    if ((await this.deps.host.init(c.id, location, password)) === 'exists') {
      throw new ConflictError(
        `${location} holds a restic repository quadletman does not know the password of; move it away first.`,
      );
    }
    this.deps.store.add(c.id, location, password);
    this.made.add(c.id);
    this.scheduleByDefault(c.id);
    return { location, password, created: true };
  }

  /**
   * Sets where the compartment's repository is: a folder, or SFTP (the compartment's SSH key is made and the
   * remote host's keys recorded; the remote user must accept the public key before the first backup). A new
   * password is made; the repository itself is made by the next backup (or `init`). A compartment that has a
   * repository keeps it unless `replace`: then the answer carries the previous location and password, this once,
   * so that its snapshots stay readable with restic.
   */
  async setRepository(
    id: string,
    input: { location: string; replace?: boolean; credentials?: RepositoryCredentials },
  ): Promise<RepositorySet> {
    const c = this.deps.compartments.get(id);
    const location = input.location.trim();
    const parsed = parseRepositoryInput(location, input.credentials);
    return this.locked(c.id, async () => {
      const known = this.deps.store.repo(c.id);
      if (known && !input.replace) {
        throw new ConflictError(
          `Compartment '${c.id}' has a repository at ${known.location}; replace it to use ${location} (its snapshots stay there, and its password is answered once).`,
        );
      }
      const ssh = parsed.kind === 'sftp' ? await this.deps.host.sshSetup(c.id, parsed, true) : {};
      // REST and S3: the credentials go into files of the compartment's own (none are kept for other kinds)
      await this.deps.host.setAccess(c.id, parsed, input.credentials);
      const password = generateValue('token');
      this.deps.store.setRepo(c.id, location, password);
      this.made.delete(c.id);
      this.scheduleByDefault(c.id);
      const out: RepositorySet = { location, kind: parsed.kind, ...ssh, password };
      if (known) out.previous = { location: known.location, password: known.password };
      return out;
    });
  }

  /** Where the compartment's repository is (null: none set or made yet), with its SSH keys for SFTP. */
  async repository(id: string): Promise<RepositoryView | null> {
    const c = this.deps.compartments.get(id);
    const known = this.deps.store.repo(c.id);
    if (!known) return null;
    const parsed = parseRepositoryLocation(known.location);
    if (parsed.kind !== 'sftp') return { location: known.location, kind: parsed.kind };
    return { location: known.location, kind: 'sftp', ...(await this.deps.host.sshSetup(c.id, parsed, false)) };
  }

  private get volumesRoot() {
    return this.deps.volumesRoot ?? DEFAULT_VOLUMES_ROOT;
  }

  /**
   * The compartment's volume folders by name: each declared host volume's folder, each declared Podman volume's
   * data folder (the volume `name` or Quadlet's `systemd-name`); `declared`: every declared volume, with a folder
   * or not (a Podman volume not made yet has none).
   */
  private async volumeDirs(id: CompartmentId): Promise<{ dirs: Map<string, string>; declared: string[] }> {
    const state = this.deps.compartments.stateOrEmpty(id);
    const mounts = new Map((await this.deps.host.podmanVolumes(id)).map((v) => [v.name, v.mountpoint]));
    const dirs = new Map<string, string>();
    for (const [name, v] of Object.entries(state.volumes)) {
      const dir =
        v.kind === 'host'
          ? hostVolumePath(this.volumesRoot, id, name)
          : (mounts.get(name) ?? mounts.get(`systemd-${name}`));
      if (dir) dirs.set(name, dir);
    }
    return { dirs, declared: Object.keys(state.volumes) };
  }

  /** The folders a backup of the compartment holds. */
  private async paths(id: CompartmentId): Promise<{ volumes: string[]; all: string[] }> {
    const volumes = [...(await this.volumeDirs(id)).dirs.values()];
    const home = await this.deps.host.home(id);
    return { volumes, all: [...volumes, `${home}/${QUADLET_DIR}`] };
  }

  /**
   * The volumes a snapshot of `source` holds, by name, whatever the source declares now: its paths that are a
   * host volume folder of the source (`<volumes root>/<source>/<name>`), and the data folders of the source's
   * Podman volumes (`name`, or Quadlet's `systemd-name`).
   */
  private async snapshotVolumes(source: CompartmentId, snap: BackupSnapshot): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const prefix = hostVolumePath(this.volumesRoot, source, '');
    for (const p of snap.paths) {
      const name = p.slice(prefix.length);
      if (p.startsWith(prefix) && name !== '' && !name.includes('/')) out.set(name, p);
    }
    for (const v of await this.deps.host.podmanVolumes(source)) {
      if (snap.paths.includes(v.mountpoint)) out.set(v.name.replace(/^systemd-/, ''), v.mountpoint);
    }
    return out;
  }

  private async runningUnits(id: CompartmentId): Promise<string[]> {
    const units = await this.deps.compartments.units(id, { withStatus: true });
    // the services that run containers (a .volume's or .network's one-shot holds no data)
    const runs = (source: string) => /\.(container|pod|kube)$/.test(source);
    return units.filter((u) => u.status?.activeState === 'active' && runs(u.source)).map((u) => u.unit);
  }

  /** Backs the compartment up now. */
  async run(
    id: string,
    options: { mode?: BackupMode; onProgress?: (p: BackupProgress) => void } = {},
  ): Promise<BackupResult> {
    const c = this.deps.compartments.get(id);
    const mode = options.mode ?? 'stop';
    if (mode !== 'stop' && mode !== 'live' && mode !== 'hook')
      throw new InvalidError(`mode: must be "stop", "live" or "hook", not ${JSON.stringify(mode)}`);
    if (mode === 'hook' && !this.deps.compartments.state(c.id).backupHook)
      throw new InvalidError(
        `mode: "hook" runs the spec's backup hook first, and compartment '${c.id}' declares none (backup: { hook: { unit, exec } })`,
      );
    return this.locked(c.id, () => this.runUnlocked(c.id, mode, options.onProgress));
  }

  private runUnlocked(
    id: CompartmentId,
    mode: BackupMode,
    onProgress?: (p: BackupProgress) => void,
  ): Promise<BackupResult> {
    return this.tracked(id, 'backup', onProgress, (t) => this.backupNow(id, mode, t));
  }

  private async backupNow(id: CompartmentId, mode: BackupMode, t: Tracker): Promise<BackupResult> {
    const c = this.deps.compartments.get(id);
    const known = this.deps.store.repo(c.id);
    const made = known ? undefined : await this.init(c.id);
    // a location set but not used yet: its repository is made now (init answers 'exists' when it is there)
    if (known && !known.newestSnapshotAt && !this.made.has(c.id)) {
      await this.deps.host.init(c.id, known.location, known.password);
      this.made.add(c.id);
    }
    const repo = this.deps.store.repo(c.id)!;
    const { all } = await this.paths(c.id);
    // the revision of the desired state the host runs: the newest applied one
    const revision =
      this.deps.compartments.history(c.id, { limit: 50 }).find((r) => r.result === 'applied')?.number ?? 0;
    const tags = [`compartment=${c.id}`, `revision=${revision}`, `mode=${mode}`];
    if (mode === 'hook') {
      t.stage('hook');
      await this.runHook(c.id);
    }
    const stopped = mode === 'stop' ? await this.runningUnits(c.id) : [];
    let downtimeMs: number | null = null;
    const t0 = Date.now();
    if (stopped.length > 0) {
      t.stage('stopping');
      await this.deps.compartments.control(c.id, 'stop', stopped);
    }
    let summary: BackupSummary;
    const takenAt = this.now().toISOString();
    try {
      t.stage('restic');
      summary = await this.deps.host.backup(c.id, repo.location, repo.password, all, tags, t.status);
      this.deps.store.recordSnapshot(c.id, takenAt);
    } finally {
      if (stopped.length > 0) {
        t.stage('starting');
        await this.deps.compartments.control(c.id, 'start', stopped);
        downtimeMs = Date.now() - t0;
      }
    }
    const out: BackupResult = { compartment: c.id, mode, summary, paths: all, stopped, downtimeMs };
    if (made?.password) out.repository = { location: made.location, password: made.password };
    return out;
  }

  /**
   * The backup before an upgrade of `units`: made when the compartment has a repository and one of the units
   * mounts a declared volume (a raw unit may: it counts as one that does), in the policy's mode (`hook` without
   * a hook in the spec: `stop`). null: none was needed. A failure throws: the upgrade does not go on.
   */
  async beforeUpgrade(id: string, units: readonly string[]): Promise<{ snapshot: string; mode: BackupMode } | null> {
    const c = this.deps.compartments.get(id);
    if (!this.deps.store.repo(c.id)) return null;
    const state = this.deps.compartments.state(c.id);
    const mounts = units.some((name) => {
      const u = Object.hasOwn(state.units, name) ? state.units[name] : undefined;
      if (!u) return false;
      if (u.format === 'text') return Object.keys(state.volumes).length > 0;
      return u.format === 'model' && u.model.type === 'container' && mountedVolumes(state, u.model.container).size > 0;
    });
    if (!mounts) return null;
    const policy = this.deps.store.policy(c.id)?.mode ?? 'stop';
    const mode: BackupMode = policy === 'hook' && !state.backupHook ? 'stop' : policy;
    const r = await this.locked(c.id, () => this.runUnlocked(c.id, mode));
    return { snapshot: r.summary.snapshotId, mode };
  }

  /** The spec's backup hook, in its unit's running container; the backup goes on only when it exits 0. */
  private async runHook(id: CompartmentId): Promise<void> {
    const hook = this.deps.compartments.state(id).backupHook!;
    const unit = hook.unit.replace(/\.container$/, '');
    const r = await this.deps.host.execInContainer(id, unit, hook.exec, HOOK_TIMEOUT_MS);
    if (r.code !== 0) {
      const tail = r.output.trim().split('\n').slice(-5).join(' | ');
      throw new ConflictError(
        `the backup hook in ${hook.unit} (${hook.exec.join(' ')}) exited with ${r.code}; nothing was backed up${tail ? `: ${tail}` : ''}`,
      );
    }
  }

  private repoOf(id: CompartmentId) {
    const r = this.deps.store.repo(id);
    if (!r)
      throw new NotFoundError(
        `Compartment '${id}' has no backup repository yet; \`quadletman backup run ${id}\` makes one.`,
      );
    return r;
  }

  /** The repository (null: none yet) and its snapshots of the compartment. */
  async list(id: string): Promise<{ repository: { location: string } | null; snapshots: BackupSnapshot[] }> {
    const c = this.deps.compartments.get(id);
    const r = this.deps.store.repo(c.id);
    if (!r) return { repository: null, snapshots: [] };
    // a location set but not used yet (an SFTP user that has not accepted the key): no snapshots, not an error
    const snapshots = await this.snapshots(c.id).catch((e: unknown) => {
      if (r.newestSnapshotAt) throw e;
      return [];
    });
    return { repository: { location: r.location }, snapshots };
  }

  async snapshots(id: string): Promise<BackupSnapshot[]> {
    const c = this.deps.compartments.get(id);
    const r = this.repoOf(c.id);
    return (await this.deps.host.snapshots(c.id, r.location, r.password)).filter((s) =>
      s.tags.includes(`compartment=${c.id}`),
    );
  }

  /** `restic check` of the compartment's repository, recorded (the policy's `lastCheck`). */
  async check(id: string): Promise<{ ok: boolean; output: string }> {
    const c = this.deps.compartments.get(id);
    this.repoOf(c.id);
    // restic check locks the repository exclusively: not while a backup, prune or restore of it runs
    return this.locked(c.id, () => this.checkUnlocked(c.id));
  }

  private async checkUnlocked(id: CompartmentId): Promise<{ ok: boolean; output: string }> {
    const r = this.repoOf(id);
    const at = this.now().toISOString();
    const result = await this.deps.host.check(id, r.location, r.password);
    // (its last 20 lines, as restic wrote them)
    const output = result.output.trim().split('\n').slice(-20).join('\n');
    this.deps.store.recordCheck(id, { at, ok: result.ok, output });
    return result;
  }

  /**
   * Restores a snapshot's volumes into the compartment, or with `into` into another one (see the top of this
   * file). The snapshot is the compartment's own; `into` names an existing compartment (the compartment itself:
   * the plain restore).
   */
  async restore(
    id: string,
    snapshot: string,
    options: RestoreOptions & { onProgress?: (p: BackupProgress) => void } = {},
  ): Promise<RestoreResult> {
    const cid = parseCompartmentId(id, 'compartment');
    const c = this.deps.compartments.get(cid);
    checkSnapshotId(snapshot);
    const into =
      options.into === undefined ? c.id : this.deps.compartments.get(parseCompartmentId(options.into, 'into')).id;
    // the source's lock first, then the target's
    return this.locked(into === c.id ? [c.id] : [c.id, into], () =>
      this.tracked(into, 'restore', options.onProgress, (t) => this.restoreUnlocked(c.id, into, snapshot, t)),
    );
  }

  private async restoreUnlocked(
    source: CompartmentId,
    target: CompartmentId,
    snapshot: string,
    t: Tracker,
  ): Promise<RestoreResult> {
    const r = this.repoOf(source);
    // another compartment's user reads the repository: only one in the source's home can be opened to it
    if (target !== source && !r.location.startsWith(`${await this.deps.host.home(source)}/`))
      throw new InvalidError(
        `into: compartment '${source}' keeps its repository at ${r.location}, outside its home; a restore into ` +
          "another compartment reads only a repository in the snapshot's compartment's home",
      );
    const snap = await this.snapshotOf(source, snapshot);
    // the snapshot's volumes and the target's, matched by name
    const held = await this.snapshotVolumes(source, snap);
    const { dirs, declared } = await this.volumeDirs(target);
    const pairs: { from: string; to: string }[] = [];
    const skipped: string[] = [];
    for (const [name, from] of held) {
      const to = dirs.get(name);
      if (to) pairs.push({ from, to });
      else skipped.push(name);
    }
    if (pairs.length === 0) {
      const names = (list: string[]) => (list.length > 0 ? list.join(', ') : 'none');
      throw new InvalidError(
        `snapshot ${snap.shortId} holds the volumes ${names([...held.keys()])}; compartment '${target}' declares ` +
          `${names(declared)}${target === source ? '' : ' (or has not made them yet)'}: nothing to restore into`,
      );
    }
    const t0 = Date.now();
    const home = await this.deps.host.home(target);
    const stamp = this.now().toISOString().replace(/[:.]/g, '-');
    const staging = `${home}/${WORK_DIR}/restore-${stamp}`;
    const aside = `${home}/${WORK_DIR}/restore-previous-${stamp}`;
    // the snapshot first: a snapshot restic cannot read changes nothing
    t.stage('restic');
    await this.stage(source, target, r, snap.id, staging, t.status);
    const running = await this.runningUnits(target);
    const swap = async (dirs: { path: string; staged: string; aside: string }[]) => {
      if (running.length > 0) {
        t.stage('stopping');
        await this.deps.compartments.control(target, 'stop', running);
      }
      try {
        t.stage('swapping');
        await this.deps.host.swapContents(target, dirs);
      } finally {
        if (running.length > 0) {
          t.stage('starting');
          await this.deps.compartments.control(target, 'start', running);
        }
      }
    };
    await swap(pairs.map(({ from, to }, i) => ({ path: to, staged: `${staging}${from}`, aside: `${aside}/${i}` })));
    // the apps answer with the restored data (the compartment's probes), or the previous data goes back
    t.stage('checking');
    const failures = await this.deps.compartments.probe(target);
    if (failures.length > 0) {
      const failed = `${home}/${WORK_DIR}/restore-failed-${stamp}`;
      await swap(pairs.map(({ to }, i) => ({ path: to, staged: `${aside}/${i}`, aside: `${failed}/${i}` })));
      await this.deps.host.removeTrees(target, [staging, aside, failed]);
      throw new ConflictError(
        `the data of snapshot ${snap.shortId} failed compartment '${target}''s probes after the restore ` +
          `(${failures.join('; ')}); the previous data is back in place`,
      );
    }
    await this.deps.host.removeTrees(target, [staging, aside]);
    return {
      compartment: source,
      ...(target === source ? {} : { into: target }),
      snapshot: snap.id,
      restored: pairs.map((p) => p.to),
      skipped,
      restarted: running,
      probes: this.deps.compartments.stateOrEmpty(target).probes.length,
      durationMs: Date.now() - t0,
    };
  }

  /** The compartment's snapshot whose id starts with `snapshot` (NotFoundError: none). */
  private async snapshotOf(id: CompartmentId, snapshot: string): Promise<BackupSnapshot> {
    const snap = (await this.snapshots(id)).find((s) => s.id.startsWith(snapshot));
    if (!snap) throw new NotFoundError(`Compartment '${id}' has no snapshot ${snapshot}.`);
    return snap;
  }

  /**
   * The entries of a folder of one of the compartment's snapshots: `/` answers the folders the snapshot holds;
   * any other path must lie inside one of them.
   */
  async browse(id: string, snapshot: string, path: string): Promise<SnapshotFolder> {
    const c = this.deps.compartments.get(parseCompartmentId(id, 'compartment'));
    checkSnapshotId(snapshot);
    checkSnapshotPath(path);
    const r = this.repoOf(c.id);
    const snap = await this.snapshotOf(c.id, snapshot);
    if (path === '/') {
      const none = { size: null, mode: null, uid: null, gid: null, mtime: null };
      const entries = snap.paths.map((p): SnapshotEntry => ({ name: p, type: 'dir', path: p, ...none }));
      return { snapshot: snap.id, path, entries, truncated: false };
    }
    if (!snap.paths.some((p) => within(path, p)))
      throw new InvalidError(
        `path: ${path} is not inside the folders snapshot ${snap.shortId} holds (${snap.paths.join(', ')})`,
        {
          details: { issues: [{ path: 'path', message: 'not inside the snapshot' }] },
        },
      );
    const listing = await this.deps.host.ls(c.id, r.location, r.password, snap.id, path);
    return { snapshot: snap.id, path, ...listing };
  }

  /**
   * Restores one file or folder of a snapshot over the live one, the units left running: it is restored into a
   * staging folder in the home, then put in place, the version it replaces kept beside it as
   * `<name>.before-restore-<time>`. The path must be inside one of the snapshot's volumes that the compartment still
   * declares (matched by name, as a restore does), below the volume's folder itself.
   */
  async restoreFile(id: string, snapshot: string, path: string): Promise<RestoreFileResult> {
    const c = this.deps.compartments.get(parseCompartmentId(id, 'compartment'));
    checkSnapshotId(snapshot);
    checkSnapshotPath(path);
    return this.locked(c.id, async () => {
      const r = this.repoOf(c.id);
      const snap = await this.snapshotOf(c.id, snapshot);
      const held = await this.snapshotVolumes(c.id, snap);
      const { dirs } = await this.volumeDirs(c.id);
      const outside = (why: string) =>
        new InvalidError(`path: ${path} ${why}`, { details: { issues: [{ path: 'path', message: why }] } });
      const volume = [...held].find(([, from]) => within(path, from));
      if (!volume) throw outside(`is not inside a volume snapshot ${snap.shortId} holds`);
      const [name, from] = volume;
      if (path === from) throw outside('is a whole volume: restore the snapshot to replace a volume');
      const to = dirs.get(name);
      if (!to) throw outside(`is in the volume ${name}, which compartment '${c.id}' no longer declares`);
      const live = `${to}${path.slice(from.length)}`;
      const home = await this.deps.host.home(c.id);
      const stamp = this.now().toISOString().replace(/[:.]/g, '-');
      const staging = `${home}/${WORK_DIR}/restore-file-${stamp}`;
      const previous = `${live}.before-restore-${stamp}`;
      try {
        await this.deps.host.restoreFiles(c.id, r.location, r.password, snap.id, staging, [path]);
        const done = await this.deps.host.putStaged(c.id, { staged: `${staging}${path}`, path: live, previous });
        if (done === 'missing') throw new NotFoundError(`Snapshot ${snap.shortId} holds no ${path}.`);
        return { snapshot: snap.id, path, restored: live, ...(done === 'replaced' ? { previous } : {}) };
      } finally {
        await this.deps.host.removeTrees(c.id, [staging]).catch(() => undefined);
      }
    });
  }

  /**
   * restic restores the snapshot into `staging`, as the target compartment's user. From another compartment's
   * repository (in the source's home, restoreUnlocked checked): made readable to the target's user for this restore
   * only, and opened read-only (no lock). On a failure the staging folder goes: nothing else changed.
   */
  private async stage(
    source: CompartmentId,
    target: CompartmentId,
    repo: { location: string; password: string },
    snapshot: string,
    staging: string,
    onStatus: (status: ResticStatus) => void,
  ): Promise<void> {
    const { host } = this.deps;
    try {
      if (target === source) {
        await host.restore(target, repo.location, repo.password, snapshot, staging, { onStatus });
        return;
      }
      try {
        await host.grantRead(source, target, [repo.location]);
        await host.restore(target, repo.location, repo.password, snapshot, staging, { readOnly: true, onStatus });
      } finally {
        await host.revokeRead(source, target, [repo.location]);
      }
    } catch (e) {
      await host.removeTrees(target, [staging]).catch(() => undefined);
      throw e;
    }
  }
}
