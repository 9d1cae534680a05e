// restic, run as a compartment user inside its user namespace (`podman unshare restic …`): files its containers
// wrote as other UIDs (subuid-mapped on the host) are read, and restored, with the owners the containers see,
// and root does nothing by path inside a compartment. The repository password goes on stdin (restic reads it
// there when stdin is not a terminal), never in argv or the environment, where other users could read it.
// Changes on the machine: creates a repository, writes snapshots, restores files, as the compartment user; for a
// restore into another compartment, adds (and removes again) ACL entries on the repository's folders, as its owner.

import {
  knownHostName,
  parseRepositoryLocation,
  type RepositoryCredentials,
  type RepositoryLocation,
  resticRepo,
  s3CredentialsFile,
} from '../core/backups/location.js';
import type { BackupKeep } from '../core/backups/policy.js';
import { CommandError } from '../core/errors.js';
import type { LinuxUser } from '../core/ids.js';
import type {
  BackupSnapshot,
  BackupSummary,
  ResticStatus,
  SnapshotEntry,
  SnapshotListing,
} from '../core/service/backups.js';
import type { Exec } from './exec.js';
import { jsonObjectLines } from './json-lines.js';
import { asUser, type CompartmentSession, userPodman } from './session.js';

/** One snapshot, as `restic snapshots --json` lists it; what a backup did (`restic backup --json`'s summary). */
export type ResticSnapshot = BackupSnapshot;
export type ResticSummary = BackupSummary;

/** The compartment's SSH key and the remote hosts' keys it trusts, for SFTP repositories. */
export const sshDir = (s: CompartmentSession) => `${s.home}/.local/share/quadletman/ssh`;
/** REST and S3: the repository's address restic reads (`--repository-file`; a REST one with its credentials). */
export const repositoryFile = (s: CompartmentSession) => `${s.home}/.local/share/quadletman/repository`;
/** S3: the credentials restic's S3 back end reads (AWS_SHARED_CREDENTIALS_FILE). */
export const s3CredentialsPath = (s: CompartmentSession) => `${s.home}/.local/share/quadletman/s3-credentials`;

/**
 * The ssh command restic runs for an SFTP repository: the key and known hosts in `dir` only (a compartment's own,
 * or root's for quadletman's own backups), no configuration file (inside the user namespace the user is root, whose
 * ~/.ssh is not the compartment's), no password prompt, and a remote host key that must match the one recorded when
 * the repository was set.
 */
export function sftpCommand(dir: string, l: Extract<RepositoryLocation, { kind: 'sftp' }>): string {
  return [
    'ssh',
    '-F',
    'none',
    '-i',
    `${dir}/id_ed25519`,
    '-o',
    `UserKnownHostsFile=${dir}/known_hosts`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'ConnectTimeout=20',
    '-o',
    'ServerAliveInterval=30',
    '-p',
    String(l.port),
    '-l',
    l.user,
    l.host.replace(/^\[|\]$/g, ''),
    '-s',
    'sftp',
  ].join(' ');
}

/**
 * The script that readies SSH in `dir` for an SFTP repository: makes the key when there is none (`comment` names
 * whose it is), and records the remote host's keys (ssh-keyscan; trust on first use: their fingerprints are shown to
 * whoever set the location) when `scan`, or when none are recorded; otherwise the recorded keys stay (a host whose
 * key changed is then refused by ssh). It prints the public key, `---`, and the host keys' fingerprints; exit 3: no
 * host key could be read.
 */
