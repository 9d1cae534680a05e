// Reads a folder of Quadlet files to adopt (any user's `~/.config/containers/systemd`, or a folder of unit
// files). Changes nothing on the machine: it only READS that folder (as root, so possibly another user's home)
// and /etc/passwd (the folder owner's name).
//
// What it refuses, naming the file: a symlink whose target leaves the folder (or dangles), anything that is not
// a regular file or a folder (FIFOs and devices are never opened), a file over 1 MiB, a file not owned by the
// folder's owner (a hard link to someone else's file), content that is not UTF-8 text, more than 500 files or
// 16 MiB in all, folders nested deeper than 8. Symlinks inside the folder are read through (their content is
// copied). Each file is opened with O_NOFOLLOW|O_NONBLOCK and checked through its descriptor (fstat, and
// /proc/self/fd for the path actually opened), so a file swapped for a symlink after the folder was listed is
// refused, not followed. Names are returned as found; the caller checks them (core/service/bundles-adopt.ts).

import { constants } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { ForbiddenError, InvalidError, NotFoundError } from '../core/errors.js';
import type { AdoptSource } from '../core/service/bundles.js';
import { parsePasswdLine } from './users.js';

export interface AdoptSourceLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxTotalBytes: number;
  maxDepth: number;
}

export const ADOPT_LIMITS: AdoptSourceLimits = {
  maxFileBytes: 1024 * 1024,
  maxFiles: 500,
  maxTotalBytes: 16 * 1024 * 1024,
  maxDepth: 8,
};

const inside = (root: string, p: string) => p === root || p.startsWith(root === '/' ? '/' : `${root}/`);
const isErrno = (e: unknown, code: string) =>
  typeof e === 'object' && e !== null && (e as NodeJS.ErrnoException).code === code;
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

async function ownerName(uid: number): Promise<string | undefined> {
  const text = await fsp.readFile('/etc/passwd', 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const e = parsePasswdLine(line);
    if (e && e.uid === uid) return e.name;
  }
  return undefined;
}

/** Reads every file below `dir` (see the module comment for what is refused). */
export async function readAdoptSource(dir: string, limits: AdoptSourceLimits = ADOPT_LIMITS): Promise<AdoptSource> {
  if (dir.includes('\0')) throw new InvalidError('the folder name contains NUL');
  const given = path.resolve(dir);
  let realDir: string;
  try {
    realDir = await fsp.realpath(given);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) throw new NotFoundError(`${given}: no such folder`);
    throw e;
  }
  const top = await fsp.stat(realDir);
  if (!top.isDirectory()) throw new InvalidError(`${given}: not a folder`);
  const owner = { uid: top.uid, ...(await ownerName(top.uid).then((name) => (name ? { name } : {}))) };
  const files: AdoptSource['files'] = [];
  let total = 0;
  const visited = new Set<string>([realDir]);
  const shown = (rel: string) => JSON.stringify(rel);

  const readChecked = async (abs: string, rel: string): Promise<void> => {
    if (files.length >= limits.maxFiles) {
      throw new InvalidError(`${given}: more than ${limits.maxFiles} files; adopt a smaller folder`);
    }
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch (e) {
      if (isErrno(e, 'ELOOP')) throw new ForbiddenError(`${shown(rel)} in ${given} became a symlink while reading`);
      throw e;
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new InvalidError(`${shown(rel)} in ${given}: not a regular file`);
      const real = await fsp.readlink(`/proc/self/fd/${fh.fd}`).catch(() => abs);
      if (!inside(realDir, real)) {
        throw new ForbiddenError(`${shown(rel)} in ${given}: opens ${real}, which is outside the folder`);
      }
      if (st.uid !== owner.uid) {
        throw new ForbiddenError(
          `${shown(rel)} in ${given}: owned by uid ${st.uid}, not by the folder's owner (uid ${owner.uid})`,
        );
      }
      if (st.size > limits.maxFileBytes) {
        throw new InvalidError(
          `${shown(rel)} in ${given}: ${mib(st.size)}; a file may be at most ${mib(limits.maxFileBytes)}`,
        );
      }
      const buf = Buffer.alloc(limits.maxFileBytes + 1);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      if (bytesRead > limits.maxFileBytes) {
        throw new InvalidError(`${shown(rel)} in ${given}: larger than ${mib(limits.maxFileBytes)}`);
      }
      total += bytesRead;
      if (total > limits.maxTotalBytes) {
        throw new InvalidError(`${given}: more than ${mib(limits.maxTotalBytes)} of files; adopt a smaller folder`);
      }
      let content: string;
      try {
        content = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, bytesRead));
      } catch {
        throw new InvalidError(`${shown(rel)} in ${given}: not UTF-8 text`);
      }
      files.push({ path: rel, content, mode: st.mode & 0o7777 });
    } finally {
      await fh.close();
    }
  };

  const walk = async (absDir: string, relDir: string, depth: number): Promise<void> => {
    if (depth > limits.maxDepth) throw new InvalidError(`${shown(relDir)} in ${given}: folders nested too deep`);
    const entries = await fsp.readdir(absDir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const rel = relDir === '' ? e.name : `${relDir}/${e.name}`;
      const abs = path.join(absDir, e.name);
      const st = await fsp.lstat(abs);
      if (st.isSymbolicLink()) {
        let target: string;
        try {
          target = await fsp.realpath(abs);
        } catch {
          throw new InvalidError(`${shown(rel)} in ${given}: a symlink to nothing (${await fsp.readlink(abs)})`);
        }
        if (!inside(realDir, target)) {
          throw new ForbiddenError(`${shown(rel)} in ${given}: a symlink to ${target}, outside the folder`);
        }
        const tst = await fsp.stat(target);
        if (tst.isDirectory()) {
          if (visited.has(target)) continue;
          visited.add(target);
          await walk(target, rel, depth + 1);
        } else if (tst.isFile()) await readChecked(target, rel);
        else throw new InvalidError(`${shown(rel)} in ${given}: a symlink to something that is not a regular file`);
      } else if (st.isDirectory()) {
        visited.add(abs);
        await walk(abs, rel, depth + 1);
      } else if (st.isFile()) await readChecked(abs, rel);
      else throw new InvalidError(`${shown(rel)} in ${given}: not a regular file (a FIFO, socket or device)`);
    }
  };

  await walk(realDir, '', 0);
  return { dir: given, realDir, owner, files };
}
