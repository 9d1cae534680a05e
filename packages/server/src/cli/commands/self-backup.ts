/**
 * `backup self [run]`, `backup self repository [LOCATION]`, `backup self snapshots`, `backup self restore SNAPSHOT`:
 * quadletman's own state (its database, /etc/quadletman, the edge's certificate authority) with restic, as root
 * (host/self-backup.ts), to a folder, SFTP, a REST server or S3. `run --scheduled` is the daily timer's: it does
 * nothing until a repository is set, and never prints a password. A restore needs the server stopped; it is written to
 * the audit log of the database it restores.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import type { RepositoryCredentials } from '../../core/backups/location.js';
import { lastLines } from '../../core/errors.js';
import type { BackupSnapshot } from '../../core/service/backups.js';
import { hostExec } from '../../host/exec.js';
import {
  type SelfBackupResult,
  SelfBackups,
  type SelfRestoreResult,
  type VerifyDatabase,
} from '../../host/self-backup.js';
import { DB_FILE, DEFAULT_DATA_DIR } from '../../store/db.js';
import { Store } from '../../store/index.js';
import { MIGRATIONS } from '../../store/migrations/index.js';
import { audited, cliActor, type Format, formatOption, globalOptions, print, table, withApp } from '../context.js';
import { secretFromStdin, UsageError } from '../usage.js';
import { repositoryLines, snapshotRow } from './backups.js';

const SYSTEM_TARGET = 'system:quadletman';

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

function selfBackups(cmd: Command, dbPath?: string): SelfBackups {
  const dataDir = globalOptions(cmd).dataDir ?? DEFAULT_DATA_DIR;
  return new SelfBackups({ exec: hostExec, dataDir, dbPath: dbPath ?? join(dataDir, DB_FILE) });
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
        await withApp(cmd, async (app) => {
          const s = selfBackups(cmd, app.store.path);
          if (opts.scheduled && !opts.repository && !(await s.repository())) {
            print(
              opts.format,
              { skipped: 'no repository' },
              () => "No repository for quadletman's own backups is set: nothing to do.",
            );
            return;
          }
          // the timer's run (by the clock or asked for from the page) fails where nobody watches: it is notified
          const r = await audited(
            app,
            { action: 'backup.self', target: SYSTEM_TARGET },
            async () => {
              if (opts.repository)
                await s.setRepository(opts.repository, {
                  replace: opts.replace === true,
                  ...(credentials ? { credentials } : {}),
                });
              const done = await s.run((target) => app.store.copyTo(target), {
                tags: [`schema=${MIGRATIONS.at(-1)?.tag ?? ''}`],
                scheduled: opts.scheduled === true,
              });
              if (!done) throw new Error('no repository');
              return done;
            },
            (v) => ({ result: 'ok', details: { snapshot: v.snapshot, repositoryMade: !!v.repository } }),
          ).catch((e: unknown) => {
            if (opts.scheduled) {
              const err = e as Error & { stderr?: string };
              app.notifications.emit({
                kind: 'backup-failed',
                compartment: null,
                title: "quadletman's own backup failed",
                message: `the daily backup of quadletman's own state failed: ${lastLines(err.stderr || err.message, 3)}`,
                details: { stage: 'self', error: lastLines(err.stderr || err.message, 3) },
              });
            }
            throw e;
          });
          // the timer's output goes to the journal, which others may read: no password there
          const shown = opts.scheduled && r.repository ? { ...r, repository: undefined } : r;
          print(opts.format, shown, () =>
            [
              ...selfBackupLines(shown),
              ...(opts.scheduled && r.repository ? [`The repository was made; its password is in ${s.keyFile}.`] : []),
            ].join('\n'),
          );
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
      const r = await withApp(cmd, (app) =>
        audited(
          app,
          { action: 'backup.self-repository', target: SYSTEM_TARGET },
          () => s.setRepository(location, { replace: opts.replace === true, ...(credentials ? { credentials } : {}) }),
          (v) => ({ result: 'ok', details: { location: v.location, kind: v.view.kind } }),
        ),
      );
      print(opts.format, { ...r.view, password: r.password }, () =>
        [
          ...repositoryLines(r.view),
          'Its password, shown this once (keep it: it restores quadletman on another host):',
          `  ${r.password}`,
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
