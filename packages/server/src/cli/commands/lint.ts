/**
 * `quadletman lint`: lints Quadlet unit sets (a directory is one set; a file is linted within its
 * directory). Exit 0 when no file has an error, 1 when any has, 2 on bad usage.
 */
import { statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { type FileReport, lintSet, NEWEST_PODMAN, type PodmanVersion, parseVersion } from '@quadletman/quadlet';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { out } from '../output';
import { readUnitSet } from '../unit-set';
import { UsageError } from '../usage';

export interface LintedPath {
  /** The path as given on the command line. */
  arg: string;
  reports: FileReport[];
}

export function lintPaths(paths: readonly string[], version: PodmanVersion): LintedPath[] {
  return paths.map((arg) => {
    const abs = resolve(arg);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st) throw new UsageError(`${arg}: no such file or directory`);
    const isDir = st.isDirectory();
    const set = readUnitSet(isDir ? abs : dirname(abs));
    const reports = lintSet(set.files, { podmanVersion: version, otherFiles: set.otherFiles });
    const only = isDir ? undefined : basename(abs);
    if (only !== undefined && !set.files.some((f) => f.path === only)) {
      throw new UsageError(`${arg}: not a Quadlet unit file or drop-in`);
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
    .description('Lint Quadlet unit files; a directory is linted as one unit set.')
    .argument('<paths...>', 'unit files or directories')
    .option(
      '--podman-version <X.Y>',
      "the Podman version to check against (default: the host's, else the newest known)",
      parsePodmanVersion,
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (paths: string[], opts: { podmanVersion?: PodmanVersion; format: 'text' | 'json' }) => {
      // (asking podman needs node's child_process: loaded only then)
      const version = opts.podmanVersion ?? (await import('../podman-version')).hostPodmanVersion() ?? NEWEST_PODMAN;
      const linted = lintPaths(paths, version);
      out(opts.format === 'json' ? formatJson(linted) : formatText(linted));
      const anyError = linted.some((l) => l.reports.some((r) => r.diagnostics.some((d) => d.severity === 'error')));
      process.exitCode = anyError ? 1 : 0;
    });
}
