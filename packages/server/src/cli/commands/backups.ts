/**
 * Backups with restic: `backup init|repository|run|snapshots|ls|check|restore|restore-file|policy|prune`. The repository's password is
 * printed once, by the run that made it (init, or the first backup).
 */
import type { Command } from 'commander';
import { inCompartment } from '../../core/audit-target.js';
import { type BackupKeep, KEEP_FIELDS, type PolicyInput } from '../../core/backups/policy.js';
import { lastLines } from '../../core/errors.js';
import type {
  BackupMode,
  BackupProgress,
  BackupSnapshot,
  PolicyView,
  RepositoryView,
  RestoreFileResult,
  RestoreResult,
  SnapshotFolder,
} from '../../core/service/backups.js';
import { audited, type Format, formatOption, print, table, withApp } from '../context.js';
import { humanBytes } from '../images-output.js';
import { secretFromStdin, UsageError } from '../usage.js';
import { registerSelfBackup } from './self-backup.js';

const STAGES: Record<BackupProgress['stage'], string> = {
  hook: 'running the backup hook',
  stopping: 'stopping the units',
  restic: 'restic starting',
  starting: 'starting the units again',
  swapping: 'putting the restored folders in place',
  checking: "running the compartment's probes",
};

/** A backup or restore under way, on one line: the stage, or restic's percent, files, bytes and time left. */
export function progressLine(p: BackupProgress): string {
  const st = p.status;
  if (p.stage !== 'restic' || !st) return `${p.operation}: ${STAGES[p.stage]}…`;
  const parts = [`${p.operation}: ${st.percent === null ? '?' : st.percent.toFixed(1)}%`];
  if (st.filesDone !== null) parts.push(`${st.filesDone}${st.totalFiles !== null ? `/${st.totalFiles}` : ''} files`);
  if (st.bytesDone !== null)
    parts.push(`${humanBytes(st.bytesDone)}${st.totalBytes !== null ? `/${humanBytes(st.totalBytes)}` : ''}`);
  if (st.secondsRemaining !== null) parts.push(`${Math.round(st.secondsRemaining)} s left`);
  return parts.join(', ');
}