export function sshSetupArgv(
  dir: string,
  l: Extract<RepositoryLocation, { kind: 'sftp' }>,
  comment: string,
  scan: boolean,
): string[] {
  const script = [
    'set -eu',
    'umask 077',
    'mkdir -p "$1"',
    '[ -f "$1/id_ed25519" ] || ssh-keygen -q -t ed25519 -N "" -C "$4" -f "$1/id_ed25519"',
    // -T: give up on a host that does not answer; the scan goes to a new file, kept only when it found keys
    'if [ "$5" = scan ] || [ ! -s "$1/known_hosts" ]; then',
    '  ssh-keyscan -T 15 -p "$3" "$2" > "$1/known_hosts.new" 2>/dev/null || true',
    '  if [ ! -s "$1/known_hosts.new" ]; then rm -f "$1/known_hosts.new"; echo "no SSH host key could be read from $2 port $3" >&2; exit 3; fi',
    '  mv "$1/known_hosts.new" "$1/known_hosts"',
    'fi',
    'cat "$1/id_ed25519.pub"',
    'echo ---',
    'ssh-keygen -l -f "$1/known_hosts"',
  ].join('\n');
  const host = l.host.replace(/^\[|\]$/g, '');
  return ['sh', '-c', script, 'sh', dir, host, String(l.port), comment, scan ? 'scan' : 'keep'];
}

/** What sshSetupArgv's script answered: the public key, for the remote user's authorized_keys, and the host keys. */
export function parseSshSetup(
  r: { code: number; stdout: string; stderr: string },
  l: Extract<RepositoryLocation, { kind: 'sftp' }>,
): { publicKey: string; hostKeys: string[] } {
  if (r.code === 3) throw new Error(r.stderr.trim() || `no SSH host key could be read from ${knownHostName(l)}`);
  const [pub = '', keys = ''] = r.stdout.split('\n---\n');
  return { publicKey: pub.trim(), hostKeys: keys.trim().split('\n').filter(Boolean) };
}

/**
 * `restic --repo … ARGS` as the compartment user in its user namespace (sftp: with sftpCommand). restic keeps its
 * cache of the repository's index and folder listings in the user's home (`~/.cache/restic`): a backup of data
 * that changed little reads them from there rather than from the repository. `env`: restic's own settings.
 */
function restic(
  s: CompartmentSession,
  repo: string,
  args: readonly string[],
  env: Record<string, string> = {},
): string[] {
  const l = parseRepositoryLocation(repo);
  const where =
    l.kind === 'rest' || l.kind === 's3'
      ? ['--repository-file', repositoryFile(s)]
      : ['--repo', resticRepo(l), ...(l.kind === 'sftp' ? ['-o', `sftp.command=${sftpCommand(sshDir(s), l)}`] : [])];
  const s3: Record<string, string> =
    l.kind === 's3' ? { AWS_SHARED_CREDENTIALS_FILE: s3CredentialsPath(s), AWS_PROFILE: 'default' } : {};
  return asUser(s, ['podman', 'unshare', 'restic', ...where, ...args], { ...env, ...s3 });
}

/** restic's `--json` status lines, once a second (by default it writes 60 a second when asked for JSON). */
export const STATUS_ENV = { RESTIC_PROGRESS_FPS: '1' };

/**
 * A `status` line of `restic backup --json` or `restic restore --json` (null: another kind of line), as counts.
 * restore names its counts `files_restored` and `bytes_restored`; backup `files_done` and `bytes_done`.
 */
export function parseStatus(o: Record<string, unknown>): ResticStatus | null {
  if (o.message_type !== 'status') return null;
  const n = (...keys: string[]) => {
    for (const k of keys) if (typeof o[k] === 'number') return o[k] as number;
    return null;
  };
  const percent = n('percent_done');
  return {
    percent: percent === null ? null : Math.min(100, Math.max(0, percent * 100)),
    filesDone: n('files_done', 'files_restored'),
    totalFiles: n('total_files'),
    bytesDone: n('bytes_done', 'bytes_restored'),
    totalBytes: n('total_bytes'),
    secondsElapsed: n('seconds_elapsed'),
    secondsRemaining: n('seconds_remaining'),
    currentFiles: Array.isArray(o.current_files) ? o.current_files.map(String).slice(0, 4) : [],
  };
}

