/**
 * A compartment's images: `images ID` lists them (image, tag, short digest, size, created, the units that use it
 * or `unused`), `images prune ID [--dry-run]` removes those no unit of the desired state and no container uses
 * (audited; exit 1 when Podman refused one). Both take `--format json`.
 */
import type { Command } from 'commander';
import { inCompartment } from '../../core/audit-target.js';
import { audited, type Format, formatOption, print, withApp } from '../context.js';
import { imagesText, pruneText } from '../images-output.js';

export function registerImages(program: Command): void {
  const images = program
    .command('images')
    .description("List a compartment's images and the units that use them; `images prune ID` removes unused ones.")
    .argument('<id>', 'the compartment')
    .addOption(formatOption())
    .action(async (id: string, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const list = await app.images.images(id);
        print(opts.format, list, () => imagesText(list));
      }),
    );

  images
    .command('prune')
    .description('Remove the images no unit of the desired state and no container (running or stopped) uses.')
    .argument('<id>', 'the compartment')
    .option('--dry-run', 'only say what would be removed')
    .action(async (id: string, opts: { dryRun?: boolean }, cmd: Command) =>
      withApp(cmd, async (app) => {
        // --format belongs to `images`, which reads it before and after `prune`
        const format = cmd.optsWithGlobals<{ format: Format }>().format;
        const r = opts.dryRun
          ? await app.images.prune(id, { dryRun: true })
          : await audited(
              app,
              { action: 'image.prune', target: inCompartment(id, 'images', 'unused'), compartment: id },
              () => app.images.prune(id),
              (r) => ({
                result: r.failed.length > 0 ? 'failed' : 'ok',
                details: {
                  removed: r.removed.map((i) => i.names[0] ?? i.id),
                  bytes: r.bytes,
                  ...(r.failed.length > 0
                    ? { failed: r.failed.map((f) => ({ image: f.image.names[0] ?? f.image.id, error: f.error })) }
                    : {}),
                },
              }),
            );
        print(format, r, () => pruneText(r));
        if (r.failed.length > 0) process.exitCode = 1;
      }),
    );
}
