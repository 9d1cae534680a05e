/**
 * The CLI's entry point as built (dist/cli/quadletman.cjs, which bin/quadletman runs). It runs one of two
 * bundles through the command's code cache (cli/code-cache.ts): dist/cli/files.cjs for the commands that only
 * read and write unit files (lint, fmt: cli/main-files.ts), dist/cli/app.cjs (cli/main.ts) for the rest.
 * It loads nothing but node's own modules, so it costs next to nothing itself. It is built as CommonJS:
 * `__dirname` is the folder it was built into, and its `require` loads from there.
 */
import { join } from 'node:path';
import { FILE_COMMANDS, requestedCommand } from './args';
import { cacheKey, runBundle } from './code-cache';

const args = process.argv.slice(2);
const command = requestedCommand(args);
const bundle = command !== undefined && FILE_COMMANDS.includes(command) ? 'files.cjs' : 'app.cjs';
runBundle(join(__dirname, bundle), cacheKey(args), require);
