/**
 * The app catalog: `catalog list|show|install`. install checks, lints and plans unless given `--apply`;
 * `--upgrade` applies this version of the entry to a compartment installed from it (its values kept unless
 * given again). A generated secret's value is printed once, by the run that made it.
 */
import type { Command } from 'commander';
import { templateToYaml } from '../../core/templates/template.js';
import { progress } from '../apply-output.js';
import { collect } from '../args';
import { audited, cliActor, type Format, formatOption, print, table, withApp } from '../context.js';
import { err } from '../output';
import { createdExit, createdJson, createdText, keyValues } from './templates.js';

export function registerCatalog(program: Command): void {
  const c = program.command('catalog').description('Apps ready to install: list them, read one, install it.');

  c.command('list')
    .description('The catalog: each app, its version, and the compartments installed from it.')
    .addOption(formatOption())
    .action(async (opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const { apps, problems } = await app.catalog.list();
        if (opts.format === 'text')
          for (const [f, why] of Object.entries(problems)) err(`warning: ${f}: ${why.split('\n')[0]}\n`);
        print(opts.format, { apps, problems }, () =>
          table([
            ['APP', 'VERSION', 'CATEGORY', 'INSTALLED', 'DESCRIPTION'],
            ...apps.map((a) => [
              a.name,
              a.version,
              a.category,
              a.installed
                .map((i) => `${i.compartment}${i.version !== a.version ? `@${i.version ?? '?'}` : ''}`)
                .join(',') || '-',
              a.description,
            ]),
          ]),
        );
      }),
    );

  c.command('show')
    .description('An app: its README, parameters, units and what a backup does with its volumes.')
    .argument('<app>')
    .option('--yaml', 'print the entry as a template (YAML) instead')
    .addOption(formatOption())
    .action(async (name: string, opts: { yaml?: boolean; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const { entry, ...a } = await app.catalog.get(name);
        if (opts.yaml) return print('text', null, () => templateToYaml(entry.template).trimEnd());
        print(opts.format, a, () =>
          [
            `${a.title} ${a.version} (${a.name}, ${a.category}): ${a.description}`,
            `units: ${a.units.join(' ')}`,
            `backup: ${
              Object.entries(a.backup)
                .map(([v, m]) => `${v}=${m}`)
                .join(' ') || '-'
            }`,
            ...(a.requires.length ? [`requires: ${a.requires.join('; ')}`] : []),
            `installed: ${a.installed.map((i) => `${i.compartment} (${i.version ?? '?'})`).join(', ') || '-'}`,
            'parameters:',
            ...a.parameters.map(
              (p) =>
                `  ${p.name}${p.default !== undefined ? ` = ${JSON.stringify(p.default)}` : p.generate ? ` (generated ${p.generate})` : ' (required)'}` +
                `${p.secret ? ` → secret ${p.secret}` : ''}${p.description ? ` — ${p.description}` : ''}`,
            ),
            '',
            a.readme.trimEnd(),
          ].join('\n'),
        );
      }),
    );

  c.command('install')
    .description('Install an app as a compartment (checks, lints and plans only, unless --apply).')
    .argument('<app>')
    .argument('[compartment]', 'the compartment (default: the app name)')
    .option('--set <NAME=VALUE>', "a parameter's value (repeatable)", collect)
    .option('--apply', 'create the compartment, its secrets, and apply')
    .option('--upgrade', 'apply this version to a compartment installed from the app')
    .addOption(formatOption())
    .action(
      async (
        name: string,
        compartment: string | undefined,
        opts: { set?: string[]; apply?: boolean; upgrade?: boolean; format: Format },
        cmd: Command,
      ) =>
        withApp(cmd, async (app) => {
          const id = compartment ?? name;
          const values = keyValues(opts.set ?? [], '--set');
          const run = () =>
            app.catalog.install(name, id, values, {
              ...(opts.apply ? { apply: { actor: cliActor(), onProgress: progress(opts.format) } } : {}),
              ...(opts.upgrade ? { upgrade: true } : {}),
            });
          const r = opts.apply
            ? await audited(
                app,
                {
                  action: opts.upgrade ? 'catalog.upgrade' : 'catalog.install',
                  target: `compartment:${id}`,
                  compartment: id,
                  details: { app: name },
                },
                run,
                (x) => (createdExit(x) === 0 ? 'ok' : 'failed'),
              )
            : await run();
          print(opts.format, createdJson(r), () => createdText(r, `catalog ${name}`));
          process.exitCode = createdExit(r);
        }),
    );
}
