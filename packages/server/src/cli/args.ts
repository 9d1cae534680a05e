/** What the command line asks for, read before any command module is loaded (cli/main.ts, cli/launch.ts). */

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
