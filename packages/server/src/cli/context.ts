/**
 * What compartment commands share: the application context (opened once per run, with any apply a crash
 * interrupted rolled back first), output in text or JSON, and the mapping of errors to exit codes.
 */
import { type Command, Option } from 'commander';
import type { AppContext } from '../app.js';
import { isAppError } from '../core/errors.js';
import { DEFAULT_HOME_BASE, DEFAULT_VOLUMES_ROOT } from '../core/layout.js';
import { DEFAULT_HELPER_SOCKET } from '../host/helper/protocol.js';
import { readInstalledLayout, withInstalledLayout } from './installed-layout.js';
import { err, out } from './output';

export type Format = 'text' | 'json';

export const formatOption = () =>
  new Option('--format <format>', 'output format').choices(['text', 'json']).default('text');

/** Exit codes: 0 ok · 1 the operation failed (apply refused or rolled back, a command failed) · 2 bad usage or
 * invalid input · 3 not found · 4 conflict (exists already, busy) · 5 forbidden. */
export function exitCodeOf(err: unknown): number {
  if (!isAppError(err)) return 1;
  switch (err.code) {
    case 'invalid':
      return 2;
    case 'not_found':
      return 3;
    case 'conflict':
      return 4;
    case 'forbidden':
      return 5;
    default:
      return 1;
  }
}

export interface GlobalOptions {
  dataDir?: string;
  homesDir?: string;
  volumesDir?: string;
}

/** The global options of the root command, with the installed server's layout (installed-layout.ts) filled in. */
export function globalOptions(cmd: Command): GlobalOptions {
  let root = cmd;
  while (root.parent) root = root.parent;
  return withInstalledLayout(root.opts<GlobalOptions>(), readInstalledLayout());
}

/** Where compartment homes and managed volumes live: `--homes-dir` and `--volumes-dir`, else under the data folder
 * when one is given. The privileged helper and the server must agree on it: both take it from these options. */
export function layoutOf(o: GlobalOptions): { volumesRoot: string; homeBase: string } {
  return {
    volumesRoot: o.volumesDir ?? (o.dataDir ? `${o.dataDir}/volumes` : DEFAULT_VOLUMES_ROOT),
    homeBase: o.homesDir ?? (o.dataDir ? `${o.dataDir}/home` : DEFAULT_HOME_BASE),
  };
}

/** The privileged helper's socket for a process that is not root (the server's user running the CLI or `serve`):
 * `QUADLETMAN_HELPER_SOCKET`, else the installed one. Root needs none. */
export function defaultHelperSocket(): string | undefined {
  return process.env.QUADLETMAN_HELPER_SOCKET || (process.getuid?.() !== 0 ? DEFAULT_HELPER_SOCKET : undefined);
}

/** Opens the application for one command, recovering interrupted applies first. Without root, what needs root
 * goes through the privileged helper (`extra.helperSocket`, else defaultHelperSocket()). */
export async function withApp<T>(
  cmd: Command,
  fn: (app: AppContext) => Promise<T>,
  extra: { helperSocket?: string } = {},
): Promise<T> {
  const g = globalOptions(cmd);
  const { dataDir } = g;
  const { createApp } = await import('../app.js');
  const { volumesRoot, homeBase } = layoutOf(g);
  const helperSocket = extra.helperSocket ?? defaultHelperSocket();
  const app = createApp({
    ...(dataDir ? { dataDir } : {}),
    volumesRoot,
    host: { homeBase },
    ...(helperSocket ? { helperSocket } : {}),
  });
  try {
    if (app.store.journal.list().length > 0) {
      for (const r of await app.engine.recover()) {
        err(`recovered ${r.compartment} revision ${r.revision}: ${r.message}\n`);
      }
    }
    return await fn(app);
  } finally {
    // the first attempt of each event the command reported; retries are the server's (notifications.start())
    await app.notifications.flush().catch(() => {});
    app.close();
  }
}

export function print(format: Format, json: unknown, text: () => string): void {
  out(format === 'json' ? `${JSON.stringify(json, null, 2)}\n` : `${text()}\n`);
}

/** A table with left-aligned columns. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** Who runs the command: the person behind sudo when there is one. */
export const cliActor = (): string => process.env.SUDO_USER || process.env.USER || 'root';

/**
 * Runs a mutation and records it in the audit log (as the HTTP API records its own): `ok` when it returns,
 * `failed` when it throws (and the error goes on). `result` may turn a returned value into `failed` (an apply
 * that was refused or rolled back), or add details and the target learnt from it (what a deletion removed, the
 * revision an apply made). The target names the object changed (core/audit-target.ts).
 */
export async function audited<T>(
  app: AppContext,
  entry: { action: string; target: string; compartment?: string | null; details?: Record<string, unknown> },
  fn: () => Promise<T>,
  result: (
    value: T,
  ) => 'ok' | 'failed' | { result: 'ok' | 'failed'; target?: string; details?: Record<string, unknown> } = () => 'ok',
): Promise<T> {
  const record = (r: 'ok' | 'failed', extra?: Record<string, unknown>, target = entry.target) =>
    app.store.audit.append({
      actor: cliActor(),
      actorKind: 'cli',
      address: 'local',
      action: entry.action,
      target,
      compartment: entry.compartment ?? null,
      result: r,
      ...(entry.details || extra ? { details: { ...entry.details, ...extra } } : {}),
    });
  let value: T;
  try {
    value = await fn();
  } catch (err) {
    record('failed', { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
  const r = result(value);
  if (typeof r === 'string') record(r);
  else record(r.result, r.details, r.target);
  return value;
}
