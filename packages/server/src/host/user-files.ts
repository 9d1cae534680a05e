// File work inside a compartment's home, done AS the compartment user. Changes on the machine: whatever the
// batch asks, below that user's home only: files written atomically, files and folders removed, folders
// made, and the generator's dry-run staging. This module starts agent/file-agent.cjs with the user's uid, gid
// and groups (session.ts's asUser) and reads its answer; no root process opens, reads, chmods or deletes a
// path inside a home, so a folder the user swaps for a symlink can lead nowhere the user could not go anyway.
// One process per batch: callers gather their operations (an apply's writes and removals, a plan's reads).

import { fileURLToPath } from 'node:url';
import { CommandError, ForbiddenError, InvalidError, NotFoundError } from '../core/errors.js';
import type { Exec } from './exec.js';
import { asUser, type CompartmentSession } from './session.js';

/** The agent's file: beside this module in the sources, in dist/cli/agent/ in the CLI's bundle. It must be
 * readable by every compartment user, and writable by root only. */
export const FILE_AGENT = fileURLToPath(new URL('./agent/file-agent.cjs', import.meta.url));

export type FileOp =
  | { op: 'write'; path: string; text: string; mode?: number; dirMode?: number; durable?: boolean }
  | { op: 'read'; path: string }
  | { op: 'read-tree'; dirs: readonly string[] }
  | { op: 'remove'; path: string; recursive?: boolean }
  | { op: 'list'; path: string }
  | { op: 'mkdir'; path: string; mode?: number }
  | {
      op: 'dry-run';
      bin: string;
      stage: string;
      files: Readonly<Record<string, string>>;
      args?: readonly string[];
      timeoutMs?: number;
    };

export interface TreeFile {
  /** Relative to the home. */
  path: string;
  text: string;
  mode: number;
}

export interface AgentEntry {
  name: string;
  kind: 'file' | 'dir' | 'symlink' | 'other';
}

export interface AgentDryRun {
  code: number;
  signal: string | null;
  stdout: string;
  stderr: string;
}

type Result = { ok: true; [k: string]: unknown } | { ok: false; code: string; message: string };

/** The errors of the agent, as quadletman's own: a missing file is NotFound, a refused or denied path Forbidden. */
function agentError(code: string, message: string, s: CompartmentSession): Error {
  const where = `in the home of ${s.user}`;
  if (code === 'ENOENT') return new NotFoundError(`${message} (${where})`);
  if (['EREFUSED', 'EACCES', 'EPERM', 'ELOOP', 'ENOTDIR', 'EISDIR'].includes(code)) {
    return new ForbiddenError(`${message} (${where})`);
  }
  return new InvalidError(`${message} (${where})`);
}

export class UserFiles {
  constructor(
    private readonly exec: Exec,
    readonly session: CompartmentSession,
    private readonly agent = FILE_AGENT,
  ) {}

  /** Runs the ops in order as the compartment user; the first failure is raised (the ops after it did not run). */
  async batch(ops: readonly FileOp[], options: { timeoutMs?: number } = {}): Promise<Record<string, unknown>[]> {
    if (ops.length === 0) return [];
    const argv = asUser(this.session, [process.execPath, this.agent]);
    const r = await this.exec.run(argv, { input: JSON.stringify({ ops }), timeoutMs: options.timeoutMs ?? 120_000 });
    let answer: { results?: Result[] };
    try {
      answer = JSON.parse(r.stdout) as { results?: Result[] };
    } catch {
      throw new CommandError(
        { argv, exitCode: r.code, signal: null, stdout: r.stdout.slice(0, 2000), stderr: r.stderr, timedOut: false },
        { message: `the file agent of ${this.session.user} gave no answer` },
      );
    }
    const results = answer.results ?? [];
    if (results.length !== ops.length)
      throw new InvalidError(`the file agent answered ${results.length} of ${ops.length} operations`);
    return results.map((res) => {
      if (!res.ok) throw agentError(res.code, res.message, this.session);
      return res;
    });
  }

  async readTree(dirs: readonly string[]): Promise<TreeFile[]> {
    const [r] = await this.batch([{ op: 'read-tree', dirs }]);
    return r!.files as TreeFile[];
  }

  /** The text of one regular file (not through a symlink at its last component). */
  async readFile(path: string): Promise<string> {
    const [r] = await this.batch([{ op: 'read', path }]);
    return r!.text as string;
  }

  async list(path: string): Promise<AgentEntry[]> {
    const [r] = await this.batch([{ op: 'list', path }]);
    return r!.entries as AgentEntry[];
  }

  async write(path: string, text: string, options: { mode?: number; dirMode?: number } = {}): Promise<void> {
    await this.batch([{ op: 'write', path, text, ...options }]);
  }

  async remove(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    await this.batch([{ op: 'remove', path, ...options }]);
  }

  /** The generator `bin` over exactly `files`, staged in a fresh folder under `stage` (relative to the home). */
  async dryRun(
    bin: string,
    stage: string,
    files: Readonly<Record<string, string>>,
    timeoutMs = 60_000,
  ): Promise<AgentDryRun> {
    const [r] = await this.batch([{ op: 'dry-run', bin, stage, files, timeoutMs }], { timeoutMs: timeoutMs + 30_000 });
    return r as unknown as AgentDryRun;
  }
}