/** restic's summary line of a `backup --json` run (the other lines are progress). */
export function parseBackupSummary(stdout: string): ResticSummary | undefined {
  for (const o of jsonObjectLines(stdout).reverse()) {
    if (o.message_type !== 'summary') continue;
    const n = (k: string) => (typeof o[k] === 'number' ? (o[k] as number) : 0);
    return {
      snapshotId: String(o.snapshot_id ?? ''),
      filesNew: n('files_new'),
      filesChanged: n('files_changed'),
      filesUnmodified: n('files_unmodified'),
      dataAdded: n('data_added'),
      totalFiles: n('total_files_processed'),
      totalBytes: n('total_bytes_processed'),
      durationS: n('total_duration'),
    };
  }
  return undefined;
}

export function parseSnapshots(stdout: string): ResticSnapshot[] {
  const list = JSON.parse(stdout || '[]') as Record<string, unknown>[];
  return list.map((o) => {
    // restic keeps a summary with each snapshot (since 0.17): its size, what it added, when the backup ran
    const sum = (o.summary ?? {}) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' ? v : null);
    const start = typeof sum.backup_start === 'string' ? Date.parse(sum.backup_start) : Number.NaN;
    const end = typeof sum.backup_end === 'string' ? Date.parse(sum.backup_end) : Number.NaN;
    return {
      id: String(o.id),
      shortId: String(o.short_id ?? String(o.id).slice(0, 8)),
      time: String(o.time),
      paths: Array.isArray(o.paths) ? o.paths.map(String) : [],
      tags: Array.isArray(o.tags) ? o.tags.map(String) : [],
      size: num(sum.total_bytes_processed),
      added: num(sum.data_added),
      durationS: Number.isFinite(end - start) ? Math.max(0, (end - start) / 1000) : null,
    };
  });
}

function statusOf(line: string): ResticStatus | null {
  try {
    return parseStatus(JSON.parse(line) as Record<string, unknown>);
  } catch {
    return null;
  }
}

/** How many entries of a folder `ls` answers at most (the rest: `truncated`). */
export const LS_LIMIT = 2000;

/** A node's permission bits as four octal digits (restic's `mode` is Go's FileMode: the type is in high bits). */
const octalMode = (mode: unknown) => (typeof mode === 'number' ? (mode & 0o7777).toString(8).padStart(4, '0') : null);

/**
 * `restic ls --json`'s nodes that are direct children of the folder `dir` (one JSON object a line: the snapshot
 * first, then nodes; the folder itself, the folders above it and anything deeper are left out), at most `limit`.
 */
export function parseLs(stdout: string, dir: string, limit = LS_LIMIT): SnapshotListing {
  const prefix = dir === '/' ? '/' : `${dir}/`;
  const entries: SnapshotEntry[] = [];
  let truncated = false;
  for (const o of jsonObjectLines(stdout)) {
    const kind = o.struct_type ?? o.message_type;
    if (kind !== undefined && kind !== 'node') continue;
    if (typeof o.path !== 'string' || typeof o.name !== 'string' || typeof o.type !== 'string') continue;
    const name = o.path.slice(prefix.length);
    if (!o.path.startsWith(prefix) || name === '' || name.includes('/')) continue;
    if (entries.length >= limit) {
      truncated = true;
      break;
    }
    const num = (v: unknown) => (typeof v === 'number' ? v : null);
    entries.push({
      name,
      type: o.type === 'dir' || o.type === 'symlink' || o.type === 'file' ? o.type : 'other',
      path: o.path,
      size: num(o.size) ?? (o.type === 'file' ? 0 : null),
      mode: octalMode(o.mode),
      uid: num(o.uid),
      gid: num(o.gid),
      mtime: typeof o.mtime === 'string' ? o.mtime : null,
    });
  }
  return { entries, truncated };
}

/** What `restic forget` did: the snapshots it removed and the ones it kept. */
export interface ForgetResult {
  removed: ResticSnapshot[];
  kept: ResticSnapshot[];
}

