// quadletman's own state backed up with restic, run by root (`quadletman backup self`, its daily timer, or the
// privileged helper for the web page): a consistent copy of the database (SQLite's VACUUM INTO, made while the server
// runs), the configuration in /etc/quadletman and the edge's certificate authority (Caddy's pki folder), into a
// repository of its own: a folder, SFTP, a REST server or an S3-compatible store.
// Everything it keeps is root's, in a folder of its own (SELF_STATE_DIR, 0700): the key file (location, generated
// password, a REST or S3 user and secret), the SSH key and known hosts for SFTP, the files restic reads a REST or S3
// repository's address and credentials from, the record of the last run, and the staging folders. Nothing of it is
// in the server's data folder, which the unprivileged server owns and could swap a file in; nor does root open the
// server's database to back it up: the copy is made by the database's owner (cli/commands/self-backup.ts).
// A restore (`quadletman backup self restore SNAPSHOT`) needs the server stopped: the snapshot is restored into a
// staging folder, its database checked, then each part put in place with the one it replaces kept beside it as
// `<name>.before-restore-<time>`.
// Changes on the machine: the state folder and what is in it, the repository; a restore renames the database, the
// configuration files and the pki folder it replaces.
import { existsSync } from 'node:fs';
import { chmod, lchown, lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  parseRepositoryInput,
  parseRepositoryLocation,
  type RepositoryCredentials,
  type RepositoryLocation,
  resticRepo,
  s3CredentialsFile,
} from '../core/backups/location.js';
import { type BackupKeep, DEFAULT_KEEP } from '../core/backups/policy.js';
import { ConflictError, ForbiddenError, InvalidError, lastLines, NotFoundError } from '../core/errors.js';
import type { BackupSnapshot, BackupSummary, ResticStatus } from '../core/service/backups.js';
import { checkSnapshotId } from '../core/service/backups.js';
import { generateValue } from '../core/templates/template.js';
import { EDGE_STATE } from './edge-unit.js';
import type { Exec } from './exec.js';
import { withFileLocks } from './lock.js';
import {
  forgetArgs,
  parseBackupSummary,
  parseForget,
  parseSnapshots,
  parseSshSetup,
  resticJson,
  STATUS_ENV,
  sftpCommand,
  sshSetupArgv,
} from './restic.js';

/** root's folder for quadletman's own backups. */
export const SELF_STATE_DIR = '/var/lib/quadletman-self-backup';
export const SELF_TAG = 'quadletman-self';
/** The folder (in the state folder) the database copy is made in, and backed up from. */
export const SELF_STAGE = 'self-backup-stage';
export const CONFIG_DIR = '/etc/quadletman';
export const EDGE_PKI = `${EDGE_STATE}/data/caddy/pki`;
export const SERVER_UNIT = 'quadletman.service';
/** What the daily backup keeps of quadletman's own snapshots: a compartment's default, and the last 3 whatever their
 * day (backups started by hand on one day are not pruned at once). */
export const SELF_KEEP: BackupKeep = { ...DEFAULT_KEEP, last: 3 };
/** The daily backup of quadletman's own state (`quadletman install` writes it; it does nothing without a repository). */
export const SELF_BACKUP_UNIT = 'quadletman-self-backup';
const DB_NAME = 'quadletman.db';

export interface SelfBackupOptions {
  exec: Exec;
  /** The database file (a restore puts the snapshot's copy there). */
  dbPath: string;
  stateDir?: string;
  configDir?: string;
  edgePki?: string;
  now?: () => Date;
}

export interface SelfRepository {
  location: string;
  password: string;
  createdAt: string;
  /** A REST server's user and password, an S3 access key id and secret. */
  credentials?: RepositoryCredentials;
}

/** The repository as it may be shown: no password, no secret. */
export interface SelfRepositoryView {
  location: string;
  kind: RepositoryLocation['kind'];
  createdAt: string;
  /** REST and S3: the user (access key id) it connects as. */
  user?: string;
  /** SFTP: root's public key (for the remote user's authorized_keys) and the remote host's recorded keys. */
  publicKey?: string;
  hostKeys?: string[];
}

export interface SelfBackupResult {
  snapshot: string;
  summary: BackupSummary;
  /** What the snapshot holds: the database copy's folder, and the configuration and CA folders found. */
  paths: string[];
  /** Set when this backup made the repository: where, and its password (shown this once). */
  repository?: { location: string; password: string };
}

