/**
 * The CLI's entry point as built (dist/cli/quadletman.cjs, which bin/quadletman runs): runs the CLI bundle
 * dist/cli/app.cjs (cli/main.ts and everything it uses) through the command's code cache (cli/code-cache.ts).
 * It loads nothing but node's own modules, so it costs next to nothing itself. It is built as CommonJS:
 * `__dirname` is the folder it was built into, and its `require` loads from there.
 */
import { join } from 'node:path';
import { cacheKey, runBundle } from './code-cache';

runBundle(join(__dirname, 'app.cjs'), cacheKey(process.argv.slice(2)), require);
