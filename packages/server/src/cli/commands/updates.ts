/**
 * `quadletman updates ID [--check]`: the last update check of each of a compartment's images (the server checks on
 * a schedule), or, with `--check`, a check now: one manifest HEAD per image at its registry, as the compartment
 * user with its logins; nothing is pulled.
 * `quadletman upgrade ID [UNIT...] [--to TAG|DIGEST]`: the gated upgrade with its automatic roll back
 * (core/service/upgrades.ts).
 */
import type { Command } from 'commander';
import { applyAudit, unitsTarget } from '../../core/audit-target.js';
import type { ImageCheckRecord } from '../../core/images/update-check.js';
import type { UpgradeOutcome } from '../../core/service/upgrades.js';
import { applyJson, applyText, outcomeExit, progress } from '../apply-output.js';
import { audited, cliActor, type Format, formatOption, print, table, withApp } from '../context.js';

const short = (digest: string | null | undefined) => (digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '-');

function checksText(rows: readonly ImageCheckRecord[]): string {
  if (rows.length === 0) return '(no update check yet: run with --check)';
  const status = (r: ImageCheckRecord) =>
    r.status === 'update-available' ? 'UPDATE AVAILABLE' : r.status === 'up-to-date' ? 'up to date' : 'unknown';
  return [
    table([
      ['IMAGE', 'STATUS', 'LOCAL', 'REGISTRY', 'CHECKED', 'UNITS'],
      ...rows.map((r) => [
        r.image,
        status(r),
        short(r.localDigests[0]),
        short(r.remoteDigest),
        r.checkedAt.replace(/\.\d+Z$/, 'Z'),
        r.units.join(','),
      ]),
    ]),
    ...rows.filter((r) => r.reason).map((r) => `${r.image}: ${r.reason}`),
  ].join('\n');
}

export function registerUpdates(program: Command): void {
  program
    .command('updates')
    .description("The last update check of a compartment's images; --check checks now (nothing is pulled).")
    .argument('<id>', 'the compartment')
    .option('--check', 'ask each registry now (one manifest HEAD per image, with the logins of the compartment)')
    .addOption(formatOption())
    .action(async (id: string, opts: { check?: boolean; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        // a check changes nothing (it reads the registries): not audited
        const rows = opts.check ? await app.updates.check(id) : app.updates.list(id);
        print(opts.format, rows, () => checksText(rows));
      }),
    );
}

/** The apply text, and what each unit ran before and runs now. */
export function upgradeText(r: UpgradeOutcome): string {
  const images = r.images.map(
    (i) =>
      `  ${i.unit}: ${i.previousImage && i.previousImage !== i.image ? `${i.previousImage} → ` : ''}${i.image} ${short(i.before?.digest || i.before?.id)} → ${short(i.after?.digest || i.after?.id)}`,
  );
  const timing =
    r.failedAt && r.restoredAt
      ? [
          `  back on the previous image ${((r.restoredAt.getTime() - r.failedAt.getTime()) / 1000).toFixed(1)} s after the failed health check`,
        ]
      : [];
  const backup = r.backup ? [`  backed up first: snapshot ${r.backup.snapshot.slice(0, 8)} (${r.backup.mode})`] : [];
  return [applyText(r), ...backup, ...images, ...timing].join('\n');
}

export function registerUpgrade(program: Command): void {
  program
    .command('upgrade')
    .description(
      "Upgrade a compartment's units to newer images: pull (nothing stops meanwhile), restart, health gate (healthy for the settle window), and on failure an automatic roll back to the exact previous image (no pull needed).",
    )
    .argument('<id>', 'the compartment')
    .argument(
      '[units...]',
      'units by file, service or base name (default: every unit whose image comes from a registry)',
    )
    .option('--to <ref>', "a tag of the units' repository, or a digest sha256:… to pin them to")
    .option('--no-backup', 'no backup first (one is made when the compartment has a backup repository)')
    .addOption(formatOption())
    .action(async (id: string, units: string[], opts: { to?: string; backup: boolean; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const r = await audited(
          app,
          {
            action: 'compartment.upgrade',
            target: unitsTarget(id, units),
            compartment: id,
            details: { units, ...(opts.to ? { to: opts.to } : {}), ...(opts.backup ? {} : { backup: false }) },
          },
          () =>
            app.upgrades.upgrade(
              id,
              { units, ...(opts.to ? { to: opts.to } : {}), ...(opts.backup ? {} : { backup: false }) },
              { actor: cliActor(), onProgress: progress(opts.format) },
            ),
          (x) => applyAudit(id, x, unitsTarget(id, units)),
        );
        print(opts.format, { ...applyJson(r), images: r.images, ...(r.backup ? { backup: r.backup } : {}) }, () =>
          upgradeText(r),
        );
        process.exitCode = outcomeExit(r);
      }),
    );
}
