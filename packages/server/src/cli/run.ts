/**
 * The CLI's run: builds the command tree from the command modules an entry point gives, parses the command
 * line, maps errors to exit codes, and exits once the output is out.
 * Exit codes: 0 success, 1 the command ran and found a problem (lint errors, failed check, failed apply), 2 bad
 * usage or invalid input, 3 not found, 4 conflict, 5 forbidden (see context.ts).
 *
 * Commands are loaded on demand: a run evaluates only the module of the command it was given (the bundle wraps
 * each lazily imported module), so `quadletman lint` does not load the store, the HTTP server or zod. Help
 * without a command loads them all.
 */
import { Command, CommanderError } from 'commander';
import { requestedCommand } from './args';
import { exitCodeOf } from './context';
import { err, openStreams, out } from './output';
import { UsageError } from './usage';

type Register = (program: Command) => void;

/** A command module and the top-level commands it registers. */
export interface CommandModule {
  commands: readonly string[];
  load: () => Promise<Register>;
}

export async function buildProgram(modules: readonly CommandModule[], args: readonly string[] = []): Promise<Command> {
  const program = new Command('quadletman')
    .description('A control plane for rootless Podman: compartments of Quadlet units, applied safely.')
    .version('0.1.0')
    .option(
      '--data-dir <dir>',
      'where quadletman keeps its database (default: what `quadletman install` recorded in /etc/quadletman/layout.json, else /var/lib/quadletman)',
    )
    .option(
      '--homes-dir <dir>',
      'where compartment homes are made (default: the installed layout, else <data dir>/home)',
    )
    .option(
      '--volumes-dir <dir>',
      'where managed host volumes are made (default: the installed layout, else <data dir>/volumes)',
    );
  const wanted = requestedCommand(args);
  const only = modules.find((m) => wanted !== undefined && m.commands.includes(wanted));
  // `help` and unknown commands need the whole tree (to list it, or to say what exists); `--version` none.
  const versionOnly = wanted === undefined && args.some((a) => a === '-V' || a === '--version');
  for (const m of only ? [only] : versionOnly ? [] : modules) (await m.load())(program);
  // every command, the root included: errors are thrown to main(), and output goes through cli/output.ts
  const override = (c: Command) => {
    c.exitOverride().showHelpAfterError().configureOutput({ writeOut: out, writeErr: err });
    for (const sub of c.commands) override(sub);
  };
  override(program);
  return program;
}

async function main(modules: readonly CommandModule[], argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(modules, argv.slice(2));
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`quadletman: ${e.message}\n`);
      return 2;
    }
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return 0;
      return 2;
    }
    err(`quadletman: ${e instanceof Error ? e.message : String(e)}\n`);
    return exitCodeOf(e);
  }
}

/**
 * Exits once the standard streams in use have written everything (cli/output.ts writes synchronously, but
 * node writes to a pipe through a stream asynchronously). A reader that went away (`| head`) ends the wait too.
 */
function exitWhenFlushed(code: number): void {
  const flushed = (stream: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => {
      stream.once('error', () => resolve());
      stream.write('', () => resolve());
    });
  Promise.all(openStreams().map(flushed)).then(() => process.exit(code));
}

/** Runs the CLI with `modules` (an entry point's command modules) on this process's command line. */
export function runCli(modules: readonly CommandModule[]): void {
  // bin/quadletman hands NODE_EXTRA_CA_CERTS over under another name, so that node does not parse the
  // certificates at start; the processes the CLI starts get it back as it was.
  const handedOver = process.env.QUADLETMAN_NODE_EXTRA_CA_CERTS;
  if (handedOver !== undefined) {
    process.env.NODE_EXTRA_CA_CERTS = handedOver;
    delete process.env.QUADLETMAN_NODE_EXTRA_CA_CERTS;
  }
  main(modules, process.argv).then(exitWhenFlushed);
}
