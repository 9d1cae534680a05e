// Managed host volume folders, `<root>/<compartment>/<volume>`. Changes on the machine: creates the volumes
// root and a root-owned folder per compartment under it, creates each volume folder there and gives it to
// the compartment user (0750; labelled container_file_t on SELinux hosts); removes a volume's content AS the compartment user (inside its user namespace,
// so files its containers wrote as mapped UIDs go too) and then the emptied folder; removes a deleted
// compartment's whole folder with GNU rm.
//
// Where root acts, every folder on the path is root's: the volumes root and `<root>/<compartment>` are
// root-owned and not writable by anyone else, so no compartment user can swap an entry in them for a symlink.
// A volume folder is opened with O_DIRECTORY|O_NOFOLLOW and changed through that descriptor. Inside a volume
// folder (the user's), root does nothing at all.

import { constants, existsSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { ForbiddenError, InvalidError } from '../core/errors.js';
import type { Exec } from './exec.js';
import { asUser, type CompartmentSession } from './session.js';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Whether this host runs SELinux (enforcing or permissive): its selinuxfs is mounted. */
export function selinuxEnabled(): boolean {
  return existsSync('/sys/fs/selinux/enforce');
}

function segment(kind: string, name: string): string {
  if (!NAME_RE.test(name)) throw new InvalidError(`bad ${kind} name ${JSON.stringify(name)}`);
  return name;
}

const isErrno = (e: unknown, code: string) =>
  typeof e === 'object' && e !== null && (e as NodeJS.ErrnoException).code === code;

/** Opens a folder without following a symlink at its last component. */
async function openDir(p: string): Promise<fsp.FileHandle | undefined> {
  try {
    return await fsp.open(p, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    if (isErrno(e, 'ELOOP') || isErrno(e, 'ENOTDIR')) throw new ForbiddenError(`${p} is not a folder (a symlink?)`);
    throw e;
  }
}

/** A folder owned by root with `mode`, made when missing; an existing one is taken over by root. */
async function rootFolder(p: string, mode: number): Promise<void> {
  let fh = await openDir(p);
  if (!fh) {
    await fsp.mkdir(p, { mode }).catch((e: unknown) => {
      if (!isErrno(e, 'EEXIST')) throw e;
    });
    fh = await openDir(p);
    if (!fh) throw new ForbiddenError(`${p} vanished while it was made`);
  }
  try {
    const st = await fh.stat();
    // folders of earlier versions belonged to the compartment user: root takes them over
    if (st.uid !== 0 || st.gid !== 0) await fh.chown(0, 0);
    if ((st.mode & 0o7777) !== mode) await fh.chmod(mode);
  } finally {
    await fh.close();
  }
}

/** What the rest of quadletman asks of volume folders: VolumeDirs does it in this process (as root); the
 * privileged helper's client (helper/client.ts) asks the helper to. */
export interface VolumeFolders {
  readonly root: string;
  ensure(compartment: string, volumes: readonly string[], owner: { uid: number; gid: number }): Promise<void>;
  remove(session: CompartmentSession, compartment: string, volume: string): Promise<void>;
  removeAll(compartment: string): Promise<void>;
  /** The volume folders a compartment has (the folder `<root>/<compartment>` is root's: reading it is safe for
   * anyone, and needs no privilege). */
  list(compartment: string): Promise<string[]>;
}

/** The folders in a compartment's root-owned volumes folder ([] when it has none). */
export async function listVolumeDirs(dir: string): Promise<string[]> {
  try {
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && NAME_RE.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return [];
    throw e;
  }
}

export class VolumeDirs implements VolumeFolders {
  readonly root: string;

  constructor(
    private readonly exec: Exec,
    root: string,
    /** Label new volume folders container_file_t (SELinux hosts). Default: whether this host runs SELinux. */
    private readonly selinux: boolean = selinuxEnabled(),
  ) {
    if (!path.isAbsolute(root)) throw new InvalidError(`the volumes root must be an absolute path: ${root}`);
    this.root = path.resolve(root);
  }

  compartmentDir(compartment: string): string {
    return path.join(this.root, segment('compartment', compartment));
  }

  volumeDir(compartment: string, volume: string): string {
    return path.join(this.compartmentDir(compartment), segment('volume', volume));
  }

  async list(compartment: string): Promise<string[]> {
    return listVolumeDirs(this.compartmentDir(compartment));
  }

  /** The volumes root must be root's and writable by nobody else: everything here relies on it. */
  private async checkRoot(): Promise<void> {
    // made here (by the helper, whose umask is 0077) it would be root's alone: compartment users must pass
    if ((await fsp.mkdir(this.root, { recursive: true, mode: 0o755 })) !== undefined) await fsp.chmod(this.root, 0o755);
    const st = await fsp.lstat(this.root);
    if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o022) !== 0) {
      throw new ForbiddenError(
        `the volumes root ${this.root} must be a folder owned by root and writable by root only (is uid ${st.uid}, mode ${(st.mode & 0o7777).toString(8)})`,
      );
    }
  }

  /** Makes the volume folders that are missing, each owned by the compartment user; existing ones stay as they are. */
  async ensure(compartment: string, volumes: readonly string[], owner: { uid: number; gid: number }): Promise<void> {
    if (volumes.length === 0) return;
    await this.checkRoot();
    await rootFolder(this.compartmentDir(compartment), 0o755);
    for (const v of volumes) {
      const dir = this.volumeDir(compartment, v);
      let fh = await openDir(dir);
      if (fh) {
        await fh.close();
        continue;
      }
      await fsp.mkdir(dir, { mode: 0o700 }).catch((e: unknown) => {
        if (!isErrno(e, 'EEXIST')) throw e;
      });
      fh = await openDir(dir);
      if (!fh) throw new ForbiddenError(`${dir} vanished while it was made`);
      try {
        await fh.chown(owner.uid, owner.gid);
        await fh.chmod(0o750);
      } finally {
        await fh.close();
      }
      // on SELinux hosts containers may use the folder (Podman's :Z/:z relabels it again when it starts them)
      if (this.selinux) await this.exec.run(['chcon', '--no-dereference', '-t', 'container_file_t', '--', dir]);
    }
  }

  /**
   * Removes one volume folder of a live compartment: its content as the compartment user inside its user
   * namespace (`podman unshare`, so what containers wrote as mapped UIDs goes too), then the empty folder.
   */
  async remove(session: CompartmentSession, compartment: string, volume: string): Promise<void> {
    const dir = this.volumeDir(compartment, volume);
    const fh = await openDir(dir);
    if (!fh) return;
    await fh.close();
    await this.exec.run(asUser(session, ['podman', 'unshare', 'find', dir, '-mindepth', '1', '-delete']), {
      timeoutMs: 600_000,
    });
    await fsp.rmdir(dir).catch((e: unknown) => {
      if (!isErrno(e, 'ENOENT')) throw e;
    });
  }

  /** Removes a deleted compartment's folder with everything in it. Only once its user is gone (no process of it
   * is left to race with); GNU rm walks by descriptor and never follows a symlink. */
  async removeAll(compartment: string): Promise<void> {
    await this.exec.run(['rm', '-rf', '--one-file-system', '--', this.compartmentDir(compartment)], {
      timeoutMs: 600_000,
    });
  }
}

