// quadletman's own state backed up with restic, run by root (`quadletman backup self`): a consistent copy of the
// database (SQLite's VACUUM INTO, made while the server runs), the configuration in /etc/quadletman and the edge's
// certificate authority (Caddy's pki folder), into a repository of its own whose location and generated password
// are kept in `<data>/self-backup.json` (root's, 0600; the password is shown once, when the repository is made).
// A restore (`quadletman backup self restore SNAPSHOT`) needs the server stopped: the snapshot is restored into a
// staging folder, its database checked, then each part put in place with the one it replaces kept beside it as
// `<name>.before-restore-<time>`.
// Changes on the machine: writes the key file, a staging folder in the data folder (removed afterwards), the
// repository; a restore renames the database, the configuration files and the pki folder it replaces.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRepositoryLocation, resticRepo } from '../core/backups/location.js';
import { ConflictError, InvalidError, NotFoundError } from '../core/errors.js';
import type { BackupSnapshot, BackupSummary, ResticStatus } from '../core/service/backups.js';
import { checkSnapshotId } from '../core/service/backups.js';
import { generateValue } from '../core/templates/template.js';
import { EDGE_STATE } from './edge-unit.js';
import type { Exec } from './exec.js';
import { parseBackupSummary, parseSnapshots, resticJson, STATUS_ENV } from './restic.js';

export const SELF_KEY_FILE = 'self-backup.json';
export const SELF_TAG = 'quadletman-self';
/** The folder (in the data folder) the database copy is made in, and backed up from. */
export const SELF_STAGE = 'self-backup-stage';
export const CONFIG_DIR = '/etc/quadletman';
export const EDGE_PKI = `${EDGE_STATE}/data/caddy/pki`;
export const SERVER_UNIT = 'quadletman.service';
const DB_NAME = 'quadletman.db';

export interface SelfBackupOptions {
  exec: Exec;
  /** quadletman's data folder (the key file and the staging folders go there). */
  dataDir: string;
  /** The database file. */
  dbPath: string;
  configDir?: string;
  edgePki?: string;
  now?: () => Date;
}

export interface SelfRepository {
  location: string;
  password: string;
  createdAt: string;
}

export interface SelfBackupResult {
  snapshot: string;
  summary: BackupSummary;
  /** What the snapshot holds: the database copy's folder, and the configuration and CA folders found. */
  paths: string[];
  /** Set when this backup made the repository: where, and its password (shown this once). */
  repository?: { location: string; password: string };
}

export interface SelfRestoreResult {
  snapshot: string;
  /** Each part put in place, and where the one it replaced was kept (null: there was none). */
  restored: { path: string; previous: string | null }[];
}

/** What the restored database says of itself: sound or not, and why. */
export type VerifyDatabase = (path: string) => { ok: true } | { ok: false; message: string };

export class SelfBackups {
  private readonly configDir: string;
  private readonly edgePki: string;

  constructor(private readonly o: SelfBackupOptions) {
    this.configDir = o.configDir ?? CONFIG_DIR;
    this.edgePki = o.edgePki ?? EDGE_PKI;
  }

  private now = () => (this.o.now ?? (() => new Date()))();
  private get keyFile() {
    return join(this.o.dataDir, SELF_KEY_FILE);
  }

  /** The repository's location and password (undefined: none set or made yet). */
  async repository(): Promise<SelfRepository | undefined> {
    if (!existsSync(this.keyFile)) return undefined;
    const r = JSON.parse(await readFile(this.keyFile, 'utf8')) as Partial<SelfRepository>;
    if (typeof r.location !== 'string' || typeof r.password !== 'string')
      throw new InvalidError(`${this.keyFile} does not name a repository and its password`);
    return { location: r.location, password: r.password, createdAt: String(r.createdAt ?? '') };
  }

