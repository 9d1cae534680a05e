/**
 * `quadletman explain FILE`: shows the podman command lines the host's real Quadlet generator makes of a
 * unit, by running it in dry-run mode over a copy of the unit's directory.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getAll, parseGeneratorOutput, parseUnitFile } from '@quadletman/quadlet';
import type { Command } from 'commander';
import { err, out } from '../output';
import { UsageError } from '../usage';

/** The checkout quadletman runs from (the sources or the bundle in dist/ both live inside it). */
function projectRoot(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'scripts/oracle/fetch-quadlet.sh'))) return dir;
  }
  return undefined;
}

/** Where a Quadlet generator may be: an explicit override, the host's podman, the project's oracle cache. */
export function findGenerator(): string | undefined {
  const candidates = [
    process.env.QUADLETMAN_QUADLET,
    '/usr/libexec/podman/quadlet',
    '/usr/lib/podman/quadlet',
    '/usr/lib/systemd/system-generators/podman-system-generator',
    ((root) => root && join(root, '.cache/oracle/podman/usr/libexec/podman/quadlet'))(projectRoot()),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description("Show the podman command lines Podman's Quadlet generator makes of a unit file.")
    .argument('<file>', 'a Quadlet unit file')
    .action((file: string) => {
      const abs = resolve(file);
      if (!existsSync(abs)) throw new UsageError(`${file}: no such file`);
      const generator = findGenerator();
      if (!generator) {
        err(
          "quadletman explain needs Podman's Quadlet generator (podman ≥ 4.4), and none was found.\n" +
            'Install podman ≥ 4.4, or run scripts/oracle/fetch-quadlet.sh to fetch one into .cache/oracle/,\n' +
            'or point QUADLETMAN_QUADLET at a quadlet binary.\n',
        );
        process.exitCode = 1;
        return;
      }
      const stage = mkdtempSync(join(tmpdir(), 'quadletman-explain-'));
      try {
        cpSync(dirname(abs), stage, { recursive: true });
        const r = spawnSync(generator, ['-dryrun', '-user'], {
          env: { ...process.env, QUADLET_UNIT_DIRS: stage },
          encoding: 'utf8',
          timeout: 60_000,
          maxBuffer: 256 * 1024 * 1024,
        });
        const result = parseGeneratorOutput(r.stdout ?? '', r.stderr ?? '');
        const name = basename(abs);
        const reason = result.loadErrors.get(name) ?? result.rejected.get(name);
        if (reason !== undefined || result.crashed) {
          err(`The generator rejects ${name}: ${reason ?? 'it crashed'}\n`);
          process.exitCode = 1;
          return;
        }
        const source = join(stage, name);
        for (const [service, text] of result.units) {
          const unit = parseUnitFile(text);
          if (!getAll(unit, 'Unit', 'SourcePath').some((e) => e.value === source)) continue;
          out(`# ${service}\n`);
          for (const key of ['ExecStartPre', 'ExecStart', 'ExecReload', 'ExecStop', 'ExecStopPost']) {
            for (const e of getAll(unit, 'Service', key)) out(`${key}=${e.value}\n`);
          }
          return;
        }
        err(`The generator made no unit of ${name}.\n`);
        process.exitCode = 1;
      } finally {
        rmSync(stage, { recursive: true, force: true });
      }
    });
}
