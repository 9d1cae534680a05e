/**
 * GET /api/audit: the audit log, newest first, filtered; GET /api/audit/verify: its hash chain checked, as
 * `quadletman audit verify` does (both global admin only).
 */
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuditChainSchema } from '../api/contract.js';
import type { RoutePlugin } from './types.js';

const AuditEntrySchema = z
  .object({
    id: z.number(),
    at: z.string(),
    actor: z.string(),
    actorKind: z.string(),
    address: z.string(),
    action: z.string(),
    target: z.string(),
    compartment: z.string().nullable(),
    result: z.enum(['ok', 'failed', 'denied']),
    details: z.record(z.string(), z.unknown()),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });

export const auditRoutes: RoutePlugin = async (instance, { app, guard }) => {
  const r = instance.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/audit',
    {
      preHandler: guard('admin', { compartmentParam: false }),
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first',
        querystring: z.object({
          actor: z.string().max(64).optional(),
          action: z.string().max(100).optional(),
          compartment: z.string().max(64).optional(),
          result: z.enum(['ok', 'failed', 'denied']).optional(),
          since: z.iso.datetime().optional(),
          until: z.iso.datetime().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          before: z.coerce.number().int().min(1).optional().meta({ description: 'Entries older than this id' }),
        }),
        response: { 200: z.object({ entries: z.array(AuditEntrySchema) }) },
      },
    },
    async (req) => {
      const q = req.query;
      const rows = app.store.audit.list({
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.compartment ? { compartment: q.compartment } : {}),
        ...(q.result ? { result: q.result } : {}),
        ...(q.since ? { since: new Date(q.since).toISOString() } : {}),
        ...(q.until ? { until: new Date(q.until).toISOString() } : {}),
        ...(q.before ? { before: q.before } : {}),
        limit: q.limit,
      });
      return {
        entries: rows.map(({ prevHash: _p, details, ...r }) => ({
          ...r,
          details: JSON.parse(details) as Record<string, unknown>,
        })),
      };
    },
  );

  r.get(
    '/api/audit/verify',
    {
      preHandler: guard('admin', { compartmentParam: false }),
      schema: {
        tags: ['audit'],
        summary: "Check the audit log's hash chain: no entry edited, removed or reordered",
        description:
          'Reads every entry (as `quadletman audit verify`). Entries removed from the end leave a shorter chain ' +
          'that still verifies: compare `entries` with a copy kept elsewhere.',
        response: { 200: AuditChainSchema },
      },
    },
    async () => app.store.audit.verify(),
  );
};
