/**
 * The CLI's entry point as built (dist/cli/quadletman.mjs, which bin/quadletman runs): runs the CLI bundle
 * dist/cli/app.cjs (cli/main.ts and everything it uses) through the command's code cache (cli/code-cache.ts).
 * It loads nothing but node's own modules, so it costs next to nothing itself.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheKey, runBundle } from './code-cache';

runBundle(join(dirname(fileURLToPath(import.meta.url)), 'app.cjs'), cacheKey(process.argv.slice(2)));
