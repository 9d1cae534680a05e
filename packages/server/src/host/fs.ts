// Confined file access. Changes on the machine: creates, replaces and removes files and directories
// below ONE allowed root (a compartment's home or Quadlet directory), and sets their owner and mode.
// Writes are atomic: a temp file in the same directory (O_EXCL|O_NOFOLLOW) + fsync + rename + fsync of
// the directory, so a reader sees the old file or the new one, never a torn one.
//
// Confinement: a path given relative to the root (or absolute, inside it) is refused when it has a `..`
// segment, leaves the root, or — after resolving symlinks — lands outside the root's real path. Final
// components are opened with O_NOFOLLOW and owners set through the open descriptor (fchown), so a
// symlink planted by the compartment user is never followed for a write. Node has no openat2
// (RESOLVE_BENEATH), so a directory swapped for a symlink *between* the check and the use is the one
// remaining race; the root's directories are owned by root or the compartment user, never by others.

import { constants } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { ForbiddenError, InvalidError, NotFoundError } from '../core/errors.js';

export interface Ownership {
  uid: number;
  gid: number;
}

export interface WriteOptions {
  /** File mode; default 0o644. */
  mode?: number;
  /** Owner of the file (and of directories this write creates). Default: unchanged (root). */
  owner?: Ownership;
  /** Mode of directories this write creates; default 0o755. */
  dirMode?: number;
  /** Flush the file and its folder to disk before returning (default). False for scratch files that nothing
   * needs after a crash (the generator's dry-run staging): still atomic, without the two fsyncs. */
  durable?: boolean;
}

export interface DirEntry {
  name: string;
  kind: 'file' | 'dir' | 'symlink' | 'other';
}

const isErrno = (e: unknown, code: string): boolean =>
  typeof e === 'object' && e !== null && (e as NodeJS.ErrnoException).code === code;

/** Pure part of the check: the lexical absolute path of `p` inside `root`, or an error. */
export function confinePath(root: string, p: string): string {
  if (!path.isAbsolute(root)) throw new InvalidError(`allowed root must be absolute: ${root}`);
  if (p.includes('\0')) throw new InvalidError(`path contains NUL: ${JSON.stringify(p)}`);
  const segments = p.split('/');
  if (segments.includes('..')) throw new ForbiddenError(`path ${JSON.stringify(p)} has a '..' segment`);
  const normRoot = path.resolve(root);
  const abs = path.resolve(normRoot, p);
  if (abs !== normRoot && !abs.startsWith(`${normRoot}/`)) {
    throw new ForbiddenError(`path ${JSON.stringify(p)} is outside ${normRoot}`);
  }
  return abs;
}

function inside(realRoot: string, real: string): boolean {
  return real === realRoot || real.startsWith(realRoot === '/' ? '/' : `${realRoot}/`);
}

