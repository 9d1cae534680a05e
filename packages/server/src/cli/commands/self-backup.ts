/**
 * `backup self [--repository DIR [--replace]]`, `backup self snapshots`, `backup self restore SNAPSHOT`:
 * quadletman's own state (its database, /etc/quadletman, the edge's certificate authority) with restic, as root
 * (host/self-backup.ts). A restore needs the server stopped; it is written to the audit log of the database it
 * restores.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
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
        "the edge's certificate authority, with restic, as root.",
    );

  self
    .command('run', { isDefault: true })
    .description("Back quadletman's own state up now (the first backup makes the repository and prints its password).")
    .option('--repository <dir>', 'the folder of the repository (default: <data>/self-backups; another disk is better)')
    .option('--replace', 'use --repository instead of the one set before (whose snapshots stay there)')
    .addOption(formatOption())
    .action(async (opts: { repository?: string; replace?: boolean; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const s = selfBackups(cmd, app.store.path);
        const r = await audited(
          app,
          { action: 'backup.self', target: SYSTEM_TARGET },
          async () => {
            if (opts.repository) await s.setRepository(opts.repository, opts.replace === true);
            return s.run((target) => app.store.copyTo(target), { tags: [`schema=${MIGRATIONS.at(-1)?.tag ?? ''}`] });
          },
          (v) => ({ result: 'ok', details: { snapshot: v.snapshot, repositoryMade: !!v.repository } }),
        );
        print(opts.format, r, () => selfBackupLines(r).join('\n'));
      }),
    );

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
              table([['SNAPSHOT', 'TIME', 'TAGS'], ...list.map((x) => [x.shortId, x.time, x.tags.join(' ')])]),
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
