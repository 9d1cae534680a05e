/**
 * `quadletman updates ID [--check]`: the last update check of each of a compartment's images (the server checks on
 * a schedule), or, with `--check`, a check now: one manifest HEAD per image at its registry, as the compartment
 * user with its logins; nothing is pulled.
 */
import type { Command } from 'commander';
import type { ImageCheckRecord } from '../../core/images/update-check.js';
import { audited, type Format, formatOption, print, table, withApp } from '../context.js';

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
        const rows = opts.check
          ? await audited(app, { action: 'image.update-check', target: `compartment:${id}`, compartment: id }, () =>
              app.updates.check(id),
            )
          : app.updates.list(id);
        print(opts.format, rows, () => checksText(rows));
      }),
    );
}
