// Cross-process file locks. Changes on the machine: creates and removes `<file>.lock` (and a short-lived
// `<file>.<pid>` temp) next to the file it protects.
//
// The protocol is shadow-utils' own (commonio_lock): write our PID to a temp file, link(2) it to
// `<file>.lock` (atomic, fails with EEXIST when held), and treat a lock whose PID is no longer alive as
// stale. Using the same lock names as shadow means that while we edit /etc/subuid, `useradd`/`usermod`
// wait for us, and we wait for them.

import * as fsp from 'node:fs/promises';
import { ConflictError } from '../core/errors.js';

export interface LockOptions {
  /** Give up after this long (ms). Default 15 s. */
  timeoutMs?: number;
  /** Poll interval while the lock is held by another live process. Default 50 ms. */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Our own process holds at most one lock per file at a time; callers in this process queue here first,
// since the PID protocol cannot tell two callers of one process apart.
const local = new Map<string, Promise<unknown>>();

async function acquire(file: string, options: LockOptions): Promise<() => Promise<void>> {
  const lock = `${file}.lock`;
  const tmp = `${file}.${process.pid}`;
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  await fsp.writeFile(tmp, String(process.pid), { mode: 0o600 });
  try {
    for (;;) {
      try {
        await fsp.link(tmp, lock);
        return async () => {
          await fsp.unlink(lock).catch(() => {});
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = Number.parseInt((await fsp.readFile(lock, 'utf8').catch(() => '')).trim(), 10);
      if (!Number.isInteger(holder) || holder <= 0 || (holder !== process.pid && !alive(holder))) {
        // stale (dead holder or garbage): remove and retry at once
        await fsp.unlink(lock).catch(() => {});
        continue;
      }
      if (Date.now() > deadline) {
        throw new ConflictError(`${file} is locked by process ${holder} (${lock})`, { details: { lock, holder } });
      }
      await sleep(options.pollMs ?? 50);
    }
  } finally {
    await fsp.unlink(tmp).catch(() => {});
  }
}

/** Run fn while holding the locks of `files` (taken in sorted order, released in reverse). */
export async function withFileLocks<T>(
  files: readonly string[],
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const sorted = [...new Set(files)].sort();
  const key = sorted.join('\0');
  const prev = local.get(key) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((r) => {
    done = r;
  });
  const chained = prev.then(() => mine);
  local.set(key, chained);
  await prev.catch(() => {});
  const releases: (() => Promise<void>)[] = [];
  try {
    for (const f of sorted) releases.push(await acquire(f, options));
    return await fn();
  } finally {
    for (const r of releases.reverse()) await r();
    done();
    if (local.get(key) === chained) local.delete(key);
  }
}
