#!/usr/bin/env node
// Bundles quadletman for running: the CLI (dist/quadletman.mjs) and the Quadlet library (dist/quadlet.mjs).
// Written atomically (temp file + rename), so concurrent runs never see a half-written bundle.
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const targets = [
  { entry: 'packages/server/src/cli/main.ts', out: 'dist/quadletman.mjs' },
  { entry: 'packages/quadlet/src/index.ts', out: 'dist/quadlet.mjs' },
];
const only = process.argv[2];
for (const t of targets) {
  if (only && t.out !== only) continue;
  const out = join(root, t.out);
  const stage = mkdtempSync(join(dirname(out), '.build-'));
  const tmp = join(stage, t.out.split('/').pop());
  await build({
    entryPoints: [join(root, t.entry)],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    // commander and friends are CommonJS: give the bundle a require() of its own.
    banner: {
      js: "import { createRequire as __qmCreateRequire } from 'node:module'; const require = __qmCreateRequire(import.meta.url);",
    },
  });
  renameSync(`${tmp}.map`, `${out}.map`);
  renameSync(tmp, out);
  rmSync(stage, { recursive: true, force: true });
}
