/**
 * Templates: `template list|show|export|import|save|create|delete`. `create` only checks, lints and plans unless
 * given `--apply`; a generated secret's value is printed once, by the run that made it.
 */
import type { Command } from 'commander';
import type { CreateResult } from '../../core/service/templates.js';
import { toSpec } from '../../core/spec.js';
import { applyJson, applyText, progress } from '../apply-output.js';
import { collect } from '../args';
import { audited, cliActor, type Format, formatOption, print, table, withApp } from '../context.js';
import { out } from '../output';
import { readInput } from '../read-input.js';
import { UsageError } from '../usage.js';

/** `k=v` pairs (repeatable `--set`/`--param`) as a record; refuses a pair without `=` or a name given twice. */
export function keyValues(pairs: readonly string[], option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`${option} ${JSON.stringify(p)}: expected NAME=VALUE`);
    const k = p.slice(0, i);
    if (Object.hasOwn(out, k)) throw new UsageError(`${option}: ${k} is given twice`);
    out[k] = p.slice(i + 1);
  }
  return out;
}

export function createdJson(c: CreateResult) {
  return {
    compartment: c.compartment,
    created: c.created,
    spec: toSpec(c.state),
    values: c.values,
    secrets: c.secrets,
    lint: c.lint,
    lintErrors: c.lintErrors,
    plan: c.plan ?? null,
    apply: c.apply ? applyJson(c.apply) : null,
  };
}

/** The text of a creation (or upgrade): values, lint, plan, and the apply's outcome or what to do next. */
export function createdText(c: CreateResult, what: string): string {
  const lines = [`${what} → ${c.compartment}${c.created ? ' (new)' : ''}`];
  for (const v of c.values) {
    if (v.secret && v.value === '')
      lines.push(`  ${v.name} (${v.source}): secret ${v.secret}${c.secrets.kept.includes(v.secret) ? ', kept' : ''}`);
    else if (v.secret) lines.push(`  ${v.name} (${v.source}): ${v.value}   ← secret ${v.secret}; shown this once`);
    else lines.push(`  ${v.name} (${v.source}): ${v.value}`);
  }
  for (const r of c.lint) {
    for (const d of r.diagnostics)
      if (d.severity !== 'info') lines.push(`  ${r.path}:${d.line}: ${d.severity}: ${d.message} [${d.code}]`);
  }
  if (c.plan && !c.apply) {
    lines.push(
      c.plan.noop ? 'plan: no changes' : `plan: ${c.plan.changes.map((x) => `${x.kind} ${x.path}`).join(', ')}`,
    );
  }
  if (c.apply) lines.push(applyText(c.apply));
  else {
    lines.push(
      c.lintErrors > 0
        ? `Nothing was changed; the units have ${c.lintErrors} lint error(s).`
        : `Nothing was changed. Run again with --apply to ${c.created ? 'create the compartment and ' : ''}apply it.`,
    );
  }
  return lines.join('\n');
}

/** 0 when applied (or nothing to do), or checked without lint errors; 1 otherwise. */
export const createdExit = (c: CreateResult) =>
  c.apply ? (c.apply.outcome === 'applied' || c.apply.outcome === 'noop' ? 0 : 1) : c.lintErrors > 0 ? 1 : 0;

