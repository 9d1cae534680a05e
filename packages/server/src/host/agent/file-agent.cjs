// @ts-check
// quadletman's file agent. It runs AS a compartment user (host/user-files.ts starts it through session.ts's
// asUser, with the user's home as its working folder) and does one batch of file operations there.
// Changes on the machine: creates, replaces and removes files and folders below its working folder (the
// compartment's home), with that user's own uid, gid and groups; for a dry run it makes a staging folder
// there, runs the Quadlet generator over it and removes it again.
//
// Why a process of its own: the home and everything in it belongs to the compartment user, who may run code
// (an operator can). A root process that checks a path and then uses it by name can be sent anywhere by a
// folder swapped for a symlink in between. This agent has no more rights than the user, so a symlink can lead
// it only where that user could go anyway. It still refuses paths that leave its folder by their spelling
// (absolute, `..`, empty segments, NUL): a guard against quadletman's own mistakes, not the security boundary.
//
// Protocol: one JSON request on stdin, `{"ops": [op, …]}`; one JSON answer on stdout, `{"results": [r, …]}`, a
// result per op in order. An op that fails gives `{"ok": false, "code", "message"}` and the ops after it are
// not run (`{"ok": false, "code": "SKIPPED"}`). Exit 0 when the request could be read, 2 when it could not.
// Plain CommonJS with no dependencies: node starts it in a few tens of milliseconds, from the sources (tests)
// as from dist/cli/agent/ (the CLI's build copies it there).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_RDONLY, O_DIRECTORY } = fs.constants;

class Refused extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.code = 'EREFUSED';
  }
}

/**
 * The absolute path of `p`, which must be relative to `base` and stay below it by its spelling.
 * @param {string} base
 * @param {unknown} p
 */
function below(base, p) {
  if (typeof p !== 'string' || p === '') throw new Refused(`path ${JSON.stringify(p)} is not a relative path`);
  if (p.includes('\0')) throw new Refused(`path ${JSON.stringify(p)} contains NUL`);
  if (p.startsWith('/')) throw new Refused(`path ${JSON.stringify(p)} is absolute`);
  const segs = p.split('/');
  if (segs.some((s) => s === '..' || s === ''))
    throw new Refused(`path ${JSON.stringify(p)} has a '..' or empty segment`);
  return path.join(base, p);
}

/** @param {unknown} mode @param {number} fallback */
function modeOf(mode, fallback) {
  if (mode === undefined) return fallback;
  if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
    throw new Refused(`bad mode ${JSON.stringify(mode)}`);
  }
  return mode;
}

/** mkdir -p; folders it creates get `mode` (the umask is 0). An existing non-folder on the way is refused.
 * @param {string} base @param {string} abs @param {number} mode */
function mkdirp(base, abs, mode) {
  const rel = path.relative(base, abs);
  let cur = base;
  for (const seg of rel ? rel.split('/') : []) {
    cur = path.join(cur, seg);
    try {
      fs.mkdirSync(cur, mode);
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
      if (!fs.lstatSync(cur).isDirectory()) throw new Refused(`${path.relative(base, cur)} exists and is not a folder`);
    }
  }
}

