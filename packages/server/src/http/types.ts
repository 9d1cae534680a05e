/**
 * The contract between the HTTP server's parts: who is asking (the principal), how a route demands a role
 * (the guard), how a mutation is audited, and the shape of a route plugin. The auth module implements the
 * guard and the audit log; route modules only use them.
 */
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AppContext } from '../app.js';

/** Roles, each including the one before: viewer (read) < operator (apply, start/stop, logs, terminal) < admin. */
export type Role = 'viewer' | 'operator' | 'admin';

export interface Principal {
  /** A person logged in with a session, or a script with an API token. */
  kind: 'session' | 'token';
  username: string;
  /** Where the request came from (for the audit log). */
  address: string;
}

/**
 * A preHandler that lets the request through when its principal holds at least `role`, globally or for the
 * compartment named by the route parameter `compartmentParam` (default `id`, when the route has one);
 * otherwise it answers 401 (nobody logged in) or 403. With `compartmentField`, the compartment is the one the
 * request's (validated) body names in that field instead, for a route that writes into a second compartment
 * (a body without the field passes: the route's own guard checks the compartment of its path).
 */
export type Guard = (
  role: Role,
  options?: { compartmentParam?: string | false; compartmentField?: string },
) => preHandlerAsyncHookHandler;

export interface AuditEntry {
  /** What was done: `compartment.apply`, `unit.stop`, `login`, … */
  action: string;
  /** What it was done to, named (core/audit-target.ts): `compartment:web/secret:db`, `user:alice`. */
  target: string;
  result: 'ok' | 'failed' | 'denied';
  details?: Record<string, unknown>;
}

export type Audit = (req: FastifyRequest, entry: AuditEntry) => void;

export interface RouteDeps {
  app: AppContext;
  guard: Guard;
  audit: Audit;
}

/** A route module: registers its routes (under /api) on the instance it is given. */
export type RoutePlugin = (instance: FastifyInstance, deps: RouteDeps) => Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth module's onRequest hook when the request carries a valid session or token. */
    principal?: Principal;
  }
}
