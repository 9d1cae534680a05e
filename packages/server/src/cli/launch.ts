/**
 * The CLI's entry point as built (dist/cli/quadletman.cjs, which bin/quadletman runs): runs the CLI bundle
 * dist/cli/app.cjs (cli/main.ts and everything it uses) through the command's code cache (cli/code-cache.ts).
 * It loads nothing but node's own modules, so it costs next to nothing itself. It is built as CommonJS, so
 * `__dirname` is the folder it was built into.
 */
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { cacheKey, runBundle } from './code-cache';

const key = cacheKey(process.argv.slice(2));
// A one-shot command runs its code for a fraction of a second, mostly before V8's optimizing compiler has
// caught up with it: that compiler works through a queue on a background thread. Without inlining it compiles
// a function several times faster, so optimized code arrives sooner; a 2,001-file lint runs about 5 % faster
// (bench:lint), and the background thread does less than half the work. `serve` keeps V8's defaults.
if (key !== undefined) setFlagsFromString('--no-turbo-inlining');
runBundle(join(__dirname, 'app.cjs'), key);
