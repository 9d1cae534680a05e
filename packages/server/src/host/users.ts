// Compartment users. Changes on the machine: creates and deletes system users and groups (`useradd`,
// `userdel`, `groupdel`), their home directories (default /var/lib/quadletman/home/qm-<id>), lines in
// /etc/subuid and /etc/subgid (via subid.ts), linger (/var/lib/systemd/linger/<user>, via loginctl),
// starts and stops user@UID.service, has the user write its ~/.config/containers/storage.conf and
// containers.conf (user-files.ts: root writes nothing inside a home), runs `podman system migrate` /
// `podman system reset` as the user, and creates helper users `qm-<id>-<uid>`.
//
// Home location: /var/lib/quadletman/home/qm-<id> (configurable). All of quadletman's state stays under
// one tree that is easy to back up, a compartment never shows up among people's homes, and a /home on
// NFS (where rootless overlay storage does not work) is avoided. On SELinux hosts label it like /home:
// `semanage fcontext -a -e /home /var/lib/quadletman/home && restorecon -R /var/lib/quadletman/home`.

import * as os from 'node:os';
import * as path from 'node:path';
import { CommandError, ConflictError, InvalidError } from '../core/errors.js';
import { type CompartmentId, compartmentUser, helperUser, type LinuxUser } from '../core/ids.js';
import { DEFAULT_HOME_BASE } from '../core/layout.js';
import type { Exec } from './exec.js';
import { pathExists, readSystemFile } from './fs.js';
import { type CompartmentSession, makeSession, userPodman, userSystemctl } from './session.js';
import { containersConf, LOOPBACK_CONF, loopbackConf, storageConf } from './storage-conf.js';
import { SUBID_COUNT, type SubidAllocator, type SubidRange } from './subid.js';
import { UserFiles } from './user-files.js';

export { DEFAULT_HOME_BASE };

const HELPER_GECOS_PREFIX = 'quadletman helper of ';
export const COMPARTMENT_GECOS = 'quadletman compartment';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

export interface CompartmentAccount {
  id: CompartmentId;
  user: LinuxUser;
  uid: number;
  gid: number;
  home: string;
  subids: SubidRange;
  session: CompartmentSession;
}

export interface UsersOptions {
  exec: Exec;
  subids: SubidAllocator;
  homeBase?: string;
  /** How long to wait for user@UID.service to become active / inactive. Default 30 s. */
  managerTimeoutMs?: number;
  nologin?: string;
  kernelRelease?: string;
  /** How long delete waits for logind to drop the user's record (UserStopDelaySec, 10 s by default). */
  logindForgetTimeoutMs?: number;
}

