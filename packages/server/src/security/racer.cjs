// @ts-check
// The attacker of the race suite (race.host.test.ts). Runs AS a compartment user and, until SIGTERM, swaps
// folders that quadletman works in for symlinks to a canary tree, and back: every folder below the given
// roots (the home's managed folders and staging, the volume folders' content), one at a time, in random
// order, with short pauses so that some of quadletman's operations get through and go deeper. It also plants
// a staging folder of a "dead" dry run whose subfolder is such a symlink. It prints how many swaps it has made
// every 200 ms (its user may be killed with SIGKILL when the compartment is deleted); on SIGTERM it puts every
// folder back first.
//
// Usage: node racer.cjs CANARY_DIR ROOT...   (ROOTs absolute; a missing one is made and watched too)
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const [canary, ...roots] = process.argv.slice(2);
if (!canary || roots.length === 0) {
  process.stderr.write('usage: racer.cjs CANARY_DIR ROOT...\n');
  process.exit(2);
}
const SUFFIX = '.qm-race';
let swaps = 0;
let stopping = false;
/** @type {Set<string>} folders currently swapped out (original path) */
const swapped = new Set();

/** Every folder below a root (the root too unless it is `keepRoot`), not following symlinks. */
function folders(root, out = /** @type {string[]} */ ([])) {
  let entries;
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const d of entries) {
    if (!d.isDirectory() || d.name.endsWith(SUFFIX)) continue;
    const p = path.join(root, d.name);
    out.push(p);
    folders(p, out);
  }
  return out;
}

function swapOut(dir) {
  try {
    fs.renameSync(dir, dir + SUFFIX);
  } catch {
    return false;
  }
  swapped.add(dir);
  try {
    fs.symlinkSync(canary, dir);
  } catch {
    // quadletman made the folder again in between: it is ours to put back
  }
  swaps++;
  return true;
}

function swapBack(dir) {
  try {
    if (fs.lstatSync(dir).isSymbolicLink()) fs.unlinkSync(dir);
  } catch {
    // gone already
  }
  try {
    fs.renameSync(dir + SUFFIX, dir);
  } catch {
    // quadletman made a new folder there meanwhile: drop the old one
    fs.rmSync(dir + SUFFIX, { recursive: true, force: true });
  }
  swapped.delete(dir);
}

/** A dead dry run's staging folder (pid 1 is never ours) whose content is a symlink to the canary. */
function plantDeadStaging() {
  for (const r of roots) {
    if (!r.endsWith('/.cache/quadletman')) continue;
    const dead = path.join(r, 'dryrun-2147483646-race');
    try {
      fs.mkdirSync(dead, { recursive: true });
      fs.rmSync(path.join(dead, 'inner'), { force: true });
      fs.symlinkSync(canary, path.join(dead, 'inner'));
    } catch {
      // the root is swapped out right now
    }
  }
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function round() {
  plantDeadStaging();
  const all = roots.flatMap((r) => [r, ...folders(r)]);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  for (const dir of all) {
    if (stopping) return;
    if (!swapOut(dir)) continue;
    // a short window with the symlink in place, then the real folder again for a while
    if (Math.random() < 0.5) sleep(Math.random() < 0.9 ? 0 : 1);
    swapBack(dir);
    if (Math.random() < 0.3) sleep(2);
  }
}

let reported = 0;
function report() {
  const now = Date.now();
  if (now - reported < 200) return;
  reported = now;
  process.stdout.write(`${JSON.stringify({ swaps })}\n`);
}

process.on('SIGTERM', () => {
  stopping = true;
});

function loop() {
  if (stopping) {
    for (const d of [...swapped]) swapBack(d);
    process.stdout.write(`${JSON.stringify({ swaps })}\n`);
    process.exit(0);
  }
  for (let i = 0; i < 5 && !stopping; i++) round();
  report();
  sleep(1); // leave the other core to quadletman now and then
  setImmediate(loop);
}
loop();