/**
 * The arguments of `restic forget` (after the repository's): only the snapshots of host `quadletman` with the
 * compartment's tag, in one group whatever their paths and other tags (`--group-by host`: a volume added later does
 * not start a group of its own), the `--keep-*` options that are above 0, `--prune` to free the space.
 */
export function forgetArgs(compartmentTag: string, keep: BackupKeep): string[] {
  const flags: [keyof BackupKeep, string][] = [
    ['last', '--keep-last'],
    ['daily', '--keep-daily'],
    ['weekly', '--keep-weekly'],
    ['monthly', '--keep-monthly'],
  ];
  const keeps = flags.flatMap(([k, flag]) => {
    const n = keep[k];
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`keep.${k}: ${String(n)} is not a count`);
    return n > 0 ? [flag, String(n)] : [];
  });
  if (keeps.length === 0) throw new RangeError('forget keeps nothing: refused');
  // a compartment's snapshots, or quadletman's own (self-backup.ts)
  if (!/^(compartment=[a-z0-9][a-z0-9-]*|quadletman-self)$/.test(compartmentTag))
    throw new RangeError(`${compartmentTag} is not a compartment tag`);
  return [
    'forget',
    '--json',
    '--host',
    'quadletman',
    '--tag',
    compartmentTag,
    '--group-by',
    'host',
    ...keeps,
    '--prune',
  ];
}

/**
 * `restic forget --json`'s answer: one JSON array of groups `{keep, remove, …}` (either may be null) on a line of
 * its own; prune's output, if any, follows on other lines. No array (nothing matched the filter): nothing removed.
 */
export function parseForget(stdout: string): ForgetResult {
  const out: ForgetResult = { removed: [], kept: [] };
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('[')) continue;
    let groups: unknown;
    try {
      groups = JSON.parse(line);
    } catch {
      continue;
    }
    if (!Array.isArray(groups)) continue;
    for (const g of groups as { keep?: unknown; remove?: unknown }[]) {
      if (Array.isArray(g?.keep)) out.kept.push(...parseSnapshots(JSON.stringify(g.keep)));
      if (Array.isArray(g?.remove)) out.removed.push(...parseSnapshots(JSON.stringify(g.remove)));
    }
    return out;
  }
  return out;
}

/**
 * The folders a reader passes through to reach each of `paths`: from the home down, the home included, the paths
 * themselves not (each once, in order). A path not below the home is refused.
 */
export function foldersAbove(home: string, paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const rest = p.startsWith(`${home}/`) ? p.slice(home.length + 1).split('/') : [];
    if (rest.length === 0 || rest.some((part) => part === '' || part === '.' || part === '..'))
      throw new RangeError(`${p} is not a folder below ${home}`);
    let dir = home;
    for (const part of ['', ...rest.slice(0, -1)]) {
      dir = part === '' ? home : `${dir}/${part}`;
      if (!out.includes(dir)) out.push(dir);
    }
  }
  return out;
}

/**
 * Runs a `--json` restic command (argv as built, the password on its stdin; `options`: exec's environment) whose
 * status lines go to `onStatus` as they come (the others are answered in `stdout`); an exit code not in `expect`
 * throws a CommandError.
 */
