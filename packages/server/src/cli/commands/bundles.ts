/**
 * Moving units in and out of compartments: `adopt ID DIR`, `export ID [-o FILE]`, `import ID FILE`. Each takes
 * `--format json`. adopt and import only check and report unless given `--apply`.
 */

import { renameSync, writeFileSync } from 'node:fs';
import { unitStateText } from '@quadletman/quadlet';
import type { Command } from 'commander';
import type { PreparedState } from '../../core/service/bundles.js';
import { applyJson, progress } from '../apply-output.js';
import { audited, cliActor, type Format, formatOption, print, withApp } from '../context.js';
import { err, out } from '../output';
import { readInput } from '../read-input.js';

function preparedJson(p: PreparedState) {
  return {
    compartment: p.compartment,
    created: p.created,
    units: p.units,
    files: p.files,
    lint: p.lint,
    lintErrors: p.lintErrors,
    warnings: p.warnings,
    plan: p.plan ?? null,
    apply: p.apply ? applyJson(p.apply) : null,
  };
}

function preparedText(p: PreparedState, apply: boolean): string[] {
  const lines = [`units: ${p.units.join(' ') || '-'}`];
  if (p.files.length > 0) lines.push(`files: ${p.files.join(' ')}`);
  for (const r of p.lint) {
    for (const d of r.diagnostics) {
      if (d.severity !== 'info') lines.push(`  ${r.path}:${d.line}: ${d.severity}: ${d.message} [${d.code}]`);
    }
  }
  for (const w of p.warnings) lines.push(`warning: ${w}`);
  if (p.plan && !apply) {
    const u = p.plan.units;
    lines.push(
      p.plan.noop
        ? 'plan: no changes'
        : `plan: ${p.plan.changes.map((c) => `${c.kind} ${c.path}`).join(', ')}; start ${u.start.join(' ') || '-'}; restart ${u.restart.join(' ') || '-'}; stop ${u.stop.join(' ') || '-'}`,
    );
  }
  if (p.apply) {
    lines.push(p.apply.message);
    for (const u of p.apply.units) lines.push(`  ${u.unit}: ${unitStateText(u)}`);
  } else if (!apply) {
    lines.push(
      p.lintErrors > 0
        ? `Nothing was changed; fix the ${p.lintErrors} lint error(s) first.`
        : `Nothing was changed. Run again with --apply to ${p.created ? 'create the compartment and ' : ''}apply it.`,
    );
  }
  return lines;
}

/** Exit code: 1 when the apply did not succeed, or (without --apply) when the set has lint errors. */
const exitOf = (p: PreparedState) =>
  p.apply ? (p.apply.outcome === 'applied' || p.apply.outcome === 'noop' ? 0 : 1) : p.lintErrors > 0 ? 1 : 0;

const readText = (file: string): string => readInput(file).text;

export function registerBundles(program: Command): void {
  program
    .command('adopt')
    .description(
      "Adopt a folder of Quadlet files (e.g. a user's ~/.config/containers/systemd) into a compartment, verbatim. " +
        "Only reads the folder: the old user's units keep running.",
    )
    .argument('<id>', 'the compartment (created by --apply when new)')
    .argument('<dir>', 'the folder of unit files, drop-ins, kube YAML and env files')
    .option('--apply', 'create the compartment if needed and apply the adopted units')
    .addOption(formatOption())
    .action(async (id: string, dir: string, opts: { apply?: boolean; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const adopt = () =>
          app.bundles.adopt(
            id,
            dir,
            opts.apply ? { apply: { actor: cliActor(), onProgress: progress(opts.format) } } : {},
          );
        const r = opts.apply
          ? await audited(
              app,
              { action: 'compartment.adopt', target: `compartment:${id}`, compartment: id, details: { dir } },
              adopt,
              (x) => (exitOf(x) === 0 ? 'ok' : 'failed'),
            )
          : await adopt();
        print(
          opts.format,
          { ...preparedJson(r), source: r.source, sourceServices: r.sourceServices, sourceAdvice: r.sourceAdvice },
          () =>
            [
              `Adopting ${r.source.dir} (owner ${r.source.owner.name ?? r.source.owner.uid}) into ${r.compartment}${r.created ? ' (new)' : ''}:`,
              ...preparedText(r, !!opts.apply),
              '',
              r.sourceAdvice,
            ].join('\n'),
        );
        process.exitCode = exitOf(r);
      }),
    );

  program
    .command('export')
    .description(
      'Export a compartment as a .quadlets bundle (Podman 5.8): its rendered Quadlet units, plus timers, files, ' +
        'volumes and probes in comment lines that only quadletman import reads.',
    )
    .argument('<id>')
    .option('-o, --output <file>', 'write the bundle to this file (default: standard output)')
    .addOption(formatOption())
    .action(async (id: string, opts: { output?: string; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const r = app.bundles.export(id);
        if (opts.output) {
          const tmp = `${opts.output}.tmp-${process.pid}`;
          writeFileSync(tmp, r.text, { mode: 0o600, flag: 'wx' });
          renameSync(tmp, opts.output);
        }
        for (const w of r.warnings) if (opts.format === 'text') err(`warning: ${w}\n`);
        if (opts.format === 'json') {
          print('json', { ...r, file: opts.output ?? null, text: opts.output ? undefined : r.text }, () => '');
        } else if (opts.output) {
          out(`Exported ${r.compartment} (${r.units.length} units) to ${opts.output}.\n`);
        } else out(r.text);
      }),
    );

  program
    .command('import')
    .description('Import a .quadlets bundle into a new compartment, each unit verbatim.')
    .argument('<id>', 'the new compartment')
    .argument('<file>', 'the bundle, or - for standard input')
    .option('--apply', 'create the compartment and apply the bundle')
    .addOption(formatOption())
    .action(async (id: string, file: string, opts: { apply?: boolean; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const text = readText(file);
        const run = () =>
          app.bundles.import(
            id,
            text,
            file === '-' ? 'stdin' : file,
            opts.apply ? { apply: { actor: cliActor(), onProgress: progress(opts.format) } } : {},
          );
        const r = opts.apply
          ? await audited(
              app,
              { action: 'compartment.import', target: `compartment:${id}`, compartment: id },
              run,
              (x) => (exitOf(x) === 0 ? 'ok' : 'failed'),
            )
          : await run();
        print(opts.format, { ...preparedJson(r), from: r.from, diagnostics: r.diagnostics }, () =>
          [
            `Importing ${file}${r.from ? ` (exported from ${r.from})` : ''} into ${r.compartment}:`,
            ...r.diagnostics.map((d) => `  ${file}:${d.line}: ${d.severity}: ${d.message} [${d.code}]`),
            ...preparedText(r, !!opts.apply),
          ].join('\n'),
        );
        process.exitCode = exitOf(r);
      }),
    );
}
