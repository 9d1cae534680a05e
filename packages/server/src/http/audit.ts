/**
 * The `Audit` function of http/types.ts over the store's hash-chained audit log, and the safety net: a
 * state-changing request that matched a route and wrote no audit entry of its own is audited when it ends
 * (action `http.<method>`, its path as target, the result from the status).
 *
 * The log records changes only. A POST that changes nothing (a plan, an explain, a conversion, a check) says so
 * in its route's options, `config: READ_ONLY`: it is no more audited than a GET, denied or not. A route that
 * changes things only when asked to (a dry run without `apply`) calls `changedNothing(req)` when it did not.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditResult, NewAuditEntry, Store } from '../store/index.js';
import type { Audit, AuditEntry } from './types.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route changes nothing, whatever its method: it is not audited (see READ_ONLY). */
    readOnly?: boolean;
  }
}

/** Route options' `config` of a POST that changes nothing (plan, explain, convert, checks): not audited. */
export const READ_ONLY = { readOnly: true } as const;

const audited = new WeakSet<FastifyRequest>();

/** This request of a route that may change things changed nothing (a dry run): the safety net leaves it out. */
export function changedNothing(req: FastifyRequest): void {
  audited.add(req);
}

export const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The compartment the guard checked the request against (set by the guard). */
export const guardedCompartment = new WeakMap<FastifyRequest, string>();

/** The compartment an entry concerns: `compartment:ID…` targets, `details.compartment`, the compartment the guard
 * checked, or the `:id` param of a `/compartments/:id` route. */
export function compartmentOf(req: FastifyRequest | undefined, entry: AuditEntry): string | null {
  const m = /^compartment:([a-z0-9][a-z0-9-]*)/.exec(entry.target);
  if (m) return m[1]!;
  const d = entry.details?.compartment;
  if (typeof d === 'string') return d;
  const guarded = req ? guardedCompartment.get(req) : undefined;
  if (guarded !== undefined) return guarded;
  const url = req?.routeOptions?.url ?? '';
  const id = (req?.params as Record<string, unknown> | undefined)?.id;
  return url.includes('/compartments/:id') && typeof id === 'string' ? id : null;
}

export interface AuditWriter {
  audit: Audit;
  /** For entries whose actor is not the request's principal (login attempts, the CLI). */
  write(entry: NewAuditEntry, req?: FastifyRequest): void;
}

export function createAudit(store: Store): AuditWriter {
  const write = (entry: NewAuditEntry, req?: FastifyRequest) => {
    store.audit.append(entry);
    if (req) audited.add(req);
  };
  const audit: Audit = (req, entry) => {
    const p = req.principal;
    write(
      {
        actor: p?.username ?? 'anonymous',
        actorKind: p?.kind ?? 'anonymous',
        address: req.ip,
        action: entry.action,
        target: entry.target,
        compartment: compartmentOf(req, entry),
        result: entry.result,
        ...(entry.details ? { details: entry.details } : {}),
      },
      req,
    );
  };
  return { audit, write };
}

const resultOfStatus = (status: number): AuditResult =>
  status === 401 || status === 403 ? 'denied' : status >= 400 ? 'failed' : 'ok';

/** The request's path without its query: what the request was made to (`/api/admin/users/alice`). */
const pathOf = (req: FastifyRequest): string => {
  const path = req.url.split('?')[0] ?? '';
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
};

/**
 * Audits, when they end, state-changing requests that matched a route and were not audited by it (denials
 * included), but never those of a READ_ONLY route. The target is the path asked for, so that it names the object.
 */
export function installAuditSafetyNet(server: FastifyInstance, writer: AuditWriter): void {
  server.addHook('onResponse', async (req, reply) => {
    if (!MUTATING.has(req.method) || audited.has(req)) return;
    const route = req.routeOptions?.url;
    if (!route || req.routeOptions.config?.readOnly) return;
    try {
      writer.audit(req, {
        action: `http.${req.method.toLowerCase()}`,
        target: `route:${pathOf(req)}`,
        result: resultOfStatus(reply.statusCode),
        details: { status: reply.statusCode, route },
      });
    } catch (err) {
      req.log.error({ err }, 'could not write the audit log');
    }
  });
}