  /**
   * Sets where the repository is (a folder: absolute, on another disk ideally) with a new password. A repository
   * set before is kept unless `replace`.
   */
  async setRepository(location: string, replace = false): Promise<SelfRepository> {
    const l = parseRepositoryLocation(location.trim());
    if (l.kind !== 'local')
      throw new InvalidError(
        `repository: quadletman's own backups go to a folder (a mounted disk, a network share), not ${l.kind} yet`,
      );
    const known = await this.repository();
    if (known && !replace)
      throw new ConflictError(
        `quadletman's own backups go to ${known.location}; replace it to use ${l.path} (its snapshots stay there).`,
      );
    const repo = { location: l.path, password: generateValue('token'), createdAt: this.now().toISOString() };
    await writeFile(this.keyFile, `${JSON.stringify(repo, null, 2)}\n`, { mode: 0o600 });
    await chmod(this.keyFile, 0o600);
    return repo;
  }

  private argv(repo: SelfRepository, args: readonly string[]): string[] {
    return ['restic', '--repo', resticRepo(parseRepositoryLocation(repo.location)), ...args];
  }

  private async init(repo: SelfRepository): Promise<boolean> {
    const cat = await this.o.exec.run(this.argv(repo, ['cat', 'config']), {
      input: `${repo.password}\n`,
      expectCodes: [0, 1, 10],
      timeoutMs: 60_000,
    });
    if (cat.code === 0) return false;
    await this.o.exec.run(this.argv(repo, ['init']), {
      input: `${repo.password}\n${repo.password}\n`,
      timeoutMs: 120_000,
    });
    return true;
  }

  /**
   * Backs quadletman's state up now. `copyDatabase(target)` writes a consistent copy of the database at `target`
   * (Store.copyTo). `tags`: more tags (e.g. the schema's newest migration).
   */
  async run(
    copyDatabase: (target: string) => void,
    options: { tags?: string[]; onStatus?: (status: ResticStatus) => void } = {},
  ): Promise<SelfBackupResult> {
    let repo = await this.repository();
    let made: { location: string; password: string } | undefined;
    if (!repo) {
      repo = await this.setRepository(join(this.o.dataDir, 'self-backups'));
    }
    if (await this.init(repo)) made = { location: repo.location, password: repo.password };
    const stage = join(this.o.dataDir, SELF_STAGE);
    await rm(stage, { recursive: true, force: true });
    await mkdir(stage, { mode: 0o700 });
    try {
      copyDatabase(join(stage, DB_NAME));
      const paths = [stage, ...[this.configDir, this.edgePki].filter((p) => existsSync(p))];
      const tags = [SELF_TAG, ...(options.tags ?? [])];
      const args = ['backup', '--json', '--host', 'quadletman', ...tags.flatMap((t) => ['--tag', t]), '--', ...paths];
      const r = await resticJson(this.o.exec, this.argv(repo, args), repo.password, [0], options.onStatus, {
        env: STATUS_ENV,
      });
      const summary = parseBackupSummary(r.stdout);
      if (!summary) throw new Error('restic backup gave no summary');
      return { snapshot: summary.snapshotId, summary, paths, ...(made ? { repository: made } : {}) };
    } finally {
      await rm(stage, { recursive: true, force: true });
    }
  }

  /** The snapshots of quadletman's own state, oldest first. */
  async snapshots(): Promise<BackupSnapshot[]> {
    const repo = await this.repository();
    if (!repo) return [];
    const r = await this.o.exec.run(this.argv(repo, ['snapshots', '--json', '--tag', SELF_TAG]), {
      input: `${repo.password}\n`,
      timeoutMs: 120_000,
    });
    return parseSnapshots(r.stdout);
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
    const repo = await this.repository();
    if (!repo) throw new NotFoundError(`no backups of quadletman's own state: ${this.keyFile} is missing`);
    const snap = (await this.snapshots()).find((s) => s.id.startsWith(snapshot));
    if (!snap) throw new NotFoundError(`no backup of quadletman's own state ${snapshot}`);
    const stagePath = snap.paths.find((p) => p.endsWith(`/${SELF_STAGE}`));
    if (!stagePath) throw new InvalidError(`snapshot ${snap.shortId} holds no database copy`);
    const stamp = this.now().toISOString().replace(/[:.]/g, '-');
    const staging = join(this.o.dataDir, `self-restore-${stamp}`);
    await mkdir(staging, { mode: 0o700 });
    try {
      await this.o.exec.run(this.argv(repo, ['restore', '--target', staging, '--', snap.id]), {
        input: `${repo.password}\n`,
        timeoutMs: 3_600_000,
      });
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
