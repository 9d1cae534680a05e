#!/usr/bin/env node
// Bundles quadletman for running: the CLI into dist/cli/ (app.cjs, files.cjs and their launcher quadletman.cjs)
// and the Quadlet library into dist/quadlet.mjs. Each output is built in a staging folder and swapped in
// with renames, so a concurrent run never sees a half-written bundle.
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
// zod re-exports its ~70 message locales as `z.locales`; quadletman speaks English only, so the bundle keeps
// just `en` (loading the rest cost a third of zod's code on every CLI run).
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'zod-english-only' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: root,
    }));
  },
};

// commander loads node:child_process as it loads, for subcommands that are programs of their own; quadletman
// has none. Loaded eagerly, it brings node's net and stream modules into every command's start (cli/output.ts).
// The bundle loads it when commander would spawn such a program.
const commanderLazyChildProcess = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!text.includes(eager)) throw new Error(`${args.path}: no "${eager}" to make lazy; has commander changed?`);
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: text.replace(eager, lazy), loader: 'js' };
    });
  },
};

const common = {
  plugins: [zodEnglishOnly, commanderLazyChildProcess],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // Smaller bundles parse and compile faster: most of a short CLI run is loading code. Names are not kept
  // (keepNames wraps every closure in a defineProperty call, which doubled the linter's time); error classes
  // spell out their names instead.
  minify: true,
  // Packages with native addons stay in node_modules. better-sqlite3 is bundled (its JavaScript then loads from
  // the code cache); store/db.ts gives it the path of its addon.
  external: ['authenticate-pam', 'node-pty', '@node-rs/*'],
};
// CommonJS dependencies (commander…) need a require() of their own inside an ES module.
const esmRequire = {
  js: "import { createRequire as __qmRequire } from 'node:module'; const require = __qmRequire(import.meta.url);",
};

const targets = {
  cli: async (stage) => {
    // The CLI is CommonJS bundles, so that its launcher can compile them with a V8 code cache
    // (cli/code-cache.ts; node 20 has none for ES modules): app.cjs holds every command, files.cjs only those
    // that read and write unit files (lint, fmt), a tenth of the code to load. Commands are still loaded
    // lazily: each command's module is evaluated only when its command runs, and the cache holds only what
    // that command compiled.
    for (const [entry, out] of [
      ['main.ts', 'app.cjs'],
      ['main-files.ts', 'files.cjs'],
    ]) {
      const { metafile } = await build({
        ...common,
        entryPoints: [join(root, 'packages/server/src/cli', entry)],
        outfile: join(stage, out),
        format: 'cjs',
        define: { 'import.meta.url': '__qmImportMetaUrl' },
        banner: { js: "var __qmImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
        // Dependencies' license comments go to <bundle>.LEGAL.txt: they may hold non-ASCII names.
        legalComments: 'external',
        metafile: true,
      });
      // The launcher runs a bundle as a script (vm.Script), which has no dynamic import(): an import() of a
      // module left outside the bundle (node's own, an addon) would fail only when that line runs.
      for (const o of Object.values(metafile.outputs)) {
        const dynamic = o.imports.filter((i) => i.kind === 'dynamic-import' && i.external).map((i) => i.path);
        if (dynamic.length > 0) {
          throw new Error(`dist/cli/${out}: import() of ${dynamic.join(', ')}; use require (createRequire) instead`);
        }
      }
      // The launcher reads a bundle as Latin-1, which is exact for ASCII text and twice as fast as decoding
      // UTF-8 (a bundle with any other character would be read as a different text).
      const bundle = readFileSync(join(stage, out));
      const at = bundle.findIndex((b) => b > 0x7f);
      if (at >= 0) {
        const line = bundle.subarray(0, at).toString('latin1').split('\n').length;
        throw new Error(
          `dist/cli/${out} line ${line}: a non-ASCII character; write it as an escape (\\uXXXX) in the source`,
        );
      }
    }
    // The agents run as a compartment user, each a process of its own (host/user-files.ts and
    // host/registry-check.ts find them beside the bundle): copied as they are, readable by every user.
    mkdirSync(join(stage, 'agent'), { mode: 0o755 });
    chmodSync(join(stage, 'agent'), 0o755);
    for (const agent of ['file-agent.cjs', 'registry-agent.cjs']) {
      copyFileSync(join(root, 'packages/server/src/host/agent', agent), join(stage, 'agent', agent));
      chmodSync(join(stage, 'agent', agent), 0o644);
    }
    // The launcher is CommonJS too: node starts an ES module entry point through its ESM loader, a few
    // milliseconds more on every command.
    await build({
      ...common,
      entryPoints: [join(root, 'packages/server/src/cli/launch.ts')],
      outfile: join(stage, 'quadletman.cjs'),
      format: 'cjs',
      sourcemap: false,
    });
  },
  quadlet: async (stage) =>
    build({
      ...common,
      banner: esmRequire,
      entryPoints: [join(root, 'packages/quadlet/src/index.ts')],
      outfile: join(stage, 'quadlet.mjs'),
    }),
};

mkdirSync(dist, { recursive: true });
const only = process.argv[2];
for (const [name, run] of Object.entries(targets)) {
  if (only && only !== name) continue;
  const stage = mkdtempSync(join(dist, `.build-${name}-`));
  chmodSync(stage, 0o755); // mkdtemp makes it private; the CLI is for every user of the machine
  try {
    await run(stage);
  } catch (e) {
    rmSync(stage, { recursive: true, force: true }); // a failed build leaves nothing behind
    throw e;
  }
  if (name === 'cli') {
    const out = join(dist, 'cli');
    const old = `${out}.old-${process.pid}`;
    if (existsSync(out)) renameSync(out, old);
    renameSync(stage, out);
    rmSync(old, { recursive: true, force: true });
  } else {
    renameSync(join(stage, 'quadlet.mjs.map'), join(dist, 'quadlet.mjs.map'));
    renameSync(join(stage, 'quadlet.mjs'), join(dist, 'quadlet.mjs'));
    rmSync(stage, { recursive: true, force: true });
  }
}
