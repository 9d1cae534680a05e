/**
 * `backup self [run]`, `backup self repository [LOCATION]`, `backup self snapshots`, `backup self restore SNAPSHOT`:
 * quadletman's own state (its database, /etc/quadletman, the edge's certificate authority) with restic, as root
 * (host/self-backup.ts), to a folder, SFTP, a REST server or S3. `run --scheduled` is the daily timer's: it does
 * nothing until a repository is set, and never prints a password. A restore needs the server stopped; it is written to
 * the audit log of the database it restores.
 */
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { RepositoryCredentials } from '../../core/backups/location.js';
import { lastLines } from '../../core/errors.js';
import type { BackupSnapshot } from '../../core/service/backups.js';
import { hostExec } from '../../host/exec.js';
import {
  type CopyDatabase,
  type SelfBackupResult,
  SelfBackups,
  type SelfRestoreResult,
  type VerifyDatabase,
} from '../../host/self-backup.js';
import { DB_FILE, DEFAULT_DATA_DIR } from '../../store/db.js';
import { Store } from '../../store/index.js';
import { MIGRATIONS } from '../../store/migrations/index.js';
import { cliActor, type Format, formatOption, globalOptions, print, table, withApp } from '../context.js';
import { secretFromStdin, UsageError } from '../usage.js';
import { repositoryLines, snapshotRow } from './backups.js';

const SYSTEM_TARGET = 'system:quadletman';
/** Who the timer's runs are recorded as in the audit log. */
const SELF_TIMER_ACTOR = 'quadletman-self-backup.timer';

/** What a backup of quadletman's own state did, for people. */
export function selfBackupLines(r: SelfBackupResult): string[] {
  return [
    ...(r.repository
      ? [
          `A repository for quadletman's own backups was made at ${r.repository.location}. Its password, shown this`,
          'once (keep it: it restores quadletman on another host):',
          `  ${r.repository.password}`,
        ]
      : []),
    `Snapshot ${r.snapshot.slice(0, 8)}: ${r.summary.totalFiles} files, ${r.summary.totalBytes} bytes ` +
      `(${r.summary.dataAdded} added) in ${r.summary.durationS.toFixed(1)} s.`,
    `It holds: ${r.paths.join(', ')}`,
  ];
}

export function selfRestoreLines(r: SelfRestoreResult): string[] {
  return [
    `Restored snapshot ${r.snapshot.slice(0, 8)}:`,
    ...r.restored.map((p) => `  ${p.path}${p.previous ? ` (the one it replaced: ${p.previous})` : ''}`),
    'Start the server again: systemctl start quadletman.service',
  ];
}

function selfBackups(cmd: Command): SelfBackups {
  const dataDir = globalOptions(cmd).dataDir ?? DEFAULT_DATA_DIR;
  return new SelfBackups({ exec: hostExec, dbPath: join(dataDir, DB_FILE) });
}

/**
 * The data folder's owner (the server's user, or root for a server run as root): root does not open the database
 * itself to back it up or to record a run — a file the server owns could be a link to anywhere by then — but runs
 * this CLI again as that user (`runuser`), with the same folders, for the hidden `backup self db-copy` and
 * `backup self record`.
 */
async function asDataOwner(cmd: Command, args: readonly string[]): Promise<string[]> {
  const g = globalOptions(cmd);
  const dataDir = g.dataDir ?? DEFAULT_DATA_DIR;
  const uid = (await stat(dataDir)).uid;
  const owner = (await hostExec.run(['getent', 'passwd', String(uid)])).stdout.split(':')[0];
  if (!owner) throw new Error(`the owner of ${dataDir} (uid ${uid}) is no user`);
  const folders = [
    '--data-dir',
    dataDir,
    ...(g.homesDir ? ['--homes-dir', g.homesDir] : []),
    ...(g.volumesDir ? ['--volumes-dir', g.volumesDir] : []),
  ];
  return ['runuser', '-u', owner, '--', process.execPath, process.argv[1]!, ...folders, ...args];
}

/** The database copied by its owner into `target` (a file root opens in its own staging folder). */
const copyAsOwner =
  (cmd: Command): CopyDatabase =>
  async (target) => {
    const argv = await asDataOwner(cmd, ['backup', 'self', 'db-copy']);
    await hostExec.run(['sh', '-c', 'f=$1; shift; exec "$@" > "$f"', 'sh', target, ...argv], { timeoutMs: 600_000 });
  };

/** What a run of `backup self` did, written to the audit log (and, for a failed timer run, notified) by the owner. */
async function recordAsOwner(
  cmd: Command,
  r: { action: string; ok: boolean; scheduled?: boolean; snapshot?: string; location?: string; error?: string },
): Promise<void> {
  const args = [
    'backup',
    'self',
    'record',
    '--action',
    r.action,
    '--result',
    r.ok ? 'ok' : 'failed',
    '--actor',
    r.scheduled ? SELF_TIMER_ACTOR : cliActor(),
    ...(r.scheduled ? ['--scheduled'] : []),
    ...(r.snapshot ? ['--snapshot', r.snapshot] : []),
    ...(r.location ? ['--location', r.location] : []),
    ...(r.error ? ['--error', r.error.slice(0, 2000)] : []),
  ];
  await hostExec.run(await asDataOwner(cmd, args), { timeoutMs: 120_000 });
}

