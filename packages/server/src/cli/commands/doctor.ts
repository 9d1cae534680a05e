/**
 * `quadletman doctor [--format text|json]`: checks that this machine can run compartments (rootless Podman
 * with Quadlet under systemd). Only reads the machine. Exit 0 when no check fails (warnings allowed), 1 otherwise.
 */
import { type Command, Option } from 'commander';
import { type DoctorReport, runDoctor } from '../../host/doctor';
import { out } from '../output';

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

export function formatDoctorText(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.id.length));
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${MARK[c.status]}  ${c.id.padEnd(width)}  ${c.message}`);
    if (c.fix && c.status !== 'ok') lines.push(`${' '.repeat(width + 8)}fix: ${c.fix}`);
  }
  const { ok, warn, fail } = report.summary;
  lines.push(`${report.checks.length} checks: ${ok} ok, ${warn} warning${warn === 1 ? '' : 's'}, ${fail} failed`);
  return `${lines.join('\n')}\n`;
}

/** `{"ok","summary":{"ok","warn","fail"},"checks":[{"id","status","message","fix"?,"details"?}]}` */
export function formatDoctorJson(report: DoctorReport): string {
  return `${JSON.stringify(report)}\n`;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check that this machine can run compartments: podman ≥ 4.4 with Quadlet, systemd, cgroup v2, …')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: { format: 'text' | 'json' }) => {
      const report = await runDoctor();
      out(opts.format === 'json' ? formatDoctorJson(report) : formatDoctorText(report));
      process.exitCode = report.ok ? 0 : 1;
    });
}