/** File operations confined to one directory tree. */
export class ConfinedFs {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(confinePath(root, root));
  }

  /** Absolute path for `p` after lexical and symlink checks (the path itself need not exist). */
  async resolve(p: string): Promise<string> {
    const abs = confinePath(this.root, p);
    const realRoot = await fsp.realpath(this.root).catch((e: unknown) => {
      if (isErrno(e, 'ENOENT')) throw new NotFoundError(`allowed root ${this.root} does not exist`);
      throw e;
    });
    // realpath of the deepest existing ancestor (or the path itself), plus what does not exist yet
    let probe = abs;
    const rest: string[] = [];
    for (;;) {
      try {
        const real = await fsp.realpath(probe);
        const full = path.join(real, ...rest);
        if (!inside(realRoot, full)) throw new ForbiddenError(`path ${JSON.stringify(p)} escapes ${this.root}`);
        return abs;
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e;
        rest.unshift(path.basename(probe));
        probe = path.dirname(probe);
      }
    }
  }

  /** Owner of the root directory itself (e.g. the compartment user for its home). */
  async ownerOfRoot(): Promise<Ownership> {
    const st = await fsp.stat(this.root);
    return { uid: st.uid, gid: st.gid };
  }

  /** mkdir -p inside the root; directories it creates get `mode` and `owner`. */
  async mkdirp(p: string, options: { mode?: number; owner?: Ownership } = {}): Promise<string> {
    const abs = await this.resolve(p);
    const rel = path.relative(this.root, abs);
    let cur = this.root;
    for (const seg of rel ? rel.split('/') : []) {
      cur = path.join(cur, seg);
      try {
        await fsp.mkdir(cur, { mode: options.mode ?? 0o755 });
        if (options.owner) await fsp.lchown(cur, options.owner.uid, options.owner.gid);
        // mkdir's mode is masked by the umask: set it exactly
        await fsp.chmod(cur, options.mode ?? 0o755);
      } catch (e) {
        if (!isErrno(e, 'EEXIST')) throw e;
        const st = await fsp.lstat(cur);
        if (!st.isDirectory()) throw new ForbiddenError(`${cur} exists and is not a directory`);
      }
    }
    return abs;
  }

  /** Atomically replace (or create) a file. */
  async writeFileAtomic(p: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<string> {
    const abs = await this.resolve(p);
    if (abs === this.root) throw new InvalidError('cannot write over the allowed root itself');
    const dir = path.dirname(abs);
    await this.mkdirp(path.relative(this.root, dir) || '.', { mode: options.dirMode, owner: options.owner });
    const tmp = path.join(dir, `.${path.basename(abs)}.qm-tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const fh = await fsp.open(
      tmp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      options.mode ?? 0o644,
    );
    try {
      await fh.writeFile(data);
      await fh.chmod(options.mode ?? 0o644);
      if (options.owner) await fh.chown(options.owner.uid, options.owner.gid);
      if (options.durable !== false) await fh.sync();
    } catch (e) {
      await fh.close().catch(() => {});
      await fsp.unlink(tmp).catch(() => {});
      throw e;
    }
    await fh.close();
    try {
      await fsp.rename(tmp, abs); // replaces a symlink at `abs` itself, never its target
    } catch (e) {
      await fsp.unlink(tmp).catch(() => {});
      throw e;
    }
    if (options.durable !== false) await syncDir(dir);
    return abs;
  }

  /** Read a regular file (not through a symlink at its last component). */
  async readFile(p: string): Promise<string> {
    const abs = await this.resolve(p);
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (e) {
      if (isErrno(e, 'ENOENT')) throw new NotFoundError(`${abs} does not exist`);
      if (isErrno(e, 'ELOOP')) throw new ForbiddenError(`${abs} is a symlink`);
      throw e;
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new InvalidError(`${abs} is not a regular file`);
      return await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
  }

  async exists(p: string): Promise<boolean> {
    const abs = await this.resolve(p);
    try {
      await fsp.lstat(abs);
      return true;
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return false;
      throw e;
    }
  }

  /** Entries of a directory, sorted by name; [] when it does not exist. */
  async list(p = '.'): Promise<DirEntry[]> {
    const abs = await this.resolve(p);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fsp.readdir(abs, { withFileTypes: true });
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return [];
      throw e;
    }
    return entries
      .map(
        (d): DirEntry => ({
          name: d.name,
          kind: d.isFile() ? 'file' : d.isDirectory() ? 'dir' : d.isSymbolicLink() ? 'symlink' : 'other',
        }),
      )
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Remove a file (or, with recursive, a tree; symlinks inside are removed, not followed). Missing is fine. */
  async remove(p: string, options: { recursive?: boolean } = {}): Promise<void> {
    const abs = await this.resolve(p);
    if (abs === this.root) throw new ForbiddenError('refusing to remove the allowed root itself');
    if (options.recursive) {
      await fsp.rm(abs, { recursive: true, force: true });
    } else {
      await fsp.unlink(abs).catch((e: unknown) => {
        if (!isErrno(e, 'ENOENT')) throw e;
      });
    }
    await syncDir(path.dirname(abs)).catch(() => {});
  }
}

async function syncDir(dir: string): Promise<void> {
  const dh = await fsp.open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/**
 * Atomic write of a system file outside any compartment (/etc/subuid, /etc/subgid): same temp + fsync +
 * rename + fsync-dir sequence, keeping the existing file's mode and owner.
 */
export async function writeSystemFileAtomic(file: string, data: string, fallbackMode = 0o644): Promise<void> {
  if (!path.isAbsolute(file)) throw new InvalidError(`system file path must be absolute: ${file}`);
  let mode = fallbackMode;
  let owner: Ownership | undefined;
  try {
    const st = await fsp.stat(file);
    mode = st.mode & 0o7777;
    owner = { uid: st.uid, gid: st.gid };
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e;
  }
  const dir = path.dirname(file);
  const cfs = new ConfinedFs(dir);
  await cfs.writeFileAtomic(path.basename(file), data, { mode, owner });
}

/** Read a whole file, or undefined when it does not exist. For system files (/etc/passwd, /etc/subuid…). */
export async function readSystemFile(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    throw e;
  }
}

export async function pathExists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return false;
    throw e;
  }
}
