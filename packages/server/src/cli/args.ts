/** What the command line asks for, read before any command module is loaded (cli/run.ts, cli/launch.ts). */

/** The commands of the files bundle (cli/file-commands.ts), which the launcher runs without the rest of the CLI. */
export const FILE_COMMANDS: readonly string[] = ['lint', 'fmt'];

/** The command a run asks for: the first argument that is not a global option (or its value). */
export function requestedCommand(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--data-dir') i++;
    else if (a.startsWith('-')) continue;
    else return a;
  }
  return undefined;
}

/** Commander's argument parser for a repeatable option (`--env A=1 --env B=2`): the values in order. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