export function parsePasswdLine(line: string): PasswdEntry | undefined {
  const f = line.split(':');
  if (f.length < 7) return undefined;
  const uid = Number(f[2]);
  const gid = Number(f[3]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) return undefined;
  return { name: f[0]!, uid, gid, gecos: f[4]!, home: f[5]!, shell: f[6]! };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class CompartmentUsers {
  private readonly exec: Exec;
  private readonly subids: SubidAllocator;
  readonly homeBase: string;
  private readonly managerTimeoutMs: number;
  private readonly nologin: string;
  private readonly kernelRelease: string;
  private readonly logindForgetTimeoutMs: number;

  constructor(options: UsersOptions) {
    this.exec = options.exec;
    this.subids = options.subids;
    this.homeBase = path.resolve(options.homeBase ?? DEFAULT_HOME_BASE);
    this.managerTimeoutMs = options.managerTimeoutMs ?? 30_000;
    this.nologin = options.nologin ?? '/usr/sbin/nologin';
    this.kernelRelease = options.kernelRelease ?? os.release();
    this.logindForgetTimeoutMs = options.logindForgetTimeoutMs ?? 15_000;
  }

  homeOf(user: LinuxUser): string {
    return path.join(this.homeBase, user);
  }

  /** The passwd entry of a user, or undefined (getent: exit 2 = not found). */
  async lookup(name: string): Promise<PasswdEntry | undefined> {
    const r = await this.exec.run(['getent', 'passwd', name], { expectCodes: [0, 2] });
    if (r.code === 2) return undefined;
    return parsePasswdLine(r.stdout.trim());
  }

  async groupExists(name: string): Promise<boolean> {
    const r = await this.exec.run(['getent', 'group', name], { expectCodes: [0, 2] });
    return r.code === 0;
  }

  /** A session for an existing compartment (NotFound-like InvalidError when the user is missing). */
  async sessionFor(id: CompartmentId): Promise<CompartmentSession> {
    const user = compartmentUser(id);
    const pw = await this.lookup(user);
    if (!pw) throw new InvalidError(`compartment user ${user} does not exist`);
    return makeSession(user, pw.uid, pw.home, pw.gid);
  }

  /**
   * Create (or complete) a compartment's account: user + group, home, subid range, storage.conf,
   * linger, a running user manager, `podman system migrate`. Idempotent: each step checks first.
   */
  async create(id: CompartmentId): Promise<CompartmentAccount> {
    const user = compartmentUser(id);
    const home = this.homeOf(user);
    let pw = await this.lookup(user);
    if (pw && pw.gecos !== COMPARTMENT_GECOS) {
      throw new ConflictError(`user ${user} exists and is not a quadletman compartment (GECOS ${pw.gecos})`);
    }
    if (!pw) {
      await this.exec.run(['mkdir', '-p', '-m', '0755', this.homeBase]);
      await this.exec.run([
        'useradd',
        '--system',
        '--user-group',
        '--create-home',
        '--home-dir',
        home,
        '--shell',
        this.nologin,
        '--comment',
        COMPARTMENT_GECOS,
        user,
      ]);
      pw = await this.lookup(user);
      if (!pw) throw new ConflictError(`useradd ${user} succeeded but the user cannot be found`);
    }
    await this.exec.run(['chmod', '0700', pw.home]);
    const subids = await this.subids.allocate(user, SUBID_COUNT);
    const session = makeSession(user, pw.uid, pw.home, pw.gid);
    // the home is the user's: its files are written by the user itself (user-files.ts), never by root
    await new UserFiles(this.exec, session).batch([
      {
        op: 'write',
        path: '.config/containers/storage.conf',
        text: storageConf({ kernelRelease: this.kernelRelease }),
      },
      { op: 'write', path: '.config/containers/containers.conf', text: containersConf() },
      { op: 'write', path: LOOPBACK_CONF, text: loopbackConf() },
      { op: 'mkdir', path: '.config/containers/systemd' },
    ]);
    await this.enableLinger(session);
    await this.waitForManager(session, 'active');
    // after a subid change podman must re-create its user namespace (pause process) with the new range
    await this.exec.run(userPodman(session, ['system', 'migrate']), { timeoutMs: 120_000 });
    return { id, user, uid: pw.uid, gid: pw.gid, home: pw.home, subids, session };
  }

  async enableLinger(s: CompartmentSession): Promise<void> {
    // logind keeps a user's record UserStopDelaySec (10 s) after its last session/linger is gone. If a
    // deleted compartment's UID is reused before that, logind still holds the old record (with the old
    // name): enable-linger then starts no user manager, and the old record's GC later stops
    // user-runtime-dir@UID under the new user's feet. So wait until a stale record is gone first.
    const name = await this.logindUserName(s.uid);
    if (name !== undefined && name !== s.user) await this.waitLogindForget(s.uid);
    await this.exec.run(['loginctl', 'enable-linger', s.user]);
  }

  /** The name logind has on record for a UID, or undefined when it has none. */
  async logindUserName(uid: number): Promise<string | undefined> {
    const r = await this.exec.run(['loginctl', 'show-user', String(uid), '--property=Name', '--value'], {
      expectCodes: [0, 1],
    });
    return r.code === 0 ? r.stdout.trim() : undefined;
  }

  /** Wait (bounded) until logind has dropped its record of a UID. */
  async waitLogindForget(uid: number, timeoutMs = this.logindForgetTimeoutMs): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.logindUserName(uid)) === undefined) return true;
      await sleep(100);
    }
    return false;
  }

  /** Poll `systemctl is-active user@UID.service` (exit 3 = inactive/failed/activating…) until it is `want`. */
  async waitForManager(s: CompartmentSession, want: 'active' | 'inactive'): Promise<void> {
    const deadline = Date.now() + this.managerTimeoutMs;
    let last = '';
    for (;;) {
      const r = await this.exec.run(['systemctl', 'is-active', `user@${s.uid}.service`], { expectCodes: [0, 3, 4] });
      last = r.stdout.trim();
      const ok = want === 'active' ? last === 'active' : last === 'inactive' || last === 'failed' || r.code === 4;
      if (ok) {
        if (want === 'active') {
          // the manager is up; its bus socket follows a moment later
          const sys = await this.exec.run(userSystemctl(s, ['is-system-running']), { expectCodes: [0, 1] });
          const st = sys.stdout.trim();
          if (st === 'running' || st === 'degraded') return;
          last = `manager ${st}`;
        } else return;
      }
      if (Date.now() > deadline) {
        throw new CommandError({
          argv: ['systemctl', 'is-active', `user@${s.uid}.service`],
          exitCode: r.code,
          signal: null,
          stdout: r.stdout,
          stderr: `user@${s.uid}.service did not become ${want} within ${this.managerTimeoutMs} ms (last: ${last})`,
          timedOut: true,
        });
      }
      await sleep(100);
    }
  }

  /**
   * A helper user `qm-<id>-<uid>` whose host uid/gid is the one the compartment's container uid `uid`
   * maps to (podman's rootless map: container 0 → the user, container n ≥ 1 → subid start + n − 1),
   * so files a container writes as that uid show a name on the host. No home, nologin.
   */
  async createHelperUser(id: CompartmentId, containerUid: number): Promise<PasswdEntry> {
    const owner = compartmentUser(id);
    const name = helperUser(id, containerUid);
    const range = (await this.subids.get(owner)).uid;
    if (!range) throw new InvalidError(`compartment user ${owner} has no subuid range`);
    if (containerUid > range.count) throw new InvalidError(`container uid ${containerUid} is outside the range`);
    const hostId = range.start + containerUid - 1;
    const existing = await this.lookup(name);
    if (existing) {
      if (existing.uid !== hostId || existing.gecos !== `${HELPER_GECOS_PREFIX}${owner}`) {
        throw new ConflictError(`user ${name} exists with uid ${existing.uid}, expected ${hostId}`);
      }
      return existing;
    }
    if (!(await this.groupExists(name))) {
      await this.exec.run(['groupadd', '--system', '--gid', String(hostId), name]);
    }
    await this.exec.run([
      'useradd',
      '--system',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      this.nologin,
      '--uid',
      String(hostId),
      '--gid',
      name,
      '--comment',
      `${HELPER_GECOS_PREFIX}${owner}`,
      name,
    ]);
    const pw = await this.lookup(name);
    if (!pw) throw new ConflictError(`useradd ${name} succeeded but the user cannot be found`);
    return pw;
  }

  /** Every compartment user on this machine (found by the GECOS marker quadletman writes), sorted by name. */
  async list(): Promise<PasswdEntry[]> {
    const r = await this.exec.run(['getent', 'passwd']);
    return r.stdout
      .split('\n')
      .map(parsePasswdLine)
      .filter((p): p is PasswdEntry => !!p && p.gecos === COMPARTMENT_GECOS && p.name.startsWith('qm-'))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Helper users of a compartment, found by their GECOS marker (names alone are ambiguous). */
  async helperUsers(id: CompartmentId): Promise<PasswdEntry[]> {
    const owner = compartmentUser(id);
    const r = await this.exec.run(['getent', 'passwd'], { expectCodes: [0] });
    return r.stdout
      .split('\n')
      .map(parsePasswdLine)
      .filter((p): p is PasswdEntry => !!p && p.gecos === `${HELPER_GECOS_PREFIX}${owner}`);
  }

  /** Makes the compartment's helper users exactly those of these container ids: creates the missing ones and
   * removes the others (files they own stay, shown by number). */
  async syncHelperUsers(id: CompartmentId, ids: readonly number[]): Promise<void> {
    const want = new Set(ids.map((n) => helperUser(id, n)));
    for (const h of await this.helperUsers(id)) if (!want.has(h.name as LinuxUser)) await this.deleteHelperUser(h.name);
    for (const n of ids) await this.createHelperUser(id, n);
  }

  async deleteHelperUser(name: string): Promise<void> {
    if (await this.lookup(name)) await this.exec.run(['userdel', name]);
    if (await this.groupExists(name)) await this.exec.run(['groupdel', name]);
  }

  /**
   * Remove everything a compartment put on the machine: its containers and Podman storage, the user
   * manager and linger, helper users, the user and group, the home (with the Quadlet files), the subid
   * lines and /run/user/UID. Idempotent: safe to call on a half-created or already deleted compartment.
   */
  async delete(id: CompartmentId): Promise<void> {
    const user = compartmentUser(id);
    const pw = await this.lookup(user);
    if (pw && pw.gecos !== COMPARTMENT_GECOS) {
      throw new ConflictError(`user ${user} is not a quadletman compartment (GECOS ${pw.gecos}); not deleting`);
    }
    if (pw) {
      const s = makeSession(user, pw.uid, pw.home, pw.gid);
      const running = await this.exec.run(['systemctl', 'is-active', `user@${pw.uid}.service`], {
        expectCodes: [0, 3, 4],
      });
      if (running.stdout.trim() === 'active') {
        // while the manager still runs: stop the compartment's services (an explicit stop: Restart= does
        // not bring them back; Quadlet services live in app.slice), then drop all storage as the user.
        // Everything after this (manager stop, pkill, rm -rf as root) is the backstop if these fail.
        await this.exec
          .run(userSystemctl(s, ['stop', 'app.slice']), { timeoutMs: 120_000, expectCodes: [0, 1, 5] })
          .catch(() => {});
        await this.exec
          .run(userPodman(s, ['rm', '--all', '--force', '--time', '5']), { timeoutMs: 120_000 })
          .catch(() => {});
        await this.exec.run(userPodman(s, ['system', 'reset', '--force']), { timeoutMs: 120_000 }).catch(() => {});
      }
      await this.exec.run(['loginctl', 'disable-linger', user], { expectCodes: [0, 1] });
      // terminate-user: logind stops user@UID and user-runtime-dir@UID (which unmounts /run/user/UID)
      await this.exec.run(['loginctl', 'terminate-user', String(pw.uid)], { timeoutMs: 90_000, expectCodes: [0, 1] });
      await this.exec.run(['systemctl', 'stop', `user@${pw.uid}.service`, `user-runtime-dir@${pw.uid}.service`], {
        timeoutMs: 90_000,
        expectCodes: [0, 5],
      });
      await this.waitForManager(s, 'inactive');
      await this.exec.run(['pkill', '--signal', 'KILL', '-U', String(pw.uid)], { expectCodes: [0, 1] });
    }
    for (const h of await this.helperUsers(id)) await this.deleteHelperUser(h.name);
    if (pw) await this.userdel(user, pw.uid);
    if (await this.groupExists(user)) await this.exec.run(['groupdel', user]);
    await this.subids.release(user);
    await this.exec.run(['rm', '-f', `/var/lib/systemd/linger/${user}`]);
    const home = pw?.home ?? this.homeOf(user);
    await this.removeHome(home);
    if (pw && (await pathExists(`/run/user/${pw.uid}`))) {
      await this.unmountBelow(`/run/user/${pw.uid}`);
      await this.exec.run(['rm', '-rf', '--one-file-system', `/run/user/${pw.uid}`]);
    }
    // leave no logind record behind: a new user given this UID must start from a clean slate
    if (pw) await this.waitLogindForget(pw.uid);
  }

  /**
   * `userdel`, again while it answers 8 ("currently used by process N": a process started as the user between the
   * kill and the userdel, a live watcher restarting, a request in flight; the user's processes are killed again
   * first) or 16/18 (/etc/subuid or /etc/subgid locked: another compartment's delete releasing its range in this
   * very process). Bounded: it gives up after 5 s with userdel's own error.
   */
  private async userdel(user: string, uid: number): Promise<void> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const r = await this.exec.run(['userdel', user], { expectCodes: [0, 6, 8, 16, 18] });
      if (r.code === 0 || r.code === 6) return;
      if (Date.now() > deadline) {
        throw new CommandError({
          argv: ['userdel', user],
          exitCode: r.code,
          signal: null,
          stdout: r.stdout,
          stderr: r.stderr,
          timedOut: false,
        });
      }
      if (r.code === 8) await this.exec.run(['pkill', '--signal', 'KILL', '-U', String(uid)], { expectCodes: [0, 1] });
      await sleep(50 + Math.random() * 100);
    }
  }

  private async removeHome(home: string): Promise<void> {
    const resolved = path.resolve(home);
    if (
      !resolved.startsWith(`${this.homeBase}/`) ||
      resolved.split('/').length !== this.homeBase.split('/').length + 1
    ) {
      throw new ConflictError(`refusing to remove ${home}: not directly under ${this.homeBase}`);
    }
    if (!(await pathExists(resolved))) return;
    await this.unmountBelow(resolved);
    await this.exec.run(['rm', '-rf', '--one-file-system', resolved], { timeoutMs: 300_000 });
  }

  /** Lazily unmount anything still mounted below dir (overlay layers of a crashed container). */
  private async unmountBelow(dir: string): Promise<void> {
    const text = (await readSystemFile('/proc/self/mountinfo')) ?? '';
    const mounts = text
      .split('\n')
      .map((l) => l.split(' ')[4])
      .filter((m): m is string => !!m && (m === dir || m.startsWith(`${dir}/`)))
      .map((m) => m.replace(/\\040/g, ' '))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) await this.exec.run(['umount', '-l', m], { expectCodes: [0, 32] });
  }
}
