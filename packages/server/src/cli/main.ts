/**
 * quadletman's CLI entry point: builds the command tree and maps errors to exit codes.
 * Exit codes: 0 success, 1 the command ran and found a problem (lint errors, failed check), 2 bad usage.
 */
import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit';
import { registerBundles } from './commands/bundles';
import { registerCompartments } from './commands/compartments';
import { registerDoctor } from './commands/doctor';
import { registerExplain } from './commands/explain';
import { registerFmt } from './commands/fmt';
import { registerInstall } from './commands/install';
import { registerLint } from './commands/lint';
import { registerSandbox } from './commands/sandbox';
import { registerServe } from './commands/serve';
import { registerUsers } from './commands/users';
import { exitCodeOf } from './context';
import { UsageError } from './usage';

export function buildProgram(): Command {
  const program = new Command('quadletman')
    .description('A control plane for rootless Podman: compartments of Quadlet units, applied safely.')
    .version('0.1.0')
    .option(
      '--data-dir <dir>',
      'where quadletman keeps its database, volumes and compartment homes (default /var/lib/quadletman)',
    )
    .exitOverride()
    .showHelpAfterError();
  registerCompartments(program);
  registerBundles(program);
  registerLint(program);
  registerFmt(program);
  registerExplain(program);
  registerDoctor(program);
  registerSandbox(program);
  registerServe(program);
  registerAudit(program);
  registerInstall(program);
  registerUsers(program);
  const override = (c: Command) => {
    c.exitOverride().showHelpAfterError();
    for (const sub of c.commands) override(sub);
  };
  for (const c of program.commands) override(c);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`quadletman: ${err.message}\n`);
      return 2;
    }
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return 0;
      return 2;
    }
    process.stderr.write(`quadletman: ${err instanceof Error ? err.message : String(err)}\n`);
    return exitCodeOf(err);
  }
}

main(process.argv).then((code) => process.exit(code));