export function registerTemplates(program: Command): void {
  const t = program
    .command('template')
    .description('Save compartments as templates and create compartments from them, with parameters.');

  t.command('list')
    .description('The saved templates.')
    .addOption(formatOption())
    .action(async (opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const list = app.templates.list();
        print(opts.format, { templates: list }, () =>
          list.length === 0
            ? 'No templates. `quadletman template save COMPARTMENT NAME` makes one.'
            : table([
                ['NAME', 'VERSION', 'PARAMETERS', 'UNITS', 'FROM', 'DESCRIPTION'],
                ...list.map((x) => [
                  x.name,
                  x.version ?? '-',
                  x.parameters.map((p) => p.name).join(',') || '-',
                  String(x.units.length),
                  x.source ?? 'import',
                  x.description,
                ]),
              ]),
        );
      }),
    );

  t.command('show')
    .description('A template: its parameters and units.')
    .argument('<name>')
    .addOption(formatOption())
    .action(async (name: string, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const { template: _t, yaml, ...info } = app.templates.get(name);
        print(opts.format, { ...info, yaml }, () =>
          [
            `${info.name}${info.version ? ` ${info.version}` : ''}: ${info.description || '(no description)'}`,
            `saved by ${info.createdBy}${info.source ? ` from ${info.source}` : ''} at ${info.updatedAt}`,
            `units: ${info.units.join(' ') || '-'}`,
            'parameters:',
            ...(info.parameters.length === 0 ? ['  (none)'] : []),
            ...info.parameters.map(
              (p) =>
                `  ${p.name}${p.default !== undefined ? ` = ${JSON.stringify(p.default)}` : p.generate ? ` (generated ${p.generate})` : ' (required)'}` +
                `${p.secret ? ` → secret ${p.secret}` : ''}${p.pattern ? ` /${p.pattern}/` : ''}${p.description ? ` — ${p.description}` : ''}`,
            ),
          ].join('\n'),
        );
      }),
    );

  t.command('export')
    .description('Print a template as YAML (template import reads it back).')
    .argument('<name>')
    .action(async (name: string, _opts: unknown, cmd: Command) =>
      withApp(cmd, async (app) => {
        out(app.templates.get(name).yaml);
      }),
    );

  t.command('import')
    .description('Keep a template from a YAML or JSON file (- for standard input).')
    .argument('<file>')
    .option('--replace', 'overwrite a template of the same name')
    .addOption(formatOption())
    .action(async (file: string, opts: { replace?: boolean; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const { text } = readInput(file);
        const info = await audited(
          app,
          { action: 'template.import', target: 'template', details: { file } },
          async () => app.templates.import(text, file === '-' ? 'stdin' : file, cliActor(), !!opts.replace),
          (t) => ({ result: 'ok', target: `template:${t.name}` }),
        );
        print(
          opts.format,
          info,
          () => `Template ${info.name} kept (${info.units.length} units, ${info.parameters.length} parameters).`,
        );
      }),
    );

  t.command('save')
    .description("Save a compartment's whole desired state as a template.")
    .argument('<compartment>')
    .argument('<name>', 'the template name')
    .option(
      '--param <NAME=VALUE>',
      `make this value a parameter: each occurrence becomes \${NAME} (repeatable)`,
      collect,
    )
    .option('--description <text>')
    .option('--replace', 'overwrite a template of the same name')
    .addOption(formatOption())
    .action(
      async (
        compartment: string,
        name: string,
        opts: { param?: string[]; description?: string; replace?: boolean; format: Format },
        cmd: Command,
      ) =>
        withApp(cmd, async (app) => {
          const parameters = keyValues(opts.param ?? [], '--param');
          const info = await audited(
            app,
            {
              action: 'template.save',
              target: `template:${name}`,
              details: { compartment, parameters: Object.keys(parameters) },
            },
            async () =>
              app.templates.save(
                compartment,
                {
                  name,
                  parameters,
                  ...(opts.description !== undefined ? { description: opts.description } : {}),
                  replace: !!opts.replace,
                },
                cliActor(),
              ),
          );
          print(
            opts.format,
            info,
            () =>
              `Saved ${compartment} as template ${info.name} (${info.units.length} units${info.parameters.length ? `; parameters ${info.parameters.map((p) => p.name).join(', ')}` : ''}).`,
          );
        }),
    );

  t.command('create')
    .description('Create a compartment from a template (checks, lints and plans only, unless --apply).')
    .argument('<name>', 'the template')
    .argument('<compartment>', 'the new compartment')
    .option('--set <NAME=VALUE>', "a parameter's value (repeatable)", collect)
    .option('--apply', 'create the compartment, its secrets, and apply')
    .addOption(formatOption())
    .action(
      async (
        name: string,
        compartment: string,
        opts: { set?: string[]; apply?: boolean; format: Format },
        cmd: Command,
      ) =>
        withApp(cmd, async (app) => {
          const values = keyValues(opts.set ?? [], '--set');
          const run = () =>
            app.templates.create(
              name,
              compartment,
              values,
              opts.apply ? { apply: { actor: cliActor(), onProgress: progress(opts.format) } } : {},
            );
          const r = opts.apply
            ? await audited(
                app,
                {
                  action: 'template.create',
                  target: `compartment:${compartment}`,
                  compartment,
                  details: { template: name },
                },
                run,
                (x) => (createdExit(x) === 0 ? 'ok' : 'failed'),
              )
            : await run();
          print(opts.format, createdJson(r), () => createdText(r, `template ${name}`));
          process.exitCode = createdExit(r);
        }),
    );

  t.command('delete')
    .description('Delete a template (compartments made from it stay).')
    .argument('<name>')
    .action(async (name: string, _opts: unknown, cmd: Command) =>
      withApp(cmd, async (app) => {
        await audited(app, { action: 'template.delete', target: `template:${name}` }, async () =>
          app.templates.delete(name),
        );
        out(`Template ${name} deleted.\n`);
      }),
    );
}
