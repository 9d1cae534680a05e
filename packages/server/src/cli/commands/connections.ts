/**
 * Connections between compartments: `connections` lists every provided service with who uses it; `connections
 * guard` loads the loopback guard now and prints it as the host has it. Connections themselves are declared in the
 * specs (`provides:`, `uses:`) and applied with them.
 */
import type { Command } from 'commander';
import { LINK_ADDRESS } from '../../core/spec-links.js';
import { LoopbackGuard } from '../../host/loopback-guard.js';
import { type Format, formatOption, print, table, withApp } from '../context.js';

export function registerConnections(program: Command): void {
  const c = program
    .command('connections')
    .description('Services compartments provide to each other, who uses them, and the loopback guard.');

  c.command('list', { isDefault: true })
    .description('Every provided service, its loopback port, and the compartments that use it (and as what).')
    .addOption(formatOption())
    .action(async (opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const all = app.links.connections();
        print(opts.format, { enforced: app.links.enforced, address: LINK_ADDRESS, connections: all }, () =>
          [
            all.length === 0
              ? 'No compartment provides a service (spec: provides: { NAME: UNIT:PORT }).'
              : table([
                  ['PROVIDER', 'SERVICE', 'TO', 'PORT', 'USED BY'],
                  ...all.map((x) => [
                    x.provider,
                    x.service,
                    x.to,
                    String(x.port ?? '-'),
                    x.consumers.map((u) => `${u.compartment} (as ${u.as})`).join(', ') || '-',
                  ]),
                ]),
            `Consumers' containers reach them at ${LINK_ADDRESS}:PORT (their <AS>_HOST, _PORT and _ADDR variables).`,
            app.links.enforced
              ? 'The loopback guard refuses every other compartment (connections guard shows it).'
              : 'This process cannot load the loopback guard (it needs root or the helper).',
          ].join('\n'),
        );
      }),
    );

  c.command('guard')
    .description('Load the loopback guard from the store now, and print its nftables table as the host has it.')
    .addOption(formatOption())
    .action(async (opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const outcome = await app.links.sync(0);
        const ports = app.links.desired();
        // reading the table needs root; the server's user gets the guard's ports only
        const listed = await new LoopbackGuard(app.host.exec, app.host.users).list().catch(() => undefined);
        print(opts.format, { outcome, ports, nft: listed ?? null }, () =>
          [
            `The loopback guard: ${outcome}; ${ports.length} guarded port${ports.length === 1 ? '' : 's'}.`,
            ...ports.map(
              (p) =>
                `  ${p.port}  ${p.what}: ${[...p.compartments, ...(p.edge ? ['the edge'] : [])].join(', ')} and root`,
            ),
            ...(listed ? ['', listed.trimEnd()] : []),
          ].join('\n'),
        );
      }),
    );
}