/** `du -s -B1` and `stat -c '%U\t%n'` output of the same paths → size and owner by path. */
export function parseUsage(du: string, stat: string): Map<string, { bytes: number; owner: string }> {
  const owners = new Map(stat.split('\n').map((l) => [l.slice(l.indexOf('\t') + 1), l.split('\t')[0]!]));
  const out = new Map<string, { bytes: number; owner: string }>();
  for (const line of du.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) {
      const p = line.slice(tab + 1);
      out.set(p, { bytes: Number(line.slice(0, tab)), owner: owners.get(p) ?? '' });
    }
  }
  return out;
}

/**
 * Size and owner of a compartment's volume paths (its host volume folders, its Podman volumes' mountpoints), read
 * as the compartment user, never as root: `du` inside its user namespace (files its containers wrote as mapped
 * UIDs count too), `stat` outside it (the owner as the host names it). Missing paths are left out (exit 1).
 */
export async function volumeUsage(
  exec: Exec,
  session: CompartmentSession,
  paths: readonly string[],
): Promise<Map<string, { bytes: number; owner: string }>> {
  const du = await exec.run(asUser(session, ['podman', 'unshare', 'du', '-s', '-B1', '--', ...paths]), {
    expectCodes: [0, 1],
  });
  const st = await exec.run(asUser(session, ['stat', '-c', '%U\t%n', '--', ...paths]), { expectCodes: [0, 1] });
  return parseUsage(du.stdout, st.stdout);
}
