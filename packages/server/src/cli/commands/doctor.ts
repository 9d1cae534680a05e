/**
 * `quadletman doctor [--format text|json] [--listen HOST:PORT]`: checks that this machine can run compartments
 * (rootless Podman with Quadlet under systemd). Only reads the machine. With --listen (the address `serve`
 * listens on) it also reads the compartments' desired state from the store, when there is one, and checks that
 * no compartment publishes a port on the UI's host name. Exit 0 when no check fails (warnings allowed), 1
 * otherwise.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import type { PublishedPort } from '../../core/ui-host';
import { type DoctorInput, type DoctorReport, runDoctor } from '../../host/doctor';
import { globalOptions } from '../context';
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

/** The ports the store's desired states publish; none when there is no database yet (nothing is created). */
async function publishedPortsOf(dataDir: string | undefined): Promise<PublishedPort[]> {
  const { DB_FILE, DEFAULT_DATA_DIR } = await import('../../store/db');
  if (!existsSync(join(dataDir ?? DEFAULT_DATA_DIR, DB_FILE))) return [];
  const { openStore } = await import('../../store/index');
  const { publishedPortsIn } = await import('../../core/published-ports');
  const store = openStore(dataDir ? { dataDir } : {});
  try {
    return publishedPortsIn(store.compartments);
  } finally {
    store.close();
  }
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check that this machine can run compartments: podman ≥ 4.4 with Quadlet, systemd, cgroup v2, …')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--listen <host:port>', 'the address `serve` listens on: check that no compartment publishes a port there')
    .action(async (opts: { format: 'text' | 'json'; listen?: string }, cmd: Command) => {
      const input: DoctorInput = {};
      if (opts.listen) {
        const { parseListen } = await import('./serve');
        const listen = parseListen(opts.listen);
        input.ui = { listen, published: await publishedPortsOf(globalOptions(cmd).dataDir) };
      }
      const report = await runDoctor(undefined, input);
      out(opts.format === 'json' ? formatDoctorJson(report) : formatDoctorText(report));
      process.exitCode = report.ok ? 0 : 1;
    });
}