/** The last backup of quadletman's own state, as recorded after it ended (the web page shows it). */
export interface SelfBackupRun {
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  scheduled: boolean;
  snapshot?: string;
  summary?: BackupSummary;
  /** Why it failed: the last lines of what went wrong. */
  error?: string;
  /** Snapshots the retention (SELF_KEEP) removed after it: the timer's runs prune. */
  removed?: number;
}

export interface SelfBackupStatus {
  repository: SelfRepositoryView | null;
  /** Newest first. */
  snapshots: BackupSnapshot[];
  /** Why the snapshots could not be listed (the repository unreachable, say). */
  snapshotsError?: string;
  lastRun: SelfBackupRun | null;
  /** The daily timer: installed and enabled or not, when it runs next, and whether a backup runs now. */
  schedule: { installed: boolean; next: string | null; running: boolean };
}

export interface SelfRestoreResult {
  snapshot: string;
  /** Each part put in place, and where the one it replaced was kept (null: there was none). */
  restored: { path: string; previous: string | null }[];
}

/** What the restored database says of itself: sound or not, and why. */
export type VerifyDatabase = (path: string) => { ok: true } | { ok: false; message: string };

/** A consistent copy of the database written at `target` (a new file in root's staging folder). */
export type CopyDatabase = (target: string) => Promise<void> | void;

export class SelfBackups {
  readonly stateDir: string;
  private readonly configDir: string;
  private readonly edgePki: string;

  constructor(private readonly o: SelfBackupOptions) {
    this.stateDir = o.stateDir ?? SELF_STATE_DIR;
    this.configDir = o.configDir ?? CONFIG_DIR;
    this.edgePki = o.edgePki ?? EDGE_PKI;
  }

  private now = () => (this.o.now ?? (() => new Date()))();
  get keyFile() {
    return join(this.stateDir, 'key.json');
  }
  private get sshDir() {
    return join(this.stateDir, 'ssh');
  }
  private get repositoryFile() {
    return join(this.stateDir, 'repository-url');
  }
  private get s3File() {
    return join(this.stateDir, 's3-credentials');
  }
  private get lastRunFile() {
    return join(this.stateDir, 'last-run.json');
  }
  /** Left by start(): the timer's service runs next because someone asked, not by the clock. */
  private get requestedFile() {
    return join(this.stateDir, 'start-requested');
  }