/** @param {string} dir */
function syncDir(dir) {
  const fd = fs.openSync(dir, O_RDONLY | O_DIRECTORY);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Atomic replace: a fresh temp file beside the target (O_EXCL|O_NOFOLLOW), written, flushed, renamed over it.
 * @param {string} base @param {{path: unknown, text: unknown, mode?: unknown, dirMode?: unknown, durable?: unknown}} op */
function write(base, op) {
  const abs = below(base, op.path);
  if (typeof op.text !== 'string') throw new Refused(`text of ${op.path} is not a string`);
  const mode = modeOf(op.mode, 0o644);
  const durable = op.durable !== false;
  const dir = path.dirname(abs);
  mkdirp(base, dir, modeOf(op.dirMode, 0o755));
  const tmp = path.join(dir, `.${path.basename(abs)}.qm-tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const fd = fs.openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
  try {
    fs.writeFileSync(fd, op.text);
    fs.fchmodSync(fd, mode);
    if (durable) fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, abs); // replaces a symlink at the target itself, never what it points to
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  if (durable) syncDir(dir);
  return {};
}

/** Regular files below each folder (symlinks and other kinds are left out), with their text and mode.
 * @param {string} base @param {{dirs: unknown}} op */
function readTree(base, op) {
  if (!Array.isArray(op.dirs)) throw new Refused('dirs is not a list');
  /** @type {{path: string, text: string, mode: number}[]} */
  const files = [];
  /** @param {string} rel */
  const walk = (rel) => {
    let entries;
    try {
      const abs = below(base, rel);
      if (!fs.lstatSync(abs).isDirectory()) return; // a symlink to a folder is left out like any symlink
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      const code = /** @type {NodeJS.ErrnoException} */ (e).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw e;
    }
    for (const d of entries) {
      const child = `${rel}/${d.name}`;
      if (d.isDirectory()) walk(child);
      else if (d.isFile()) {
        const fd = fs.openSync(below(base, child), O_RDONLY | O_NOFOLLOW);
        try {
          const st = fs.fstatSync(fd);
          if (st.isFile()) files.push({ path: child, text: fs.readFileSync(fd, 'utf8'), mode: st.mode & 0o7777 });
        } finally {
          fs.closeSync(fd);
        }
      }
    }
  };
  for (const d of op.dirs) walk(String(d));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files };
}

/** One regular file's text and mode (not through a symlink at its last component).
 * @param {string} base @param {{path: unknown}} op */
function read(base, op) {
  const fd = fs.openSync(below(base, op.path), O_RDONLY | O_NOFOLLOW);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Refused(`${op.path} is not a regular file`);
    return { text: fs.readFileSync(fd, 'utf8'), mode: st.mode & 0o7777 };
  } finally {
    fs.closeSync(fd);
  }
}

/** @param {string} base @param {{path: unknown, recursive?: unknown}} op */
function remove(base, op) {
  const abs = below(base, op.path);
  if (op.recursive === true) fs.rmSync(abs, { recursive: true, force: true });
  else {
    try {
      fs.unlinkSync(abs);
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'ENOENT') throw e;
    }
  }
  try {
    syncDir(path.dirname(abs));
  } catch {
    // the folder is gone too: nothing to flush
  }
  return {};
}

/** @param {string} base @param {{path: unknown}} op */
function list(base, op) {
  let entries;
  try {
    entries = fs.readdirSync(below(base, op.path), { withFileTypes: true });
  } catch (e) {
    if (/** @type {NodeJS.ErrnoException} */ (e).code === 'ENOENT') return { entries: [] };
    throw e;
  }
  const kind = (/** @type {import('node:fs').Dirent} */ d) =>
    d.isFile() ? 'file' : d.isDirectory() ? 'dir' : d.isSymbolicLink() ? 'symlink' : 'other';
  return {
    entries: entries
      .map((d) => ({ name: d.name, kind: kind(d) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

/** @param {string} base @param {{path: unknown, mode?: unknown}} op */
function mkdir(base, op) {
  mkdirp(base, below(base, op.path), modeOf(op.mode, 0o755));
  return {};
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
  }
}

/**
 * The generator's dry run over exactly `files`: staged in a fresh folder `<stage>/dryrun-<pid>-…`, removed
 * afterwards. Staging folders of agents that died before removing theirs are removed first.
 * @param {string} base
 * @param {{bin: unknown, stage: unknown, files: unknown, args?: unknown, timeoutMs?: unknown}} op
 */
function dryRun(base, op) {
  if (typeof op.bin !== 'string' || !op.bin.startsWith('/')) throw new Refused('bin must be an absolute path');
  const args = op.args === undefined ? ['-dryrun', '-user'] : op.args;
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw new Refused('args is not a list');
  const files = /** @type {Record<string, unknown>} */ (op.files);
  if (typeof files !== 'object' || files === null) throw new Refused('files is not a map');
  const stage = below(base, op.stage);
  mkdirp(base, stage, 0o700);
  for (const d of fs.readdirSync(stage, { withFileTypes: true })) {
    const pid = Number(/^dryrun-(\d+)-/.exec(d.name)?.[1]);
    if (d.isDirectory() && pid && pid !== process.pid && !alive(pid)) {
      fs.rmSync(path.join(stage, d.name), { recursive: true, force: true });
    }
  }
  const dir = fs.mkdtempSync(path.join(stage, `dryrun-${process.pid}-`));
  try {
    for (const [name, text] of Object.entries(files)) {
      if (name.includes('/') || name.startsWith('.') || name === '') throw new Refused(`bad staged file name ${name}`);
      write(dir, { path: name, text, mode: 0o600, durable: false });
    }
    const timeout = typeof op.timeoutMs === 'number' ? op.timeoutMs : 60_000;
    const r = spawnSync(op.bin, args, {
      env: { ...process.env, QUADLET_UNIT_DIRS: dir },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (r.error) throw r.error;
    return { code: r.status ?? -1, signal: r.signal, stdout: r.stdout, stderr: r.stderr, dir };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** @type {Record<string, (base: string, op: any) => object>} */
const OPS = { write, read, 'read-tree': readTree, remove, list, mkdir, 'dry-run': dryRun };

/**
 * Runs a batch of ops below `base`; stops at the first failure.
 * @param {string} base
 * @param {unknown} request
 */
function runBatch(base, request) {
  const ops = /** @type {{ops?: unknown}} */ (request)?.ops;
  if (!Array.isArray(ops)) throw new Refused('the request has no list of ops');
  /** @type {object[]} */
  const results = [];
  let failed = false;
  for (const op of ops) {
    if (failed) {
      results.push({ ok: false, code: 'SKIPPED', message: 'an earlier operation failed' });
      continue;
    }
    try {
      const fn = OPS[op?.op];
      if (!fn) throw new Refused(`unknown operation ${JSON.stringify(op?.op)}`);
      results.push({ ok: true, ...fn(base, op) });
    } catch (e) {
      failed = true;
      const err = /** @type {NodeJS.ErrnoException} */ (e);
      results.push({ ok: false, code: err.code ?? 'EFAIL', message: err.message });
    }
  }
  return { results };
}

module.exports = { runBatch, below };

if (require.main === module) {
  process.umask(0);
  /** @type {Buffer[]} */
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('end', () => {
    let request;
    try {
      request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      process.stderr.write(`file agent: the request is not JSON: ${/** @type {Error} */ (e).message}\n`);
      process.exit(2);
    }
    let answer;
    try {
      answer = runBatch(process.cwd(), request);
    } catch (e) {
      process.stderr.write(`file agent: ${/** @type {Error} */ (e).message}\n`);
      process.exit(2);
    }
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  });
}