interface RepositoryOptions {
  replace?: boolean;
  user?: string;
  secretStdin?: boolean;
}

/** --user with --secret-stdin: a REST or S3 user and its secret (read from stdin, never the command line). */
function credentialsOf(opts: RepositoryOptions): RepositoryCredentials | undefined {
  if ((opts.user === undefined) !== (opts.secretStdin !== true))
    throw new UsageError('--user and --secret-stdin go together (the secret on stdin)');
  return opts.user === undefined ? undefined : { user: opts.user, secret: secretFromStdin() };
}

const repositoryOptions = (c: Command) =>
  c
    .option('--replace', 'use this repository instead of the one set before (whose snapshots stay there)')
    .option('--user <user>', "REST: the server's user; S3: the access key id")
    .option('--secret-stdin', 'read the REST password or the S3 secret access key from stdin (never the command line)');

/** The restored database, opened as quadletman opens it (migrated to this version): sound, its audit chain whole. */
export const verifyDatabase: VerifyDatabase = (path) => {
  let store: Store | undefined;
  try {
    store = Store.open({ path });
    const verified = store.audit.verify();
    if (!verified.ok) return { ok: false, message: `its audit log's hash chain is broken: ${verified.reason}` };
    return { ok: true };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  } finally {
    store?.close();
  }
};

