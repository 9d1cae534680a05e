/**
 * The CLI entry point of the commands that only read and write unit files (dist/cli/files.cjs; see
 * cli/file-commands.ts). cli/launch.ts runs it for those commands, and the whole CLI (cli/main.ts) for the rest.
 */
import { FILE_MODULES } from './file-commands';
import { runCli } from './run';

runCli(FILE_MODULES);
