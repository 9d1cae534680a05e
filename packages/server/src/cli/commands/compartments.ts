/**
 * Compartment commands: `compartment create|list|show|delete`, `apply -f`, `plan`, `history`, `rollback`,
 * `start|stop|restart|status`. Each takes `--format json`.
 */
import { unitStateText } from '@quadletman/quadlet';
import type { Command } from 'commander';
import { applyAudit, compartmentTarget, inCompartment, unitsTarget } from '../../core/audit-target.js';
import { removedAccessDetails, type UnitInfo } from '../../core/service/compartments.js';
import { parseSpecText } from '../../core/spec.js';
import { applyJson, applyText, outcomeExit, progress } from '../apply-output.js';
import { audited, cliActor, type Format, formatOption, print, table, withApp } from '../context.js';
import { readInput } from '../read-input.js';
import { UsageError } from '../usage.js';

const readSpec = readInput;

/** The units table of `compartment show`, `status`, `start|stop|restart`: a state in the words the web UI shows. */
export function unitsText(units: readonly UnitInfo[]): string {
  if (units.length === 0) return '(no units)';
  return table([['UNIT', 'FROM', 'STATE'], ...units.map((u) => [u.unit, u.source, unitStateText(u.status)])]);
}

export function registerCompartments(program: Command): void {
  const compartment = program.command('compartment').description('Create, list, show and delete compartments.');

  compartment
    .command('create')
    .description('Create a compartment: its Linux user qm-<id>, subuid/subgid range, linger and Podman storage.')
    .argument('<id>', 'lowercase letters, digits and -, starting with a letter, at most 32 characters')
    .option('--description <text>', 'what the compartment is for')
    .option('--podman-version <X.Y>', 'the Podman version to lint its units against')
    .addOption(formatOption())
    .action(async (id: string, opts: { description?: string; podmanVersion?: string; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const c = await audited(
          app,
          { action: 'compartment.create', target: `compartment:${id}`, compartment: id },
          () =>
            app.compartments.create({
              id,
              description: opts.description ?? '',
              podmanVersion: opts.podmanVersion ?? null,
            }),
        );
        print(opts.format, c, () => `Created compartment ${c.id} (Linux user qm-${c.id}).`);
      }),
    );

  compartment
    .command('list')
    .description('List compartments.')
    .addOption(formatOption())
    .action(async (opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const list = app.compartments.list();
        print(opts.format, list, () =>
          list.length === 0
            ? 'No compartments yet. Create one with `quadletman compartment create ID` or `quadletman apply -f SPEC`.'
            : table([['ID', 'DESCRIPTION', 'UPDATED'], ...list.map((c) => [c.id, c.description, c.updatedAt])]),
        );
      }),
    );

  compartment
    .command('show')
    .description('Show a compartment: its units and their state, and its latest revisions.')
    .argument('<id>')
    .addOption(formatOption())
    .action(async (id: string, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const c = app.compartments.get(id);
        const units = await app.compartments.units(id, { withStatus: true });
        const history = app.compartments.history(id, { limit: 5 });
        print(opts.format, { ...c, units, history }, () =>
          [
            `${c.id}${c.description ? ` — ${c.description}` : ''}`,
            '',
            unitsText(units),
            '',
            history.length ? `Latest revisions:\n${historyText(history)}` : 'No revisions yet.',
          ].join('\n'),
        );
      }),
    );

  compartment
    .command('delete')
    .description('Delete a compartment: stop and remove its units, its user, subids and storage.')
    .argument('<id>')
    .option('--volumes', 'also remove its managed host volumes (kept by default)')
    .addOption(formatOption())
    .action(async (id: string, opts: { volumes?: boolean; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const removed = await audited(
          app,
          {
            action: 'compartment.delete',
            target: `compartment:${id}`,
            compartment: id,
            details: { volumes: !!opts.volumes },
          },
          () => app.compartments.delete(id, { volumes: !!opts.volumes }),
          (r) => ({ result: 'ok', details: removedAccessDetails(r) }),
        );
        const access = [
          ...(removed.grants.length ? [`${removed.grants.length} grant(s)`] : []),
          ...(removed.tokens.length ? [`${removed.tokens.length} API token(s)`] : []),
        ];
        print(
          opts.format,
          { deleted: id, volumes: !!opts.volumes, ...removedAccessDetails(removed) },
          () =>
            `Deleted compartment ${id}${opts.volumes ? ' and its volumes' : '; its volumes are kept'}.` +
            (access.length ? ` Removed its ${access.join(' and ')}.` : ''),
        );
      }),
    );

  program
    .command('apply')
    .description('Apply a compartment spec (YAML or JSON): plan, validate, write, start, verify; roll back on failure.')
    .requiredOption('-f, --file <file>', 'the spec file, or - for standard input')
    .option('--no-wait', 'refuse at once when another apply of the compartment is running')
    .addOption(formatOption())
    .action(async (opts: { file: string; wait: boolean; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const { text, source } = readSpec(opts.file);
        const state = parseSpecText(text, source);
        const r = await audited(
          app,
          { action: 'compartment.apply', target: compartmentTarget(state.id), compartment: state.id },
          () =>
            app.compartments.applyState(state, {
              actor: cliActor(),
              wait: opts.wait,
              onProgress: progress(opts.format),
            }),
          (x) => applyAudit(state.id, x),
        );
        print(opts.format, applyJson(r), () => applyText(r));
        process.exitCode = outcomeExit(r);
      }),
    );

  program
    .command('plan')
    .description('Show what an apply would change: per-file diffs and the units that would start, restart or stop.')
    .argument('<id>')
    .option('-f, --file <file>', 'plan this spec instead of the stored desired state')
    .addOption(formatOption())
    .action(async (id: string, opts: { file?: string; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const spec = opts.file ? readSpec(opts.file) : undefined;
        const state = spec ? parseSpecText(spec.text, spec.source) : undefined;
        const { plan, diagnostics, podmanVersion } = await app.compartments.plan(id, state);
        print(opts.format, { plan, diagnostics, podmanVersion }, () => {
          const against = `linted against Podman ${podmanVersion ?? '(the newest quadletman knows)'}`;
          const found = diagnostics.flatMap((f) =>
            f.diagnostics
              .filter((d) => d.severity !== 'info')
              .map((d) => `  ${f.path}:${d.line}: ${d.severity}: ${d.message} [${d.code}]`),
          );
          if (plan.noop) return [`No changes (${against}).`, ...found].join('\n');
          const u = plan.units;
          const lines = plan.changes.map((c) => c.diff || `${c.kind} ${c.path}`);
          lines.push(
            `units: start ${u.start.join(' ') || '-'}; restart ${u.restart.join(' ') || '-'}; stop ${u.stop.join(' ') || '-'}`,
            against,
            ...found,
          );
          return lines.join('\n');
        });
      }),
    );

  program
    .command('history')
    .description('List the revisions of a compartment: who applied what, when, and the result.')
    .argument('<id>')
    .option('--limit <n>', 'at most this many', (v) => Number.parseInt(v, 10))
    .addOption(formatOption())
    .action(async (id: string, opts: { limit?: number; format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const list = app.compartments.history(id, opts.limit ? { limit: opts.limit } : {});
        print(opts.format, list, () => (list.length ? historyText(list) : 'No revisions yet.'));
      }),
    );

  program
    .command('rollback')
    .description("Return a compartment to an earlier revision's desired state (recorded as a new revision).")
    .argument('<id>')
    .argument('<revision>', 'revision number', (v) => {
      const n = Number.parseInt(v, 10);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`'${v}' is not a revision number`);
      return n;
    })
    .addOption(formatOption())
    .action(async (id: string, revision: number, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const r = await audited(
          app,
          {
            action: 'compartment.rollback',
            target: inCompartment(id, 'revision', revision),
            compartment: id,
            details: { to: revision },
          },
          () => app.compartments.rollback(id, revision, { actor: cliActor(), onProgress: progress(opts.format) }),
          (x) => applyAudit(id, x, inCompartment(id, 'revision', revision)),
        );
        print(opts.format, applyJson(r), () => applyText(r));
        process.exitCode = outcomeExit(r);
      }),
    );

  for (const action of ['start', 'stop', 'restart'] as const) {
    program
      .command(action)
      .description(`${action[0]!.toUpperCase()}${action.slice(1)} a compartment's units (all, or those named).`)
      .argument('<id>')
      .argument('[units...]', 'units or their files (web.service, web.container, web)')
      .addOption(formatOption())
      .action(async (id: string, units: string[], opts: { format: Format }, cmd: Command) =>
        withApp(cmd, async (app) => {
          const result = await audited(
            app,
            { action: `unit.${action}`, target: unitsTarget(id, units), compartment: id, details: { units } },
            () => app.compartments.control(id, action, units),
          );
          print(opts.format, result, () => unitsText(result));
        }),
      );
  }

  program
    .command('status')
    .description("Show the state of a compartment's units.")
    .argument('<id>')
    .addOption(formatOption())
    .action(async (id: string, opts: { format: Format }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const units = await app.compartments.units(id, { withStatus: true });
        print(opts.format, units, () => unitsText(units));
      }),
    );
}

function historyText(
  list: readonly { number: number; result: string; actor: string; startedAt: string; message: string }[],
) {
  return table([
    ['REV', 'RESULT', 'BY', 'STARTED', 'MESSAGE'],
    ...list.map((r) => [String(r.number), r.result, r.actor, r.startedAt, r.message]),
  ]);
}
