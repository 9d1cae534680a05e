// The privileged helper's verbs, as root. Changes on the machine: what each verb says and nothing else —
// compartment users with their subids, linger, storage configuration and homes (users.ts), managed volume
// folders (volume-dirs.ts), and commands run AS a compartment's user (session.ts's asUser). Each verb checks
// its arguments again (protocol.ts's schemas) and acts only for users that are quadletman compartments (their
// GECOS marker, a uid other than 0): never as root, never on a free path. quadletman's own backups are root's
// (self-backup.ts): the server may read their state without secrets and start one, nothing else.
import { CommandError, ForbiddenError } from '../../core/errors.js';
import { type CompartmentId, compartmentUser } from '../../core/ids.js';
import { HostPam } from '../../http/auth/pam.js';
import { assertSystemdBooted } from '../compartment-host.js';
import type { Exec, ExecResult, LineStream } from '../exec.js';
import { LoopbackGuard } from '../loopback-guard.js';
import type { SelfBackupStatus, SelfBackups } from '../self-backup.js';
import { asUser, type CompartmentSession, makeSession, sessionEnv } from '../session.js';
import { COMPARTMENT_GECOS, type CompartmentUsers } from '../users.js';
import type { VolumeDirs } from '../volume-dirs.js';
import { type PtyProcess, spawnPty } from '../watch-terminal.js';
import type { VerbArgs } from './protocol.js';

/** Names a client may not set in a command's environment: the helper sets them from its own record. */
const OWN_ENV = new Set(['PATH', ...Object.keys(sessionEnv(makeSession('qm-x' as never, 1, '/')))]);

export interface HelperDeps {
  exec: Exec;
  users: CompartmentUsers;
  volumes: VolumeDirs;
  /** quadletman's own backups (none: the verbs about them are refused). */
  selfBackups?: SelfBackups;
}

export class HelperVerbs {
  constructor(private readonly deps: HelperDeps) {}

  /** The session of a compartment's user, after checking that the user is one of quadletman's compartments. */
  async session(id: CompartmentId): Promise<CompartmentSession> {
    const user = compartmentUser(id);
    const pw = await this.deps.users.lookup(user);
    if (!pw) throw new ForbiddenError(`${user} is not a user on this machine`);
    if (pw.gecos !== COMPARTMENT_GECOS || pw.uid === 0 || pw.gid === 0) {
      throw new ForbiddenError(`${user} is not a quadletman compartment user`);
    }
    return makeSession(user, pw.uid, pw.home, pw.gid);
  }

  private env(env: Record<string, string> | undefined): Record<string, string> {
    return Object.fromEntries(Object.entries(env ?? {}).filter(([k]) => !OWN_ENV.has(k)));
  }

  ping(): { uid: number | undefined } {
    return { uid: process.getuid?.() };
  }

  /** Every exit code is an answer (the client decides which it expects); a timeout or a signal is an error. */
  async runAs(a: VerbArgs<'run-as'>): Promise<ExecResult> {
    const s = await this.session(a.compartment);
    try {
      return await this.deps.exec.run(asUser(s, a.argv, this.env(a.env)), {
        ...(a.input !== undefined ? { input: a.input } : {}),
        ...(a.inputAsPipe ? { inputAsPipe: true } : {}),
        ...(a.timeoutMs ? { timeoutMs: a.timeoutMs } : {}),
        maxOutputBytes: 256 * 1024 * 1024,
      });
    } catch (e) {
      if (e instanceof CommandError && e.exitCode !== null && !e.timedOut) {
        return { code: e.exitCode, stdout: e.stdout, stderr: e.stderr };
      }
      throw e;
    }
  }

  async streamAs(a: VerbArgs<'stream-as'>): Promise<LineStream> {
    const s = await this.session(a.compartment);
    return this.deps.exec.stream(asUser(s, a.argv, this.env(a.env)), {
      ...(a.input !== undefined ? { input: a.input } : {}),
      ...(a.includeStderr ? { includeStderr: true } : {}),
      ...(a.timeoutMs ? { timeoutMs: a.timeoutMs } : {}),
    });
  }

  /** A pty running argv as the compartment's user (node-pty: the child leads its own session and group). */
  async ptyAs(a: VerbArgs<'pty-as'>): Promise<PtyProcess> {
    const s = await this.session(a.compartment);
    const argv = asUser(s, a.argv, this.env(a.env));
    return spawnPty(argv, a.cols, a.rows);
  }

  async compartmentCreate(a: VerbArgs<'compartment-create'>) {
    await assertSystemdBooted();
    const acc = await this.deps.users.create(a.id);
    return { user: acc.user, uid: acc.uid, gid: acc.gid, home: acc.home };
  }

  async compartmentDelete(a: VerbArgs<'compartment-delete'>): Promise<Record<string, never>> {
    await this.deps.users.delete(a.id);
    return {};
  }

  async volumesEnsure(a: VerbArgs<'volumes-ensure'>): Promise<Record<string, never>> {
    const s = await this.session(a.compartment);
    await this.deps.volumes.ensure(a.compartment, a.volumes, { uid: s.uid, gid: s.gid });
    return {};
  }

  async helperUsersSync(a: VerbArgs<'helper-users-sync'>): Promise<Record<string, never>> {
    await this.session(a.compartment);
    await this.deps.users.syncHelperUsers(a.compartment, a.ids);
    return {};
  }

  async volumeRemove(a: VerbArgs<'volume-remove'>): Promise<Record<string, never>> {
    await this.deps.volumes.remove(await this.session(a.compartment), a.compartment, a.volume);
    return {};
  }

  async pamAuthenticate(a: VerbArgs<'pam-authenticate'>): Promise<{ ok: boolean }> {
    const pam = new HostPam(this.deps.exec, a.groups);
    return { ok: await pam.authenticate(a.username, a.password, a.remoteHost) };
  }

  /** Loads the loopback guard (nftables) for these ports; only compartment users and the edge's are let in. */
  async loopbackGuard(a: VerbArgs<'loopback-guard'>): Promise<Record<string, never>> {
    await new LoopbackGuard(this.deps.exec, this.deps.users).apply(a.ports);
    return {};
  }

  async selfBackupStatus(): Promise<SelfBackupStatus> {
    return this.ownBackups().status();
  }

  async selfBackupStart(): Promise<Record<string, never>> {
    await this.ownBackups().start();
    return {};
  }

  private ownBackups(): SelfBackups {
    if (!this.deps.selfBackups) throw new ForbiddenError("this helper does not know quadletman's own backups");
    return this.deps.selfBackups;
  }

  /** Only once the compartment's user is gone: no process of it is left to race with root's rm. */
  async volumesRemoveAll(a: VerbArgs<'volumes-remove-all'>): Promise<Record<string, never>> {
    if (await this.deps.users.lookup(compartmentUser(a.compartment))) {
      throw new ForbiddenError(`compartment ${a.compartment} still has its user: delete the compartment first`);
    }
    await this.deps.volumes.removeAll(a.compartment);
    return {};
  }
}
