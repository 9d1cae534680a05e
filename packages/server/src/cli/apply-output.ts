/**
 * How the CLI shows an apply: progress lines on stderr (text output only), the result as text or JSON, and
 * the exit code it earns (0 applied or nothing to do, 1 refused, rolled back or failed).
 */
import { unitStateText } from '@quadletman/quadlet';
import type { ApplyResult, ProgressEvent } from '../core/apply/engine.js';
import type { Format } from './context.js';
import { err } from './output';

export const progress = (format: Format) => (e: ProgressEvent) => {
  if (format === 'text')
    err(`${e.status === 'running' ? '…' : e.status === 'ok' ? '✓' : '✗'} ${e.step}: ${e.message}\n`);
};

export function applyText(r: ApplyResult): string {
  const lines = [r.message];
  for (const f of r.diagnostics) {
    for (const d of f.diagnostics)
      if (d.severity !== 'info') lines.push(`  ${f.path}:${d.line}: ${d.severity}: ${d.message} [${d.code}]`);
  }
  for (const v of r.dryRun) if (!v.ok) lines.push(`  generator: ${v.file}: ${v.reason}`);
  for (const u of r.units) lines.push(`  ${u.unit}: ${unitStateText(u)}`);
  return lines.join('\n');
}

export function applyJson(r: ApplyResult) {
  return {
    outcome: r.outcome,
    revision: r.revision ?? null,
    message: r.message,
    plan: r.plan,
    diagnostics: r.diagnostics,
    podmanVersion: r.podmanVersion,
    dryRun: r.dryRun,
    units: r.units,
  };
}

export const outcomeExit = (r: ApplyResult) => (r.outcome === 'applied' || r.outcome === 'noop' ? 0 : 1);
