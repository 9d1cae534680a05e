/** `quadletman audit verify` (checks the hash chain; exit 1 naming the first broken entry) and `audit list`. */
import type { Command } from 'commander';
import { type Format, formatOption, print, table, withApp } from '../context.js';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the audit log');
  audit
    .command('verify')
    .description('check that no audit entry was edited, removed or reordered (exit 1 naming the first broken one)')
    .addOption(formatOption())
    .action(async (o: { format: Format }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const r = app.store.audit.verify();
        print(o.format, r, () =>
          r.ok
            ? `ok: ${r.entries} audit entries, chain intact`
            : `BROKEN at audit entry ${r.brokenId}: ${r.reason} (${r.entries} entries before it verify)`,
        );
        if (!r.ok) process.exitCode = 1;
      });
    });
  audit
    .command('list')
    .description('the newest audit entries')
    .option('--actor <user>')
    .option('--action <action>')
    .option('--compartment <id>')
    .option('--result <result>', 'ok, failed or denied')
    .option('--since <iso-time>')
    .option('--limit <n>', 'how many', '50')
    .addOption(formatOption())
    .action(async (o: Record<string, string> & { format: Format }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const rows = app.store.audit.list({
          ...(o.actor ? { actor: o.actor } : {}),
          ...(o.action ? { action: o.action } : {}),
          ...(o.compartment ? { compartment: o.compartment } : {}),
          ...(o.result ? { result: o.result as 'ok' } : {}),
          ...(o.since ? { since: new Date(o.since).toISOString() } : {}),
          limit: Number(o.limit),
        });
        print(o.format, rows, () =>
          rows.length === 0
            ? '(no entries)'
            : table([
                ['ID', 'AT', 'ACTOR', 'FROM', 'ACTION', 'TARGET', 'RESULT'],
                ...rows.map((r) => [String(r.id), r.at, r.actor, r.address, r.action, r.target, r.result]),
              ]),
        );
      });
    });
}
