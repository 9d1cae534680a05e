/**
 * Registry commands: `registry list ID`, `registry login ID REGISTRY --username U --password-stdin`,
 * `registry logout ID REGISTRY`. A login is the compartment's own (its authfile, as its user); the password is read
 * from stdin only, never from the command line, and reaches no output or audit entry.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { inCompartment } from '../../core/audit-target.js';
import { audited, type Format, formatOption, print, table, withApp } from '../context.js';
import { UsageError } from '../usage.js';

type Login = { registry: string; username: string; declared: boolean; loggedIn: boolean | null };

function loginsText(rows: readonly Login[]): string {
  if (rows.length === 0) return '(no registry logins)';
  const state = (r: Login) => (r.loggedIn === null ? 'unknown' : r.loggedIn ? 'logged in' : 'not logged in');
  return table([['REGISTRY', 'USER', 'STATE'], ...rows.map((r) => [r.registry, r.username, state(r)])]);
}

/** The password from stdin: its first line (a trailing newline, as `echo` adds, is not part of it). */
function passwordFromStdin(): string {
  const text = readFileSync(0, 'utf8');
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new UsageError('no password on stdin');
  return line;
}

export function registerRegistry(program: Command): void {
  const registry = program.command('registry').description("A compartment's registry logins.");

  registry
    .command('list')
    .description('The registries a compartment logs in to, with the user and whether its login is in place.')
    .argument('<id>', 'the compartment')
    .addOption(formatOption())
    .action(async (id: string, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const rows = await app.resources.registries(id);
        print(opts.format, rows, () => loginsText(rows));
      }),
    );

  registry
    .command('login')
    .description(
      'Log the compartment in to a registry (its own authfile); the password is read from stdin. A refused login stores nothing.',
    )
    .argument('<id>', 'the compartment')
    .argument('<registry>', 'host[:port], optionally with a /path')
    .requiredOption('--username <name>', 'the registry user')
    .option('--password-stdin', 'read the password from stdin (the only way: never on the command line)')
    .addOption(formatOption())
    .action(
      async (
        id: string,
        reg: string,
        opts: { username: string; passwordStdin?: boolean; format: Format },
        cmd: Command,
      ) => {
        if (!opts.passwordStdin) throw new UsageError('give the password on stdin with --password-stdin');
        const password = passwordFromStdin();
        await withApp(cmd, async (app) => {
          await audited(
            app,
            {
              action: 'registry.login',
              target: inCompartment(id, 'registry', reg),
              compartment: id,
              details: { registry: reg, username: opts.username },
            },
            () => app.resources.login(id, reg, opts.username, password),
          );
          const rows = await app.resources.registries(id);
          print(opts.format, rows, () => `Logged ${id} in to ${reg} as ${opts.username}.`);
        });
      },
    );

  registry
    .command('logout')
    .description('Log the compartment out of a registry and forget it.')
    .argument('<id>', 'the compartment')
    .argument('<registry>', 'host[:port], optionally with a /path')
    .addOption(formatOption())
    .action(async (id: string, reg: string, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        await audited(
          app,
          {
            action: 'registry.logout',
            target: inCompartment(id, 'registry', reg),
            compartment: id,
            details: { registry: reg },
          },
          () => app.resources.logout(id, reg),
        );
        const rows = await app.resources.registries(id);
        print(opts.format, rows, () => `Logged ${id} out of ${reg}.`);
      }),
    );
}
