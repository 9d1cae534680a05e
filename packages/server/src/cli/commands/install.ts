/**
 * `quadletman install`: writes /etc/systemd/system/quadletman.service (atomically) running `quadletman serve`,
 * reloads systemd and enables (and starts) it. Refuses where systemd is not PID 1.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { escapeSpecifiers, formatEntry, formatSectionHeader, joinWords } from '@quadletman/quadlet';
import type { Command } from 'commander';
import { ConflictError } from '../../core/errors.js';
import { hostExec } from '../../host/exec.js';
import { writeSystemFileAtomic } from '../../host/fs.js';
import { globalOptions } from '../context.js';
import { out } from '../output';
import { DEFAULT_LISTEN, parseListen } from './serve.js';

export const UNIT_PATH = '/etc/systemd/system/quadletman.service';

/** The unit text for a command line (argv[0] absolute), through the one unit-file encoder. */
export function renderServiceUnit(argv: readonly string[]): string {
  const exec = escapeSpecifiers(joinWords(argv));
  const section = (name: string, entries: [string, string][]) =>
    [formatSectionHeader(name), ...entries.map(([k, v]) => formatEntry(k, v))].join('\n');
  return `${[
    '# Written by `quadletman install`; run it again to change the options.',
    section('Unit', [
      ['Description', 'quadletman: control plane for rootless Podman'],
      ['Wants', 'network-online.target'],
      ['After', 'network-online.target'],
    ]),
    '',
    section('Service', [
      ['Type', 'simple'],
      ['ExecStart', exec],
      ['Restart', 'on-failure'],
      ['RestartSec', '2s'],
      ['UMask', '0077'],
      ['Environment', 'NODE_ENV=production'],
    ]),
    '',
    section('Install', [['WantedBy', 'multi-user.target']]),
  ].join('\n')}\n`;
}

/** How to run this very CLI again: bin/quadletman when it sits in a checkout, else node + this script. */
function selfCommand(): string[] {
  const script = realpathSync(process.argv[1] ?? '');
  for (let dir = dirname(script), i = 0; i < 5; i++, dir = dirname(dir)) {
    const bin = join(dir, 'bin/quadletman');
    if (existsSync(bin)) return [bin];
  }
  return [process.execPath, '--optimize-for-size', script];
}

export function registerInstall(program: Command): void {
  program
    .command('install')
    .description(`install quadletman as a systemd service (${UNIT_PATH}) and start it`)
    .option('--listen <host:port>', 'address the service listens on', DEFAULT_LISTEN)
    .option('--tls-cert <file>', 'PEM certificate for HTTPS')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--no-start', 'write and enable the unit, but do not start it now')
    .action(async (o: { listen: string; tlsCert?: string; tlsKey?: string; start: boolean }, cmd: Command) => {
      parseListen(o.listen);
      if (!existsSync('/run/systemd/system')) {
        throw new ConflictError(
          'systemd is not PID 1 on this machine, so there is nothing to install the service into. ' +
            'Run `quadletman serve` directly (or under your own supervisor) instead.',
        );
      }
      const { dataDir } = globalOptions(cmd);
      const argv = [
        ...selfCommand(),
        ...(dataDir ? ['--data-dir', resolve(dataDir)] : []),
        'serve',
        '--listen',
        o.listen,
        ...(o.tlsCert ? ['--tls-cert', resolve(o.tlsCert)] : []),
        ...(o.tlsKey ? ['--tls-key', resolve(o.tlsKey)] : []),
      ];
      await writeSystemFileAtomic(UNIT_PATH, renderServiceUnit(argv), 0o644);
      await hostExec.run(['systemctl', 'daemon-reload']);
      await hostExec.run(['systemctl', 'enable', ...(o.start ? ['--now'] : []), 'quadletman.service'], {
        timeoutMs: 60_000,
      });
      out(
        `wrote ${UNIT_PATH}; quadletman.service is enabled${o.start ? ' and started' : ''}.\n` +
          'On first start it prints a one-time setup token: `journalctl -u quadletman` shows it.\n',
      );
    });
}
