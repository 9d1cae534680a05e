/**
 * `quadletman fmt`: rewrites unit files in canonical form (or, with --check, lists those that are not).
 * Exit 0 when everything is canonical (or was rewritten), 1 with --check when some file is not, 2 on bad usage.
 */
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseUnitFile, serializeCanonical } from '@quadletman/quadlet';
import type { Command } from 'commander';
import { out } from '../output';
import { isUnitOrDropIn, listUnitSet, NOT_A_UNIT_FILE } from '../unit-set';
import { UsageError } from '../usage';

function unitFilesOf(arg: string): string[] {
  const abs = resolve(arg);
  const st = statSync(abs, { throwIfNoEntry: false });
  if (!st) throw new UsageError(`${arg}: no such file or directory`);
  if (st.isDirectory()) return listUnitSet(abs).paths.map((p) => join(abs, p));
  if (!isUnitOrDropIn(abs)) throw new UsageError(`${arg}: ${NOT_A_UNIT_FILE}`);
  return [abs];
}

/** Replaces a file's content atomically (temp file in the same directory, then rename). */
function replaceFile(path: string, text: string): void {
  const tmp = join(dirname(path), `.${Date.now()}.${process.pid}.fmt.tmp`);
  const mode = statSync(path).mode & 0o7777;
  writeFileSync(tmp, text, { mode, flush: true });
  renameSync(tmp, path);
}

export function registerFmt(program: Command): void {
  program
    .command('fmt')
    .description('Rewrite Quadlet unit files and systemd units in canonical form.')
    .argument('<paths...>', 'unit files or directories')
    .option('--check', 'only list the files that are not canonical; exit 1 if any')
    .action((paths: string[], opts: { check?: boolean }) => {
      const files = paths.flatMap(unitFilesOf);
      let changed = 0;
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        const canonical = serializeCanonical(parseUnitFile(text));
        if (canonical === text) continue;
        changed++;
        if (opts.check) out(`${file}\n`);
        else {
          replaceFile(file, canonical);
          out(`formatted ${file}\n`);
        }
      }
      process.exitCode = opts.check && changed > 0 ? 1 : 0;
    });
}
