/**
 * What the compartment route modules share: the zod type provider on their instance, who the actor of a
 * change is, auditing a mutation whatever its end, the API form of an apply result, and the YAML content type.
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApplyResultDto, UnitInfoDto, UnitStatusDto } from '../../api/contract.js';
import type { ApplyResult, UpgradeResult } from '../../core/apply/engine.js';
import type { UnitStatus } from '../../core/apply/ports.js';
import { applyAudit } from '../../core/audit-target.js';
import { isAppError } from '../../core/errors.js';
import type { UpgradeOutcome } from '../../core/service/upgrades.js';
import type { Audit, AuditEntry } from '../types.js';

/** The instance with zod schemas for validation and serialization (set here so a module works on any instance). */
export function zodInstance(instance: FastifyInstance) {
  instance.setValidatorCompiler(validatorCompiler);
  instance.setSerializerCompiler(serializerCompiler);
  if (!instance.hasContentTypeParser('application/yaml')) {
    // A spec may be sent as raw YAML (curl --data-binary @spec.yaml -H 'content-type: application/yaml'):
    // it arrives as `{ text }`, exactly like the JSON form `{ "text": "…" }`.
    instance.addContentTypeParser(['application/yaml', 'text/yaml'], { parseAs: 'string' }, (_req, body, done) =>
      done(null, { text: body as string }),
    );
  }
  return instance.withTypeProvider<ZodTypeProvider>();
}

/** Who is changing something (the principal's user name; the guard makes sure there is one). */
export const actorOf = (req: FastifyRequest): string => req.principal?.username ?? 'unknown';

/**
 * Runs a mutation and audits it: `ok` when it succeeded (or `resultOf` says so), `failed` with the error's
 * code when it threw. `resultOf` may also name the target learnt from the result (the revision an apply made).
 * The target names the object changed (core/audit-target.ts); `details` must never hold a secret.
 */
export async function audited<T>(
  audit: Audit,
  req: FastifyRequest,
  entry: Omit<AuditEntry, 'result'>,
  fn: () => Promise<T> | T,
  resultOf?: (value: T) => { result: AuditEntry['result']; target?: string; details?: Record<string, unknown> },
): Promise<T> {
  let value: T;
  try {
    value = await fn();
  } catch (err) {
    audit(req, {
      ...entry,
      result: 'failed',
      details: {
        ...entry.details,
        error: isAppError(err) ? err.code : 'internal',
        message: err instanceof Error ? err.message.slice(0, 500) : String(err),
      },
    });
    throw err;
  }
  const r = resultOf?.(value);
  audit(req, {
    ...entry,
    ...(r?.target ? { target: r.target } : {}),
    result: r?.result ?? 'ok',
    details: { ...entry.details, ...r?.details },
  });
  return value;
}

/** The API form of an apply result. */
export function applyDto(r: ApplyResult): ApplyResultDto {
  return {
    outcome: r.outcome,
    revision: r.revision ?? null,
    message: r.message,
    plan: r.plan,
    diagnostics: r.diagnostics,
    podmanVersion: r.podmanVersion,
    dryRun: r.dryRun,
    units: r.units.map(statusDto),
    ...('images' in r ? { images: (r as UpgradeResult).images } : {}),
    ...('failedAt' in r && r.failedAt instanceof Date ? { failedAt: r.failedAt.toISOString() } : {}),
    ...('restoredAt' in r && r.restoredAt instanceof Date ? { restoredAt: r.restoredAt.toISOString() } : {}),
    ...('backup' in r && r.backup ? { backup: (r as UpgradeOutcome).backup! } : {}),
  };
}

export const statusDto = (s: UnitStatus): UnitStatusDto => ({ ...s, activeState: activeState(s.activeState) });

/** Units in the API form (an ActiveState systemd may add later reads `unknown`). */
export const unitDtos = (units: readonly { unit: string; source: string; status?: UnitStatus }[]): UnitInfoDto[] =>
  units.map((u) =>
    u.status ? { unit: u.unit, source: u.source, status: statusDto(u.status) } : { unit: u.unit, source: u.source },
  );

const STATES = new Set(['active', 'activating', 'inactive', 'failed', 'deactivating', 'reloading', 'maintenance']);
export const activeState = (s: string): ApplyResultDto['units'][number]['activeState'] =>
  (STATES.has(s) ? s : 'unknown') as ApplyResultDto['units'][number]['activeState'];

/** An apply of compartment `id` audited: `ok` when applied or nothing to do, else `failed` with the outcome; the
 * revision it made as the target unless `target` is given; the files and routes it changed. */
export const applyAuditResult = (id: string, target?: string) => (r: ApplyResult) => applyAudit(id, r, target);