export function registerSelfBackup(b: Command): void {
  const self = b
    .command('self')
    .description(
      "quadletman's own state: its database (a consistent copy, made while the server runs), /etc/quadletman and " +
        "the edge's certificate authority, with restic, as root, to a folder, SFTP, a REST server or S3.",
    );

  repositoryOptions(
    self
      .command('run', { isDefault: true })
      .description(
        "Back quadletman's own state up now (without a repository set, the first backup makes one and prints its password).",
      )
      .option('--repository <location>', 'set the repository first (as `backup self repository LOCATION`)'),
  )
    .option('--scheduled', "the daily timer's run: nothing without a repository set, and no password printed")
    .addOption(formatOption())
    .action(
      async (opts: RepositoryOptions & { repository?: string; scheduled?: boolean; format: Format }, cmd: Command) => {
        const credentials = credentialsOf(opts);
        const s = selfBackups(cmd);
        if (opts.scheduled && !opts.repository && !(await s.repository())) {
          print(
            opts.format,
            { skipped: 'no repository' },
            () => "No repository for quadletman's own backups is set: nothing to do.",
          );
          return;
        }
        let r: SelfBackupResult;
        try {
          if (opts.repository)
            await s.setRepository(opts.repository, {
              replace: opts.replace === true,
              ...(credentials ? { credentials } : {}),
            });
          const done = await s.run(copyAsOwner(cmd), {
            tags: [`schema=${MIGRATIONS.at(-1)?.tag ?? ''}`],
            scheduled: opts.scheduled === true,
          });
          if (!done) throw new Error('no repository');
          r = done;
        } catch (e) {
          const err = e as Error & { stderr?: string };
          await recordAsOwner(cmd, {
            action: 'backup.self',
            ok: false,
            scheduled: opts.scheduled === true,
            error: lastLines(err.stderr || err.message, 3),
          }).catch(() => undefined);
          throw e;
        }
        await recordAsOwner(cmd, {
          action: 'backup.self',
          ok: true,
          scheduled: opts.scheduled === true,
          snapshot: r.snapshot,
        });
        // the timer's output goes to the journal, which others may read: no password there
        const shown = opts.scheduled && r.repository ? { ...r, repository: undefined } : r;
        print(opts.format, shown, () =>
          [
            ...selfBackupLines(shown),
            ...(opts.scheduled && r.repository ? [`The repository was made; its password is in ${s.keyFile}.`] : []),
          ].join('\n'),
        );
      },
    );

  // Run as the data folder's owner by `backup self` (never by people): the database's consistent copy on stdout,
  // and the record of a run in the audit log (a failed timer run notified).
  self.command('db-copy', { hidden: true }).action(async (_o: unknown, cmd: Command) => {
    const dataDir = globalOptions(cmd).dataDir ?? DEFAULT_DATA_DIR;
    const store = Store.open({ path: join(dataDir, DB_FILE) });
    const tmp = join(dataDir, `.self-backup-copy-${process.pid}.db`);
    try {
      store.copyTo(tmp);
      await pipeline(createReadStream(tmp), process.stdout);
    } finally {
      store.close();
      await rm(tmp, { force: true });
    }
  });
  self
    .command('record', { hidden: true })
    .requiredOption('--action <action>')
    .requiredOption('--result <result>')
    .requiredOption('--actor <actor>')
    .option('--scheduled')
    .option('--snapshot <id>')
    .option('--location <location>')
    .option('--error <text>')
    .action(
      async (
        o: {
          action: string;
          result: string;
          actor: string;
          scheduled?: boolean;
          snapshot?: string;
          location?: string;
          error?: string;
        },
        cmd: Command,
      ) => {
        if (!['backup.self', 'backup.self-repository'].includes(o.action) || !['ok', 'failed'].includes(o.result))
          throw new UsageError('record: --action backup.self|backup.self-repository, --result ok|failed');
        await withApp(cmd, async (app) => {
          app.store.audit.append({
            actor: o.actor.slice(0, 64),
            actorKind: 'cli',
            address: 'local',
            action: o.action,
            target: SYSTEM_TARGET,
            compartment: null,
            result: o.result as 'ok' | 'failed',
            details: {
              ...(o.scheduled ? { scheduled: true } : {}),
              ...(o.snapshot ? { snapshot: o.snapshot } : {}),
              ...(o.location ? { location: o.location } : {}),
              ...(o.error ? { error: o.error } : {}),
            },
          });
          // the timer's run (by the clock or asked for from the page) fails where nobody watches: it is notified
          if (o.result === 'failed' && o.scheduled)
            app.notifications.emit({
              kind: 'backup-failed',
              compartment: null,
              title: "quadletman's own backup failed",
              message: `the daily backup of quadletman's own state failed: ${o.error ?? 'no message'}`,
              details: { stage: 'self', error: o.error ?? '' },
            });
        });
      },
    );

  repositoryOptions(
    self
      .command('repository')
      .description(
        "Show or set where quadletman's own backups go: an absolute folder (another disk is best), " +
          'sftp:USER@HOST:PATH (root gets an SSH key of its own for it), rest:https://HOST/PATH or s3:https://HOST/BUCKET. ' +
          'Setting one makes a new password, shown once.',
      )
      .argument('[location]'),
  )
    .addOption(formatOption())
    .action(async (location: string | undefined, opts: RepositoryOptions & { format: Format }, cmd: Command) => {
      const credentials = credentialsOf(opts);
      const s = selfBackups(cmd);
      if (location === undefined) {
        const v = await s.view();
        print(opts.format, v, () =>
          v
            ? [...repositoryLines(v), `Set: ${v.createdAt}`, ...(v.user ? [`User: ${v.user}`] : [])].join('\n')
            : "No repository for quadletman's own backups yet: `quadletman backup self repository LOCATION` sets one.",
        );
        return;
      }
      const r = await s
        .setRepository(location, { replace: opts.replace === true, ...(credentials ? { credentials } : {}) })
        .catch(async (e: unknown) => {
          // (not the location as typed: a refused one may hold a user:password@)
          await recordAsOwner(cmd, {
            action: 'backup.self-repository',
            ok: false,
            error: (e as Error).message,
          }).catch(() => undefined);
          throw e;
        });
      await recordAsOwner(cmd, { action: 'backup.self-repository', ok: true, location: r.location });
      print(opts.format, { ...r.view, password: r.password, previousKeyFile: r.previousKeyFile ?? null }, () =>
        [
          ...repositoryLines(r.view),
          'Its password, shown this once (keep it: it restores quadletman on another host):',
          `  ${r.password}`,
          ...(r.previousKeyFile
            ? [`The key file of the repository it replaces (its password) is kept in ${r.previousKeyFile}.`]
            : []),
        ].join('\n'),
      );
    });

  self
    .command('snapshots')
    .description("The snapshots of quadletman's own state.")
    .addOption(formatOption())
    .action(async (opts: { format: Format }, cmd: Command) => {
      const s = selfBackups(cmd);
      const repo = await s.repository();
      const list: BackupSnapshot[] = await s.snapshots();
      print(opts.format, { repository: repo?.location ?? null, snapshots: list }, () =>
        !repo
          ? "No backups of quadletman's own state yet: `quadletman backup self` makes the first."
          : [
              `Repository: ${repo.location}`,
              table([['ID', 'TIME', 'SIZE', 'ADDED', 'TOOK', 'TAGS'], ...list.map(snapshotRow)]),
            ].join('\n'),
      );
    });

  self
    .command('restore')
    .description(
      "Restore quadletman's own state from a snapshot (the server must be stopped): the database, /etc/quadletman " +
        "and the edge's certificate authority; each one replaced is kept beside it (<name>.before-restore-<time>).",
    )
    .argument('<snapshot>', 'a snapshot id (its first 8 characters are enough)')
    .addOption(formatOption())
    .action(async (snapshot: string, opts: { format: Format }, cmd: Command) => {
      const s = selfBackups(cmd);
      const r = await s.restore(snapshot, verifyDatabase);
      // the restore is the first entry of the restored database's audit log
      const restoredDb = r.restored[0]!.path;
      const store = Store.open({ path: restoredDb });
      try {
        store.audit.append({
          actor: cliActor(),
          actorKind: 'cli',
          address: 'local',
          action: 'backup.self-restore',
          target: SYSTEM_TARGET,
          compartment: null,
          result: 'ok',
          details: { snapshot: r.snapshot },
        });
      } finally {
        store.close();
      }
      print(opts.format, r, () => selfRestoreLines(r).join('\n'));
    });
}
