/**
 * `quadletman lint`: lints Quadlet unit sets (a directory is one set; a file is linted within its
 * directory). Exit 0 when no file has an error, 1 when any has, 2 on bad usage.
 */
import { statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import {
  type FileReport,
  type LintScope,
  lintSet,
  NEWEST_PODMAN,
  type PodmanVersion,
  parseVersion,
} from '@quadletman/quadlet';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { out } from '../output';
import { NOT_A_UNIT_FILE, readUnitSet } from '../unit-set';
import { UsageError } from '../usage';

export interface LintedPath {
  /** The path as given on the command line. */
  arg: string;
  reports: FileReport[];
}

/** The folders the system's (rootful) Quadlet generator reads; their `users/` subfolders hold rootless units. */
const SYSTEM_UNIT_DIRS = ['/etc/containers/systemd', '/usr/share/containers/systemd', '/run/containers/systemd'];

/** Whose systemd manager runs the units of a folder (an absolute path), judged by where it is. */
export function scopeOfFolder(dir: string): LintScope {
  for (const root of SYSTEM_UNIT_DIRS) {
    if (dir === root) return 'system';
    if (dir.startsWith(`${root}/`)) return dir.slice(root.length + 1).split('/')[0] === 'users' ? 'user' : 'system';
  }
  return 'user';
}

/** Lints each path as a set; `scope` when given, else the scope its folder says. */
export function lintPaths(paths: readonly string[], version: PodmanVersion, scope?: LintScope): LintedPath[] {
  return paths.map((arg) => {
    const abs = resolve(arg);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st) throw new UsageError(`${arg}: no such file or directory`);
    const isDir = st.isDirectory();
    const dir = isDir ? abs : dirname(abs);
    const set = readUnitSet(dir);
    const reports = lintSet(set.files, {
      podmanVersion: version,
      scope: scope ?? scopeOfFolder(dir),
      otherFiles: set.otherFiles,
    });
    const only = isDir ? undefined : basename(abs);
    if (only !== undefined && !set.files.some((f) => f.path === only)) {
      throw new UsageError(`${arg}: ${NOT_A_UNIT_FILE}`);
    }
    return { arg, reports: only === undefined ? reports : reports.filter((r) => r.path === only) };
  });
}

export function formatText(linted: readonly LintedPath[]): string {
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const { arg, reports } of linted) {
    const isFileArg = reports.length === 1 && arg.endsWith(reports[0]!.path);
    for (const r of reports) {
      const shown = isFileArg ? arg : `${arg.replace(/\/+$/, '')}/${r.path}`;
      for (const d of r.diagnostics) {
        if (d.severity === 'error') errors++;
        else if (d.severity === 'warning') warnings++;
        const where = d.line > 0 ? `${shown}:${d.line}` : shown;
        lines.push(`${where}: ${d.severity}: ${d.message} [${d.code}]`);
      }
    }
  }
  const files = linted.reduce((n, l) => n + l.reports.length, 0);
  lines.push(
    `${files} file${files === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The JSON report: `{"files":[{"path","diagnostics":[{"severity","code","message","line","key"}]}]}`. */
export function formatJson(linted: readonly LintedPath[]): string {
  const files = linted.flatMap(({ reports }) =>
    reports.map((r) => ({
      path: r.path,
      diagnostics: r.diagnostics.map((d) => ({
        severity: d.severity,
        code: d.code,
        message: d.message,
        line: d.line,
        key: d.key ?? '',
      })),
    })),
  );
  return `${JSON.stringify({ files })}\n`;
}

export const parsePodmanVersion = (v: string): PodmanVersion => {
  const parsed = parseVersion(v);
  if (!parsed) throw new InvalidArgumentError(`'${v}' is not a Podman version like 5.4`);
  return parsed;
};

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description('Lint Quadlet unit files and the systemd units beside them; a directory is linted as one unit set.')
    .argument('<paths...>', 'unit files or directories')
    .option(
      '--podman-version <X.Y>',
      "the Podman version to check against (default: the host's, else the newest known)",
      parsePodmanVersion,
    )
    .addOption(
      new Option(
        '--scope <scope>',
        "whose systemd runs the units: user (rootless) or system (rootful) (default: system for the system's Quadlet folders, /etc/containers/systemd and the like, except their users/ subfolders; else user)",
      ).choices(['user', 'system']),
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(
      async (paths: string[], opts: { podmanVersion?: PodmanVersion; scope?: LintScope; format: 'text' | 'json' }) => {
        // (asking podman needs node's child_process: loaded only then)
        const version =
          opts.podmanVersion ?? (await import('../../host/podman-version.js')).hostPodmanVersionSync() ?? NEWEST_PODMAN;
        const linted = lintPaths(paths, version, opts.scope);
        out(opts.format === 'json' ? formatJson(linted) : formatText(linted));
        const anyError = linted.some((l) => l.reports.some((r) => r.diagnostics.some((d) => d.severity === 'error')));
        process.exitCode = anyError ? 1 : 0;
      },
    );
}