export async function resticJson(
  exec: Exec,
  argv: readonly string[],
  password: string,
  expect: readonly number[],
  onStatus?: (status: ResticStatus) => void,
  options: { env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string }> {
  const run = exec.stream(argv, { input: `${password}\n`, timeoutMs: 3_600_000, ...options });
  const kept: string[] = [];
  for await (const line of run.lines) {
    const status = line.startsWith('{"message_type":"status"') ? statusOf(line) : null;
    if (status) onStatus?.(status);
    else kept.push(line);
  }
  const end = await run.done;
  const stdout = kept.join('\n');
  if (end.code === null || !expect.includes(end.code)) {
    throw new CommandError({
      argv: [...argv],
      exitCode: end.code,
      signal: end.signal,
      stdout,
      stderr: end.stderr,
      timedOut: end.stopped,
    });
  }
  return { code: end.code, stdout };
}

export class Restic {
  constructor(private readonly exec: Exec) {}

  /** Creates the repository (its folder included) unless one is there. */
  async init(s: CompartmentSession, repo: string, password: string): Promise<'created' | 'exists'> {
    const cat = await this.exec.run(restic(s, repo, ['cat', 'config']), {
      input: `${password}\n`,
      expectCodes: [0, 1, 10],
      timeoutMs: 60_000,
    });
    if (cat.code === 0) return 'exists';
    await this.exec.run(restic(s, repo, ['init']), { input: `${password}\n${password}\n`, timeoutMs: 120_000 });
    return 'created';
  }

  /**
   * Removes the locks of restic processes that are gone (a backup killed midway leaves its lock, and the next
   * command would wait for it); a live process's lock stays.
   */
  private async unlock(s: CompartmentSession, repo: string, password: string): Promise<void> {
    await this.exec.run(restic(s, repo, ['unlock']), { input: `${password}\n`, timeoutMs: 60_000 });
  }

  async backup(
    s: CompartmentSession,
    repo: string,
    password: string,
    paths: readonly string[],
    tags: readonly string[],
    onStatus?: (status: ResticStatus) => void,
  ): Promise<ResticSummary> {
    const args = ['backup', '--json', '--host', 'quadletman', ...tags.flatMap((t) => ['--tag', t]), '--', ...paths];
    const argv = restic(s, repo, args, STATUS_ENV);
    // A backup's lock is shared: only an exclusive lock stops it (exit 11), such as one a killed prune left.
    // Then the stale locks are removed and the backup runs again; otherwise no `unlock` (each restic run
    // costs a key derivation).
    let r = await resticJson(this.exec, argv, password, [0, 11], onStatus);
    if (r.code === 11) {
      await this.unlock(s, repo, password);
      r = await resticJson(this.exec, argv, password, [0], onStatus);
    }
    const summary = parseBackupSummary(r.stdout);
    if (!summary) throw new Error('restic backup gave no summary');
    return summary;
  }

  async snapshots(s: CompartmentSession, repo: string, password: string): Promise<ResticSnapshot[]> {
    const r = await this.exec.run(restic(s, repo, ['snapshots', '--json']), {
      input: `${password}\n`,
      timeoutMs: 120_000,
    });
    return parseSnapshots(r.stdout);
  }

  /** `restic forget --prune` of the compartment's snapshots (forgetArgs), after removing stale locks. */
  async forget(
    s: CompartmentSession,
    repo: string,
    password: string,
    compartmentTag: string,
    keep: BackupKeep,
  ): Promise<ForgetResult> {
    const args = forgetArgs(compartmentTag, keep);
    await this.unlock(s, repo, password);
    const r = await this.exec.run(restic(s, repo, args), { input: `${password}\n`, timeoutMs: 3_600_000 });
    return parseForget(r.stdout);
  }

  /**
   * Restores a snapshot under `target` (its absolute paths below it), owners and modes included, and verifies
   * what it wrote (`--verify`: read back, checked against the snapshot). `readOnly`: the
   * repository is another user's, readable only: restic writes no lock into it (`--no-lock`).
   */
  async restore(
    s: CompartmentSession,
    repo: string,
    password: string,
    snapshot: string,
    target: string,
    options: { readOnly?: boolean; onStatus?: (status: ResticStatus) => void } = {},
  ): Promise<void> {
    // --verify: the files written are read back and checked against the snapshot before anything is swapped
    const args = [
      ...(options.readOnly ? ['--no-lock'] : []),
      'restore',
      '--json',
      '--verify',
      '--target',
      target,
      '--',
      snapshot,
    ];
    await resticJson(this.exec, restic(s, repo, args, STATUS_ENV), password, [0], options.onStatus);
  }

  /** The direct children of the folder `path` in the snapshot (parseLs). */
  async ls(s: CompartmentSession, repo: string, password: string, snapshot: string, path: string) {
    const r = await this.exec.run(restic(s, repo, ['ls', '--json', '--', snapshot, path]), {
      input: `${password}\n`,
      timeoutMs: 600_000,
    });
    return parseLs(r.stdout, path);
  }

  /** Restores only the files and folders `includes` (absolute paths in the snapshot, each with its contents). */
  async restoreFiles(
    s: CompartmentSession,
    repo: string,
    password: string,
    snapshot: string,
    target: string,
    includes: readonly string[],
  ): Promise<void> {
    if (includes.length === 0) throw new RangeError('nothing to restore');
    const args = [
      'restore',
      '--verify',
      '--target',
      target,
      ...includes.flatMap((p) => ['--include', p]),
      '--',
      snapshot,
    ];
    await this.exec.run(restic(s, repo, args), { input: `${password}\n`, timeoutMs: 3_600_000 });
  }

  /**
   * Inside the user namespace: puts the staged copy of a file or folder at `path`, the one there (if any) moved
   * to `previous` first (and moved back if the staged one cannot be put in place). 'missing': nothing was staged
   * (the snapshot has no such path); nothing changed.
   */
  async putStaged(
    s: CompartmentSession,
    f: { staged: string; path: string; previous: string },
  ): Promise<'replaced' | 'created' | 'missing'> {
    const script = [
      'set -eu',
      '[ -e "$1" ] || [ -L "$1" ] || exit 3',
      'if [ -e "$2" ] || [ -L "$2" ]; then',
      '  mv -T -- "$2" "$3"',
      '  mv -T -- "$1" "$2" || { mv -T -- "$3" "$2"; exit 1; }',
      '  echo replaced',
      'else',
      '  mkdir -p -- "$(dirname -- "$2")"',
      '  mv -T -- "$1" "$2"',
      '  echo created',
      'fi',
    ].join('\n');
    const r = await this.exec.run(userPodman(s, ['unshare', 'sh', '-c', script, 'sh', f.staged, f.path, f.previous]), {
      timeoutMs: 600_000,
      expectCodes: [0, 3],
    });
    if (r.code === 3) return 'missing';
    return r.stdout.trim() === 'created' ? 'created' : 'replaced';
  }

  /**
   * As the compartment's own user, outside its namespace (the repository's files are its own uid's; the reader's
   * uid is not mapped inside the namespace): ACL entries that let `reader` pass through the folders from the home
   * down to each of `paths` (`u:reader:X`) and read each of `paths` with everything below it (`u:reader:rX`).
   */
  async grantRead(s: CompartmentSession, reader: LinuxUser, paths: readonly string[]): Promise<void> {
    const above = foldersAbove(s.home, paths);
    await this.exec.run(asUser(s, ['setfacl', '-m', `u:${reader}:X`, '--', ...above]), { timeoutMs: 60_000 });
    await this.exec.run(asUser(s, ['setfacl', '-R', '-m', `u:${reader}:rX`, '--', ...paths]), {
      timeoutMs: 600_000,
    });
  }

  /** Removes what grantRead added: `reader`'s ACL entries on `paths` (recursively) and the folders above them. */
  async revokeRead(s: CompartmentSession, reader: LinuxUser, paths: readonly string[]): Promise<void> {
    const above = foldersAbove(s.home, paths);
    const runs = [
      asUser(s, ['setfacl', '-R', '-x', `u:${reader}`, '--', ...paths]),
      asUser(s, ['setfacl', '-x', `u:${reader}`, '--', ...above]),
    ];
    // both, even when the first fails; then the first failure
    let failure: unknown;
    for (const argv of runs) {
      try {
        await this.exec.run(argv, { timeoutMs: 600_000 });
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** `restic check`: the repository's structure is sound. */
  async check(s: CompartmentSession, repo: string, password: string): Promise<{ ok: boolean; output: string }> {
    await this.unlock(s, repo, password);
    const r = await this.exec.run(restic(s, repo, ['check']), {
      input: `${password}\n`,
      expectCodes: [0, 1],
      timeoutMs: 600_000,
    });
    return { ok: r.code === 0, output: `${r.stdout}${r.stderr}`.trim() };
  }

  /**
   * Inside the user namespace: moves the contents of each `dirs[i].path` into `dirs[i].aside`, then the
   * contents of `dirs[i].staged` into `dirs[i].path`. The folders themselves stay (a volume folder's parent is
   * root's). On a failure midway, what was moved aside is moved back.
   */
  async swapContents(s: CompartmentSession, dirs: readonly { path: string; staged: string; aside: string }[]) {
    const script = [
      'set -eu',
      // move_all FROM TO: every entry of FROM (dot files too) into TO
      'move_all() { find "$1" -mindepth 1 -maxdepth 1 -exec mv -t "$2" -- {} +; }',
      'while [ $# -gt 0 ]; do',
      '  mkdir -p "$3"',
      '  if ! { move_all "$1" "$3" && { [ ! -d "$2" ] || move_all "$2" "$1"; }; }; then',
      '    find "$1" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +; move_all "$3" "$1"; exit 1',
      '  fi',
      '  shift 3',
      'done',
    ].join('\n');
    const args = dirs.flatMap((d) => [d.path, d.staged, d.aside]);
    await this.exec.run(userPodman(s, ['unshare', 'sh', '-c', script, 'sh', ...args]), { timeoutMs: 3_600_000 });
  }

  /**
   * Readies SSH for an SFTP repository (sshSetupArgv) as the compartment user, not in its namespace: the files are
   * its own. Answers the public key and the host key fingerprints.
   */
  async sshSetup(
    s: CompartmentSession,
    l: Extract<RepositoryLocation, { kind: 'sftp' }>,
    scan: boolean,
  ): Promise<{ publicKey: string; hostKeys: string[] }> {
    const r = await this.exec.run(asUser(s, sshSetupArgv(sshDir(s), l, `quadletman-${s.user}`, scan)), {
      timeoutMs: 60_000,
      expectCodes: [0, 3],
    });
    return parseSshSetup(r, l);
  }

  /**
   * As the compartment's user: REST and S3 locations get the file restic reads the repository's address from
   * (with a REST server's credentials in it) and, for S3, the credentials file; other locations get neither. The
   * secrets go on stdin, never in argv; the files are the user's, mode 0600, replaced whole.
   */
  async setAccess(s: CompartmentSession, l: RepositoryLocation, credentials?: RepositoryCredentials): Promise<void> {
    const web = l.kind === 'rest' || l.kind === 's3';
    const repo = web ? `${resticRepo(l, l.kind === 'rest' ? credentials : undefined)}\n` : '';
    const s3 = l.kind === 's3' && credentials ? s3CredentialsFile(credentials) : '';
    await this.putPrivateFile(s, repositoryFile(s), repo);
    await this.putPrivateFile(s, s3CredentialsPath(s), s3);
  }

  /** As the user: `content` (on stdin) replaces the file at `path` (mode 0600); '' removes it. */
  private async putPrivateFile(s: CompartmentSession, path: string, content: string): Promise<void> {
    const script = [
      'set -eu',
      'umask 077',
      'if [ "$2" = remove ]; then rm -f "$1"; exit 0; fi',
      'mkdir -p "$(dirname "$1")"',
      'cat > "$1.new"',
      'mv -f "$1.new" "$1"',
    ].join('\n');
    await this.exec.run(asUser(s, ['sh', '-c', script, 'sh', path, content === '' ? 'remove' : 'write']), {
      ...(content === '' ? {} : { input: content }),
      timeoutMs: 60_000,
    });
  }

  /** Removes folders inside the user namespace (staging and set-aside copies, whatever owns their files). */
  async removeTrees(s: CompartmentSession, paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    await this.exec.run(userPodman(s, ['unshare', 'rm', '-rf', '--', ...paths]), { timeoutMs: 600_000 });
  }
}
