/**
 * Backups with restic: `backup init|run|snapshots|check|restore`. The repository's password is printed once,
 * by the run that made it (init, or the first backup).
 */
import type { Command } from 'commander';
import type { BackupMode } from '../../core/service/backups.js';
import { audited, type Format, formatOption, print, table, withApp } from '../context.js';
import { UsageError } from '../usage.js';

const passwordLines = (r: { location: string; password?: string }) =>
  r.password
    ? [
        `A repository was made at ${r.location}. Its password, shown this once (keep it to restore on another host):`,
        `  ${r.password}`,
      ]
    : [];

export function registerBackups(program: Command): void {
  const b = program.command('backup').description("Back up compartments' volumes with restic, and restore them.");

  b.command('init')
    .description("Make the compartment's backup repository (the first backup does it too).")
    .argument('<id>')
    .addOption(formatOption())
    .action(async (id: string, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const r = await audited(app, { action: 'backup.init', target: `compartment:${id}`, compartment: id }, () =>
          app.backups.init(id),
        );
        print(opts.format, r, () =>
          (r.created ? passwordLines(r) : [`The repository at ${r.location} is there.`]).join('\n'),
        );
      }),
    );

  b.command('run')
    .description('Back the compartment up now: its volumes and its Quadlet folder.')
    .argument('<id>')
    .option('--mode <mode>', 'stop (the units are stopped for the snapshot) or live (crash-consistent)', 'stop')
    .addOption(formatOption())
    .action(async (id: string, opts: { mode: string; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        if (opts.mode !== 'stop' && opts.mode !== 'live') throw new UsageError('--mode: stop or live');
        const r = await audited(
          app,
          { action: 'backup.run', target: `compartment:${id}`, compartment: id, details: { mode: opts.mode } },
          () => app.backups.run(id, { mode: opts.mode as BackupMode }),
        );
        print(opts.format, r, () =>
          [
            ...passwordLines(r.repository ?? { location: '' }),
            `Snapshot ${r.summary.snapshotId.slice(0, 8)}: ${r.summary.totalFiles} files, ${r.summary.totalBytes} bytes ` +
              `(${r.summary.dataAdded} added) in ${r.summary.durationS.toFixed(1)} s.`,
            r.mode === 'stop'
              ? r.stopped.length > 0
                ? `Stopped ${r.stopped.join(', ')} for ${r.downtimeMs} ms.`
                : 'Nothing was running.'
              : 'Live: crash-consistent only.',
          ].join('\n'),
        );
      }),
    );

  b.command('snapshots')
    .description("The compartment's snapshots, oldest first.")
    .argument('<id>')
    .addOption(formatOption())
    .action(async (id: string, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const list = await app.backups.snapshots(id);
        print(opts.format, { snapshots: list }, () =>
          list.length === 0
            ? 'No snapshots yet.'
            : table([['ID', 'TIME', 'TAGS'], ...list.map((s) => [s.shortId, s.time, s.tags.join(' ')])]),
        );
      }),
    );

  b.command('check')
    .description('restic check: the repository is sound.')
    .argument('<id>')
    .addOption(formatOption())
    .action(async (id: string, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const r = await app.backups.check(id);
        print(opts.format, r, () => (r.ok ? 'The repository is sound.' : `restic check failed:\n${r.output}`));
        if (!r.ok) process.exitCode = 1;
      }),
    );

  b.command('restore')
    .description("Restore a snapshot's volumes into the compartment (its units are stopped meanwhile).")
    .argument('<id>')
    .argument('<snapshot>', 'a snapshot id (its first 8 characters are enough)')
    .addOption(formatOption())
    .action(async (id: string, snapshot: string, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const r = await audited(
          app,
          { action: 'backup.restore', target: `compartment:${id}`, compartment: id, details: { snapshot } },
          () => app.backups.restore(id, snapshot),
        );
        print(opts.format, r, () =>
          [
            `Restored ${r.snapshot.slice(0, 8)} into ${r.restored.join(', ')} in ${r.durationMs} ms.`,
            r.restarted.length > 0 ? `Restarted ${r.restarted.join(', ')}.` : 'Nothing was running.',
          ].join('\n'),
        );
      }),
    );
}
