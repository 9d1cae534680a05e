/**
 * The CLI's V8 code cache. A short command spends much of its time compiling its own code: node 20 parses and
 * compiles a bundle afresh on every run. The launcher (cli/launch.ts) compiles the bundle with the bytecode a
 * previous run of the same command left in `cache/` beside it, so a command compiles its code once per build.
 *
 * - One cache per command (`lint`, `apply`, `compartment`…): a cache holds the functions its run compiled.
 * - A cache is written at the end of a run that had none, or whose cache V8 turned down (another node
 *   binary, other V8 flags), and only when the run ended with 0 or 1 (it did its work, not a usage error).
 *   It is written to a temporary file and renamed, so a reader never sees half of one.
 * - Its name carries the bundle's inode, size and mtime. A build never changes a bundle in place (it swaps the
 *   whole folder), so these name one exact text: a cache can never meet code other than its own.
 * - No cache for `serve` (started once, long-running, with flags of its own), for help, when node loads
 *   source maps (stack traces then come from the module loader), or with QUADLETMAN_CODE_CACHE=0.
 *   Anything that fails around a cache (a read-only install, a full disk) just runs without one.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { requestedCommand } from './args';

/** The cache a run uses: its command's, or none. */
export function cacheKey(args: readonly string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.QUADLETMAN_CODE_CACHE === '0') return undefined;
  if (args.some((a) => a === '-h' || a === '--help')) return undefined;
  const command = requestedCommand(args);
  if (command === undefined) return args.some((a) => a === '-V' || a === '--version') ? 'version' : undefined;
  if (command === 'serve' || command === 'help' || !/^[a-z][a-z-]{0,31}$/.test(command)) return undefined;
  return command;
}

/** The cache file for `key` of the bundle whose fstat is `st`. */
export function cacheFile(bundle: string, key: string, st: { ino: number; size: number; mtimeMs: number }): string {
  return join(dirname(bundle), 'cache', `${key}-${st.ino}-${st.size}-${Math.trunc(st.mtimeMs)}.bin`);
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function save(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch {
    try {
      rmSync(tmp, { force: true }); // no half-written file left behind
    } catch {}
  }
}

// The CommonJS wrapper on a line of its own (lineOffset -1), so positions in stack traces are the bundle's own.
const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';

/**
 * Runs a CommonJS bundle as the main program, through the code cache of `key` when there is one. `load` is
 * the `require` of a module in the bundle's folder (the launcher's own: node's `createRequire` would load
 * node's ES module loader as well, a few milliseconds of every command).
 */
export function runBundle(bundle: string, key: string | undefined, load: NodeJS.Require): void {
  if (key === undefined || process.sourceMapsEnabled) {
    load(bundle);
    return;
  }
  const fd = openSync(bundle, 'r');
  let source: string;
  let file: string;
  try {
    file = cacheFile(bundle, key, fstatSync(fd));
    source = readFileSync(fd, 'latin1'); // the build makes sure the bundle is ASCII (scripts/build.mjs)
  } finally {
    closeSync(fd);
  }
  const cachedData = readIfThere(file);
  const script = new Script(`${WRAP_HEAD}${source}\n})`, { filename: bundle, lineOffset: -1, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', (code) => {
      if (code === 0 || code === 1) save(file, script.createCachedData());
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, load, module, bundle, dirname(bundle));
}