  /**
   * The state folder, made when missing. One that is a link, is not this process's user's, or that others may
   * write in is refused: what is in it decides where root writes and restores.
   */
  private async ensureStateDir(): Promise<void> {
    const st = await lstat(this.stateDir).catch(() => undefined);
    if (!st) {
      await mkdir(this.stateDir, { recursive: true, mode: 0o700 });
      return;
    }
    if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0)
      throw new ForbiddenError(
        `${this.stateDir} is not a folder of this user's that only it may write in: move it away and run again`,
      );
    if ((st.mode & 0o777) !== 0o700) await chmod(this.stateDir, 0o700);
  }

  /** A file this process's user wrote and only it may read or write, or undefined when there is none. */
  private async ownFile(path: string): Promise<string | undefined> {
    const st = await lstat(path).catch(() => undefined);
    if (!st) return undefined;
    if (!st.isFile() || st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0)
      throw new ForbiddenError(
        `${path} is not a file of this user's, mode 0600: it is not trusted (remove it and set the repository again)`,
      );
    return readFile(path, 'utf8');
  }

  /** The repository's location and password (undefined: none set or made yet). */
  async repository(): Promise<SelfRepository | undefined> {
    const text = await this.ownFile(this.keyFile);
    if (text === undefined) return undefined;
    let r: Partial<SelfRepository>;
    try {
      r = JSON.parse(text) as Partial<SelfRepository>;
    } catch {
      throw new InvalidError(`${this.keyFile} is not JSON: set the repository again`);
    }
    if (typeof r.location !== 'string' || typeof r.password !== 'string')
      throw new InvalidError(`${this.keyFile} does not name a repository and its password`);
    const c = r.credentials;
    return {
      location: r.location,
      password: r.password,
      createdAt: String(r.createdAt ?? ''),
      ...(c && typeof c.user === 'string' && typeof c.secret === 'string'
        ? { credentials: { user: c.user, secret: c.secret } }
        : {}),
    };
  }

  /** The repository as it may be shown (null: none set); SFTP: root's public key and the recorded host keys. */
  async view(repo?: SelfRepository): Promise<SelfRepositoryView | null> {
    const r = repo ?? (await this.repository());
    if (!r) return null;
    const l = parseRepositoryLocation(r.location);
    const ssh = l.kind === 'sftp' ? await this.sshSetup(l, false) : {};
    return {
      location: r.location,
      kind: l.kind,
      createdAt: r.createdAt,
      ...(r.credentials ? { user: r.credentials.user } : {}),
      ...ssh,
    };
  }

  private async sshSetup(l: Extract<RepositoryLocation, { kind: 'sftp' }>, scan: boolean) {
    const r = await this.o.exec.run(sshSetupArgv(this.sshDir, l, 'quadletman-self-backup', scan), {
      timeoutMs: 60_000,
      expectCodes: [0, 3],
    });
    return parseSshSetup(r, l);
  }

  /**
   * Sets where the repository is, with a new password: a folder (absolute, on another disk ideally), `sftp:`
   * (root's own SSH key, made here; the remote host's keys recorded now), `rest:` or `s3:` (with `credentials`:
   * required for S3). A repository set before is kept unless `replace`. Bad input changes nothing.
   */
  async setRepository(
    location: string,
    options: { replace?: boolean; credentials?: RepositoryCredentials } = {},
  ): Promise<SelfRepository & { view: SelfRepositoryView; previousKeyFile?: string }> {
    const l = parseRepositoryInput(location, options.credentials, 'repository');
    const known = await this.repository();
    const shown = l.kind === 'local' ? l.path : location.trim();
    if (known && !options.replace)
      throw new ConflictError(
        `quadletman's own backups go to ${known.location}; replace it to use ${shown} (its snapshots stay there).`,
      );
    await this.ensureStateDir();
    const ssh = l.kind === 'sftp' ? await this.sshSetup(l, true) : {};
    const repo: SelfRepository = {
      location: shown,
      password: generateValue('token'),
      createdAt: this.now().toISOString(),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    };
    // the key file replaced is kept beside (its password still opens the old repository's snapshots)
    let previousKeyFile: string | undefined;
    if (known) {
      previousKeyFile = `${this.keyFile}.replaced-${this.now().toISOString().replace(/[:.]/g, '-')}`;
      await rename(this.keyFile, previousKeyFile);
    }
    await this.writeAccess(l, repo.credentials);
    await this.writePrivate(this.keyFile, `${JSON.stringify(repo, null, 2)}\n`);
    const view: SelfRepositoryView = {
      location: repo.location,
      kind: l.kind,
      createdAt: repo.createdAt,
      ...(repo.credentials ? { user: repo.credentials.user } : {}),
      ...ssh,
    };
    return { ...repo, view, ...(previousKeyFile ? { previousKeyFile } : {}) };
  }

  /** REST and S3: the file restic reads the address from (a REST server's credentials in it), and S3's credentials. */
  private async writeAccess(l: RepositoryLocation, credentials?: RepositoryCredentials): Promise<void> {
    const web = l.kind === 'rest' || l.kind === 's3';
    if (web)
      await this.writePrivate(this.repositoryFile, `${resticRepo(l, l.kind === 'rest' ? credentials : undefined)}\n`);
    else await rm(this.repositoryFile, { force: true });
    if (l.kind === 's3' && credentials) await this.writePrivate(this.s3File, s3CredentialsFile(credentials));
    else await rm(this.s3File, { force: true });
  }

  /** Replaces a file of the state folder whole, mode 0600. */
  private async writePrivate(path: string, text: string): Promise<void> {
    await writeFile(`${path}.new`, text, { mode: 0o600 });
    await chmod(`${path}.new`, 0o600);
    await rename(`${path}.new`, path);
  }

  /** restic's argv and environment for the repository. */
  private command(repo: SelfRepository, args: readonly string[]): { argv: string[]; env: Record<string, string> } {
    const l = parseRepositoryLocation(repo.location);
    const where =
      l.kind === 'rest' || l.kind === 's3'
        ? ['--repository-file', this.repositoryFile]
        : [
            '--repo',
            resticRepo(l),
            ...(l.kind === 'sftp' ? ['-o', `sftp.command=${sftpCommand(this.sshDir, l)}`] : []),
          ];
    const env: Record<string, string> =
      l.kind === 's3' ? { AWS_SHARED_CREDENTIALS_FILE: this.s3File, AWS_PROFILE: 'default' } : {};
    // restic's cache of the repository's index: root's, in the state folder
    return { argv: ['restic', '--cache-dir', join(this.stateDir, 'cache'), ...where, ...args], env };
  }

  private async restic(repo: SelfRepository, args: readonly string[], input: string, codes = [0], timeoutMs = 120_000) {
    const { argv, env } = this.command(repo, args);
    return this.o.exec.run(argv, { input, expectCodes: codes, timeoutMs, env });
  }

  private async init(repo: SelfRepository): Promise<boolean> {
    const cat = await this.restic(repo, ['cat', 'config'], `${repo.password}\n`, [0, 1, 10], 60_000);
    if (cat.code === 0) return false;
    await this.restic(repo, ['init'], `${repo.password}\n${repo.password}\n`);
    return true;
  }

  /**
   * Backs quadletman's state up now. `copyDatabase(target)` writes a consistent copy of the database at `target`
   * (Store.copyTo). `tags`: more tags (e.g. the schema's newest migration). Without a repository one is made in
   * the state folder, unless `scheduled` (then nothing is done: undefined). Every run is recorded (lastRun).
   */
  async run(
    copyDatabase: CopyDatabase,
    options: { tags?: string[]; onStatus?: (status: ResticStatus) => void; scheduled?: boolean } = {},
  ): Promise<SelfBackupResult | undefined> {
    if (!(await this.repository()) && options.scheduled) return undefined;
    await this.ensureStateDir();
    // one run at a time: they share the staging folder
    return withFileLocks([join(this.stateDir, 'run')], () => this.runLocked(copyDatabase, options), {
      timeoutMs: 1000,
    }).catch((e: unknown) => {
      if (e instanceof ConflictError && /is locked by process/.test(e.message))
        throw new ConflictError("a backup of quadletman's own state is under way: wait for it to end");
      throw e;
    });
  }

  private async runLocked(
    copyDatabase: CopyDatabase,
    options: { tags?: string[]; onStatus?: (status: ResticStatus) => void; scheduled?: boolean },
  ): Promise<SelfBackupResult | undefined> {
    let repo = await this.repository();
    if (!repo && options.scheduled) return undefined;
    const startedAt = this.now().toISOString();
    // the timer's service started by start(): a run someone asked for
    const asked = existsSync(this.requestedFile);
    if (asked) await rm(this.requestedFile, { force: true });
    const scheduled = !!options.scheduled && !asked;
    const record = (r: Omit<SelfBackupRun, 'startedAt' | 'finishedAt' | 'scheduled'>) =>
      this.writePrivate(
        this.lastRunFile,
        `${JSON.stringify({ startedAt, finishedAt: this.now().toISOString(), scheduled, ...r })}\n`,
      ).catch(() => undefined);
    const stage = join(this.stateDir, SELF_STAGE);
    let done: BackupSummary | undefined;
    try {
      repo ??= await this.setRepository(join(this.stateDir, 'restic'));
      const made = (await this.init(repo)) ? { location: repo.location, password: repo.password } : undefined;
      await rm(stage, { recursive: true, force: true });
      await mkdir(stage, { mode: 0o700 });
      await copyDatabase(join(stage, DB_NAME));
      const paths = [stage, ...[this.configDir, this.edgePki].filter((p) => existsSync(p))];
      const tags = [SELF_TAG, ...(options.tags ?? [])];
      const args = ['backup', '--json', '--host', 'quadletman', ...tags.flatMap((t) => ['--tag', t]), '--', ...paths];
      const { argv, env } = this.command(repo, args);
      const r = await resticJson(this.o.exec, argv, repo.password, [0], options.onStatus, {
        env: { ...STATUS_ENV, ...env },
      });
      const summary = parseBackupSummary(r.stdout);
      if (!summary) throw new Error('restic backup gave no summary');
      done = summary;
      // the timer's service keeps SELF_KEEP of the snapshots, whether the clock or the page started it (a run by
      // hand at the command line prunes nothing); a listing under way (the page) holds a lock for a moment
      let removed: number | undefined;
      if (options.scheduled) {
        const args = ['--retry-lock', '2m', ...forgetArgs(SELF_TAG, SELF_KEEP)];
        const forgot = await this.restic(repo, args, `${repo.password}\n`, [0], 3_600_000);
        removed = parseForget(forgot.stdout).removed.length;
      }
      await record({ ok: true, snapshot: summary.snapshotId, summary, ...(removed !== undefined ? { removed } : {}) });
      return { snapshot: summary.snapshotId, summary, paths, ...(made ? { repository: made } : {}) };
    } catch (e) {
      const err = e as Error & { stderr?: string };
      const why = lastLines(err.stderr || err.message, 3);
      await record(
        done
          ? {
              ok: false,
              snapshot: done.snapshotId,
              summary: done,
              error: `the backup went through; pruning failed: ${why}`,
            }
          : { ok: false, error: why },
      );
      throw e;
    } finally {
      await rm(stage, { recursive: true, force: true });
    }
  }

  /** The snapshots of quadletman's own state, oldest first. */
  async snapshots(repo?: SelfRepository, options: { noLock?: boolean } = {}): Promise<BackupSnapshot[]> {
    const r = repo ?? (await this.repository());
    if (!r) return [];
    const args = [...(options.noLock ? ['--no-lock'] : []), 'snapshots', '--json', '--tag', SELF_TAG];
    const out = await this.restic(r, args, `${r.password}\n`);
    return parseSnapshots(out.stdout);
  }

  /** The last run, as recorded (null: none yet). */
  async lastRun(): Promise<SelfBackupRun | null> {
    const text = await this.ownFile(this.lastRunFile).catch(() => undefined);
    if (!text) return null;
    try {
      return JSON.parse(text) as SelfBackupRun;
    } catch {
      return null;
    }
  }

  /** Everything the web page shows: the repository, its snapshots (newest first), the last run, the timer. */
  async status(): Promise<SelfBackupStatus> {
    const repo = await this.repository();
    let snapshots: BackupSnapshot[] = [];
    let snapshotsError: string | undefined;
    let view: SelfRepositoryView | null = null;
    if (repo) {
      try {
        view = await this.view(repo);
        // without a lock: a page open during a prune must not make the prune fail
        snapshots = (await this.snapshots(repo, { noLock: true })).reverse();
      } catch (e) {
        const err = e as Error & { stderr?: string };
        snapshotsError = lastLines(err.stderr || err.message, 3);
        view ??= {
          location: repo.location,
          kind: parseRepositoryLocation(repo.location).kind,
          createdAt: repo.createdAt,
        };
      }
    }
    return {
      repository: view,
      snapshots,
      ...(snapshotsError ? { snapshotsError } : {}),
      lastRun: await this.lastRun(),
      schedule: await this.schedule(),
    };
  }

  /** The daily timer's state, from systemd. */
  async schedule(): Promise<SelfBackupStatus['schedule']> {
    const show = await this.o.exec.run([
      'systemctl',
      'show',
      '--property=LoadState,UnitFileState,NextElapseUSecRealtime',
      '--timestamp=utc',
      `${SELF_BACKUP_UNIT}.timer`,
    ]);
    const p = Object.fromEntries(show.stdout.split('\n').map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)]));
    // a oneshot service is `activating` for the whole of its run (`is-active` says no then)
    const service = await this.o.exec.run(
      ['systemctl', 'show', '--property=ActiveState', '--value', `${SELF_BACKUP_UNIT}.service`],
      {},
    );
    // `Sat 2026-12-05 03:41:07 UTC` (--timestamp=utc); empty when the timer is not running
    const m = /(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) UTC$/.exec(p.NextElapseUSecRealtime ?? '');
    const next = m ? Date.parse(`${m[1]}T${m[2]}Z`) : Number.NaN;
    return {
      installed: p.LoadState === 'loaded' && p.UnitFileState === 'enabled',
      next: Number.isFinite(next) ? new Date(next).toISOString() : null,
      running: ['activating', 'active', 'deactivating', 'reloading'].includes(service.stdout.trim()),
    };
  }

  /** Starts a backup now, in the background (the timer's service: the same run as the daily one). */
  async start(): Promise<void> {
    if (!(await this.repository()))
      throw new ConflictError(
        "no repository for quadletman's own backups yet: set one first (`quadletman backup self repository LOCATION`)",
      );
    await this.ensureStateDir();
    await this.writePrivate(this.requestedFile, `${this.now().toISOString()}\n`);
    const r = await this.o.exec
      .run(['systemctl', 'start', '--no-block', `${SELF_BACKUP_UNIT}.service`], {
        expectCodes: [0, 5],
        timeoutMs: 30_000,
      })
      .catch(async (e: unknown) => {
        await rm(this.requestedFile, { force: true });
        throw e;
      });
    if (r.code === 5) {
      await rm(this.requestedFile, { force: true });
      throw new ConflictError(`${SELF_BACKUP_UNIT}.service is not installed: run \`quadletman install\` again`);
    }
  }

  /**
   * Restores a snapshot over quadletman's state: refused while the server runs. Everything is restored into a
   * staging folder first and the database checked (`verify`); only then is each part put in place. A snapshot
   * restic cannot read, or whose database is not sound, changes nothing.
   */
  async restore(snapshot: string, verify: VerifyDatabase): Promise<SelfRestoreResult> {
    checkSnapshotId(snapshot);
    const active = await this.o.exec.run(['systemctl', 'is-active', '--quiet', SERVER_UNIT], {
      expectCodes: [0, 1, 3, 4],
    });
    if (active.code === 0)
      throw new ConflictError(`the server is running: stop it first (systemctl stop ${SERVER_UNIT}), then restore`);
    if ((await this.schedule()).running)
      throw new ConflictError(`${SELF_BACKUP_UNIT}.service is backing up now: wait for it to end, then restore`);
    const repo = await this.repository();
    if (!repo) throw new NotFoundError(`no backups of quadletman's own state: ${this.keyFile} is missing`);
    const snap = (await this.snapshots(repo)).find((s) => s.id.startsWith(snapshot));
    if (!snap) throw new NotFoundError(`no backup of quadletman's own state ${snapshot}`);
    const stagePath = snap.paths.find((p) => p.endsWith(`/${SELF_STAGE}`));
    if (!stagePath) throw new InvalidError(`snapshot ${snap.shortId} holds no database copy`);
    const stamp = this.now().toISOString().replace(/[:.]/g, '-');
    await this.ensureStateDir();
    const staging = join(this.stateDir, `restore-${stamp}`);
    await mkdir(staging, { mode: 0o700 });
    try {
      await this.restic(repo, ['restore', '--target', staging, '--', snap.id], `${repo.password}\n`, [0], 3_600_000);
      const db = `${staging}${stagePath}/${DB_NAME}`;
      const checked = existsSync(db) ? verify(db) : { ok: false as const, message: 'the database copy is missing' };
      if (!checked.ok)
        throw new InvalidError(
          `snapshot ${snap.shortId}: its database is not sound (${checked.message}); nothing changed`,
        );
      const restored: SelfRestoreResult['restored'] = [];
      const place = async (from: string, to: string) => {
        const previous = existsSync(to) ? `${to}.before-restore-${stamp}` : null;
        if (previous) await this.move(to, previous);
        await this.move(from, to);
        restored.push({ path: to, previous });
      };
      // the database: the -wal and -shm files of the one replaced go with it
      for (const suffix of ['-wal', '-shm']) {
        if (existsSync(`${this.o.dbPath}${suffix}`))
          await this.move(`${this.o.dbPath}${suffix}`, `${this.o.dbPath}.before-restore-${stamp}${suffix}`);
      }
      // the database is the server's: owned as its folder is (the server may run as a user of its own), given to
      // that user while still in root's staging folder
      const folder = await stat(dirname(this.o.dbPath));
      await lchown(db, folder.uid, folder.gid);
      await place(db, this.o.dbPath);
      if (snap.paths.includes(this.configDir) && existsSync(`${staging}${this.configDir}`)) {
        await mkdir(this.configDir, { recursive: true, mode: 0o755 });
        for (const name of await readdir(`${staging}${this.configDir}`))
          await place(`${staging}${this.configDir}/${name}`, `${this.configDir}/${name}`);
      }
      if (snap.paths.includes(this.edgePki) && existsSync(`${staging}${this.edgePki}`))
        await place(`${staging}${this.edgePki}`, this.edgePki);
      return { snapshot: snap.id, restored };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** Moves a file or folder (across file systems too: `mv`), owner and mode kept. */
  private async move(from: string, to: string): Promise<void> {
    await this.o.exec.run(['mv', '-T', '--', from, to], { timeoutMs: 600_000 });
  }
}