/** On a terminal: the progress, rewritten in place on stderr (`done()` clears it); elsewhere nothing. */
function terminalProgress(): { onProgress?: (p: BackupProgress) => void; done: () => void } {
  if (!process.stderr.isTTY) return { done: () => undefined };
  let shown = false;
  return {
    onProgress: (p) => {
      shown = true;
      process.stderr.write(`\r\x1b[K${progressLine(p).slice(0, (process.stderr.columns ?? 80) - 1)}`);
    },
    done: () => {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

const passwordLines = (r: { location: string; password?: string }) =>
  r.password
    ? [
        `A repository was made at ${r.location}. Its password, shown this once (keep it to restore on another host):`,
        `  ${r.password}`,
      ]
    : [];

/** A repository's location, and for SFTP what the remote side must know. */
export function repositoryLines(v: RepositoryView): string[] {
  const out = [`Repository: ${v.location} (${v.kind})`];
  if (v.publicKey) out.push("Add this key to the remote user's ~/.ssh/authorized_keys:", `  ${v.publicKey}`);
  if (v.hostKeys?.length) out.push("The remote host's keys (check them):", ...v.hostKeys.map((k) => `  ${k}`));
  return out;
}

/** A snapshot as a row: id, time, size, what it added, how long the backup took (`-`: restic kept no summary), tags. */
export function snapshotRow(s: BackupSnapshot): string[] {
  const bytes = (n: number | null | undefined) => (n == null ? '-' : humanBytes(n));
  return [
    s.shortId,
    s.time,
    bytes(s.size),
    bytes(s.added),
    s.durationS == null ? '-' : `${s.durationS.toFixed(1)} s`,
    s.tags.join(' '),
  ];
}

const count = (v: string) => (/^[0-9]+$/.test(v) ? Number(v) : Number.NaN);

/** A policy for people: the schedule, mode, retention, the next run and the last scheduled one. */
export function policyLines(v: PolicyView): string[] {
  const { policy, nextRun, lastRun, lastCheck } = v;
  const keep = policy.keep
    ? KEEP_FIELDS.filter((k) => policy.keep![k] > 0)
        .map((k) => `${k} ${policy.keep![k]}`)
        .join(', ')
    : 'none (every snapshot is kept)';
  const last = !lastRun
    ? 'none yet'
    : lastRun.result === 'ok'
      ? `${lastRun.at}: ok, snapshot ${lastRun.snapshot?.slice(0, 8) ?? '?'}` +
        (lastRun.removed !== undefined ? `, ${lastRun.removed} forgotten, ${lastRun.kept} kept` : '')
      : `${lastRun.at}: FAILED (${lastRun.stage ?? 'backup'}): ${lastRun.error ?? ''}`;
  const check = !lastCheck
    ? 'none yet (a scheduled run checks the repository weekly)'
    : `${lastCheck.at}: ${lastCheck.ok ? 'ok' : `FAILED: ${lastLines(lastCheck.output, 2)}`}`;
  return [
    `Schedule:  ${policy.schedule}${policy.schedule === 'off' ? '' : ' (UTC)'}`,
    `Mode:      ${policy.mode}`,
    `Retention: ${keep}`,
    `Next run:  ${nextRun ?? 'never'}`,
    `Last run:  ${last}`,
    `Checked:   ${check}`,
  ];
}

/** What a restore did, for people: where it went, the folders replaced, the volumes skipped, the units restarted. */
export function restoreLines(r: RestoreResult): string[] {
  return [
    `Restored ${r.snapshot.slice(0, 8)}${r.into ? ` of ${r.compartment} into compartment ${r.into}:` : ' into'} ` +
      `${r.restored.join(', ')} in ${r.durationMs} ms.`,
    ...(r.skipped && r.skipped.length > 0
      ? [`Skipped (not declared by ${r.into ?? r.compartment}): ${r.skipped.join(', ')}.`]
      : []),
    r.restarted.length > 0 ? `Restarted ${r.restarted.join(', ')}.` : 'Nothing was running.',
    ...(r.probes > 0
      ? [`Its ${r.probes === 1 ? 'probe answers' : `${r.probes} probes answer`} with the restored data.`]
      : []),
  ];
}

/** A folder of a snapshot as a table: type, size, mode, owner, time, name. */
export function folderLines(f: SnapshotFolder): string[] {
  if (f.entries.length === 0) return [`${f.path}: empty (or not a folder).`];
  const dash = (v: string | number | null) => (v === null ? '-' : String(v));
  const rows = f.entries.map((e) => [
    e.type,
    dash(e.size),
    dash(e.mode),
    e.uid === null ? '-' : `${e.uid}:${dash(e.gid)}`,
    dash(e.mtime),
    e.type === 'dir' ? `${e.name}/` : e.name,
  ]);
  return [
    table([['TYPE', 'SIZE', 'MODE', 'OWNER', 'MTIME', 'NAME'], ...rows]),
    ...(f.truncated ? [`(only the first ${f.entries.length} entries)`] : []),
  ];
}

/** What a single-file restore did: where it went, and where the version it replaced was kept. */
export function restoreFileLines(r: RestoreFileResult): string[] {
  return [
    `Restored ${r.path} of ${r.snapshot.slice(0, 8)} to ${r.restored}.`,
    r.previous ? `The version it replaced is kept as ${r.previous}.` : 'There was none before.',
  ];
}

export function registerBackups(program: Command): void {
  const b = program.command('backup').description("Back up compartments' volumes with restic, and restore them.");

  b.command('init')
    .description("Make the compartment's backup repository (the first backup does it too).")
    .argument('<id>')
    .addOption(formatOption())
    .action(async (id: string, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const r = await audited(
          app,
          { action: 'backup.init', target: inCompartment(id, 'backups', 'repository'), compartment: id },
          () => app.backups.init(id),
        );
        print(opts.format, r, () =>
          (r.created ? passwordLines(r) : [`The repository at ${r.location} is there.`]).join('\n'),
        );
      }),
    );

  b.command('repository')
    .description(
      "Show or set where the compartment's repository is: a folder, sftp:USER@HOST:PATH, " +
        'sftp://USER@HOST:PORT/PATH, rest:https://HOST:PORT/PATH or s3:https://HOST/BUCKET/PATH.',
    )
    .argument('<id>')
    .argument('[location]')
    .option('--replace', 'replace the repository the compartment has (its snapshots stay where they are)')
    .option('--user <user>', "REST: the server's user; S3: the access key id")
    .option('--secret-stdin', 'read the REST password or the S3 secret access key from stdin (never the command line)')
    .addOption(formatOption())
    .action(
      async (
        id: string,
        location: string | undefined,
        opts: { replace?: boolean; user?: string; secretStdin?: boolean; format: Format },
        cmd: Command,
      ) =>
        withApp(cmd, async (app) => {
          if ((opts.user === undefined) !== (opts.secretStdin !== true))
            throw new UsageError('--user and --secret-stdin go together (the secret on stdin)');
          if (location === undefined) {
            const v = await app.backups.repository(id);
            print(opts.format, v, () =>
              v ? repositoryLines(v).join('\n') : `Compartment '${id}' has no repository yet.`,
            );
            return;
          }
          const r = await audited(
            app,
            {
              action: 'backup.repository',
              target: inCompartment(id, 'backups', 'repository'),
              compartment: id,
              details: { location, replace: opts.replace === true },
            },
            () =>
              app.backups.setRepository(id, {
                location,
                replace: opts.replace === true,
                ...(opts.user !== undefined ? { credentials: { user: opts.user, secret: secretFromStdin() } } : {}),
              }),
          );
          print(opts.format, r, () =>
            [
              ...repositoryLines(r),
              `Its password, shown this once (keep it to restore on another host):`,
              `  ${r.password}`,
              ...(r.previous
                ? [
                    `The repository replaced, ${r.previous.location}, keeps its snapshots; its password:`,
                    `  ${r.previous.password}`,
                  ]
                : []),
              'The next backup makes the repository there.',
            ].join('\n'),
          );
        }),
    );

  b.command('run')
    .description('Back the compartment up now: its volumes and its Quadlet folder.')
    .argument('<id>')
    .option(
      '--mode <mode>',
      "stop (the units are stopped for the snapshot), live (crash-consistent) or hook (the spec's backup hook first)",
      'stop',
    )
    .addOption(formatOption())
    .action(async (id: string, opts: { mode: string; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        if (opts.mode !== 'stop' && opts.mode !== 'live' && opts.mode !== 'hook')
          throw new UsageError('--mode: stop, live or hook');
        const r = await audited(
          app,
          {
            action: 'backup.run',
            target: inCompartment(id, 'backups', 'repository'),
            compartment: id,
            details: { mode: opts.mode },
          },
          async () => {
            const progress = terminalProgress();
            try {
              return await app.backups.run(id, { mode: opts.mode as BackupMode, onProgress: progress.onProgress });
            } finally {
              progress.done();
            }
          },
          (b) => ({
            result: 'ok',
            target: inCompartment(id, 'snapshot', b.summary.snapshotId),
            details: { snapshot: b.summary.snapshotId },
          }),
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
              : r.mode === 'hook'
                ? 'Hook: the backup hook ran first; nothing was stopped.'
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
            : table([['ID', 'TIME', 'SIZE', 'ADDED', 'TOOK', 'TAGS'], ...list.map(snapshotRow)]),
        );
      }),
    );

  b.command('ls')
    .description(
      "The entries of a folder in one of the compartment's snapshots; without PATH, the folders the snapshot holds.",
    )
    .argument('<id>')
    .argument('<snapshot>', 'a snapshot id (its first 8 characters are enough)')
    .argument('[path]', 'an absolute path inside the snapshot', '/')
    .addOption(formatOption())
    .action(async (id: string, snapshot: string, path: string, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const f = await app.backups.browse(id, snapshot, path);
        print(opts.format, f, () => folderLines(f).join('\n'));
      }),
    );

  registerSelfBackup(b);

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
    .description(
      "Restore a snapshot's volumes into the compartment, or with --into into another one's volumes of the same " +
        'names (the units of the compartment restored into are stopped meanwhile).',
    )
    .argument('<id>', 'the compartment the snapshot is of')
    .argument('<snapshot>', 'a snapshot id (its first 8 characters are enough)')
    .option('--into <other>', 'restore into this other existing compartment')
    .addOption(formatOption())
    .action(async (id: string, snapshot: string, opts: { into?: string; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const into = opts.into;
        const r = await audited(
          app,
          {
            action: 'backup.restore',
            target: inCompartment(id, 'snapshot', snapshot),
            compartment: id,
            details: { snapshot, ...(into !== undefined ? { into } : {}) },
          },
          async () => {
            const progress = terminalProgress();
            try {
              return await app.backups.restore(id, snapshot, {
                ...(into !== undefined ? { into } : {}),
                onProgress: progress.onProgress,
              });
            } finally {
              progress.done();
            }
          },
        );
        print(opts.format, r, () => restoreLines(r).join('\n'));
      }),
    );

  b.command('restore-file')
    .description(
      'Restore one file or folder of a snapshot over the live one, the units left running; the version it replaces ' +
        'is kept beside it as <name>.before-restore-<time>.',
    )
    .argument('<id>')
    .argument('<snapshot>', 'a snapshot id (its first 8 characters are enough)')
    .argument('<path>', "its absolute path in the snapshot (inside one of the snapshot's volumes)")
    .addOption(formatOption())
    .action(async (id: string, snapshot: string, path: string, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const r = await audited(
          app,
          {
            action: 'backup.restore-file',
            target: inCompartment(id, 'snapshot', snapshot),
            compartment: id,
            details: { snapshot, path },
          },
          () => app.backups.restoreFile(id, snapshot, path),
        );
        print(opts.format, r, () => restoreFileLines(r).join('\n'));
      }),
    );

  b.command('policy')
    .description(
      "Show or change the compartment's backup policy: when `serve` backs it up, in which mode, and which snapshots " +
        'it keeps (restic forget --prune after each scheduled backup).',
    )
    .argument('<id>')
    .option('--schedule <schedule>', 'off, hourly, hourly :MM, daily HH:MM or weekly DAY HH:MM (UTC; DAY: mon … sun)')
    .option('--off', 'no scheduled backups (as --schedule off)')
    .option('--mode <mode>', 'stop, live or hook, for the scheduled backups')
    .option('--keep-last <n>', 'keep the newest N snapshots (0 … 1000)')
    .option('--keep-daily <n>', 'keep the newest snapshot of each of the last N days')
    .option('--keep-weekly <n>', 'keep the newest snapshot of each of the last N weeks')
    .option('--keep-monthly <n>', 'keep the newest snapshot of each of the last N months')
    .option('--no-keep', 'no retention: every snapshot is kept')
    .addOption(formatOption())
    .action(
      async (
        id: string,
        opts: {
          schedule?: string;
          off?: boolean;
          mode?: string;
          keepLast?: string;
          keepDaily?: string;
          keepWeekly?: string;
          keepMonthly?: string;
          keep: boolean;
          format: Format;
        },
        cmd: Command,
      ) =>
        withApp(cmd, async (app) => {
          if (opts.off && opts.schedule !== undefined) throw new UsageError('--off and --schedule: one or the other');
          const given: Partial<BackupKeep> = {};
          if (opts.keepLast !== undefined) given.last = count(opts.keepLast);
          if (opts.keepDaily !== undefined) given.daily = count(opts.keepDaily);
          if (opts.keepWeekly !== undefined) given.weekly = count(opts.keepWeekly);
          if (opts.keepMonthly !== undefined) given.monthly = count(opts.keepMonthly);
          const keepGiven = Object.keys(given).length > 0;
          if (!opts.keep && keepGiven) throw new UsageError('--no-keep and --keep-…: one or the other');
          const input: PolicyInput = {};
          if (opts.off) input.schedule = 'off';
          else if (opts.schedule !== undefined) input.schedule = opts.schedule;
          if (opts.mode !== undefined) input.mode = opts.mode;
          if (!opts.keep) input.keep = null;
          else if (keepGiven) input.keep = { ...app.backups.policy(id).policy.keep, ...given };
          const change = Object.keys(input).length > 0;
          const v = change
            ? await audited(
                app,
                {
                  action: 'backup.policy',
                  target: inCompartment(id, 'backups', 'policy'),
                  compartment: id,
                  details: { ...input } as Record<string, unknown>,
                },
                async () => app.backups.setPolicy(id, input),
              )
            : app.backups.policy(id);
          print(opts.format, v, () => policyLines(v).join('\n'));
        }),
    );

  b.command('prune')
    .description(
      "Apply the policy's retention now: restic forget --prune of the compartment's snapshots it does not keep.",
    )
    .argument('<id>')
    .addOption(formatOption())
    .action(async (id: string, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const r = await audited(
          app,
          { action: 'backup.prune', target: inCompartment(id, 'backups', 'repository'), compartment: id },
          () => app.backups.prune(id),
          (p) => ({ result: 'ok', details: { removed: p.removed.length, kept: p.kept.length } }),
        );
        print(opts.format, r, () =>
          [
            r.removed.length === 0
              ? 'Nothing to forget.'
              : `Forgot ${r.removed.length} snapshot(s): ${r.removed.map((s) => s.shortId).join(', ')}.`,
            `Kept ${r.kept.length}.`,
          ].join('\n'),
        );
      }),
    );
}
