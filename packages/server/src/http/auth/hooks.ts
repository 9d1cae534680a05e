/**
 * Who is asking, on every request: an `Authorization: Bearer qmt_…` API token, else the session cookie. Then the
 * CSRF check: a state-changing request made with a session must carry the session's synchronizer token in
 * `X-CSRF-Token` (requests with a bearer token are exempt: browsers never add that header on their own).
 * WebSocket upgrades must come from the page's own origin. And the guard (http/types.ts) built on top.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../../core/errors.js';
import { guardedCompartment, MUTATING } from '../audit.js';
import type { Guard, Role } from '../types.js';
import { atLeast } from './roles.js';
import { safeEqual } from './secrets.js';
import type { AuthService, Authz, ResolvedSession } from './service.js';

/** The session cookie's name over plain HTTP; see sessionCookieName. */
export const SESSION_COOKIE = 'qm_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface RequestAuth {
  authz: Authz;
  session?: ResolvedSession;
}

const state = new WeakMap<FastifyRequest, RequestAuth>();

/** The request's principal with its roles, when it has one. */
export const authOf = (req: FastifyRequest): RequestAuth | undefined => state.get(req);

/** The compartments the request's principal may see at `role` (`all`, or a set): for list routes. */
export function visibleCompartments(req: FastifyRequest, role: Role): 'all' | Set<string> {
  return authOf(req)?.authz.compartmentsAt(role) ?? new Set();
}

/** True when the request's principal holds `role` in `compartment` (or globally, when undefined). */
export function allows(req: FastifyRequest, role: Role, compartment?: string): boolean {
  return atLeast(authOf(req)?.authz.roleIn(compartment), role);
}

export interface CookieSettings {
  /** Served over TLS: the cookie is Secure and named with the `__Host-` prefix. */
  secure: boolean;
}

/**
 * The session cookie's name: under TLS `__Host-qm_session`, which a browser keeps only when it is Secure, has
 * Path=/ and no Domain, so neither another host name under the same domain nor a plain-HTTP page can set or
 * shadow it. (No prefix binds a cookie to a port: an app published on this host name still receives it.)
 */
export const sessionCookieName = (c: CookieSettings): string =>
  c.secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;

/** Set and cleared with these (never a Domain: the `__Host-` prefix forbids one). */
export function sessionCookieOptions(c: CookieSettings) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: c.secure };
}

function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function installAuthHooks(server: FastifyInstance, auth: AuthService, cookies: CookieSettings): void {
  const cookieName = sessionCookieName(cookies);
  server.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const authz = m ? auth.resolveToken(m[1]!) : undefined;
      if (!authz) throw new UnauthorizedError('The API token is unknown, revoked or malformed.');
      state.set(req, { authz });
      req.principal = { kind: 'token', username: authz.username, address: req.ip };
      return;
    }
    const id = req.cookies[cookieName];
    if (id) {
      const session = auth.resolveSession(id);
      if (!session) {
        // Expired or revoked: forget the cookie; the route decides whether it needs a principal.
        void reply.clearCookie(cookieName, sessionCookieOptions(cookies));
      } else {
        state.set(req, { authz: session.authz, session });
        req.principal = { kind: 'session', username: session.row.username, address: req.ip };
        if (MUTATING.has(req.method)) {
          const token = req.headers[CSRF_HEADER];
          if (typeof token !== 'string' || !safeEqual(token, session.row.csrfToken)) {
            throw new ForbiddenError('This request needs the session’s CSRF token in the X-CSRF-Token header.', {
              details: { reason: 'csrf' },
            });
          }
        }
      }
    }
    if (req.headers.upgrade && !sameOrigin(req)) {
      throw new ForbiddenError('A WebSocket must be opened from quadletman’s own pages.', {
        details: { reason: 'origin' },
      });
    }
  });
}

/** The guard of http/types.ts. Routes whose `:id` is not a compartment pass `compartmentParam: false`. */
export function createGuard(onDenied?: (req: FastifyRequest, role: Role) => void): Guard {
  return (role, options) => {
    const param = options?.compartmentParam === false ? undefined : (options?.compartmentParam ?? 'id');
    const handler: preHandlerAsyncHookHandler = async (req) => {
      const a = authOf(req);
      if (!a) throw new UnauthorizedError('Log in first (a session, or an API token in Authorization: Bearer).');
      const field = options?.compartmentField;
      if (field !== undefined) {
        const named = (req.body as Record<string, unknown> | null | undefined)?.[field];
        if (named === undefined) return;
      }
      const raw =
        field !== undefined
          ? (req.body as Record<string, unknown>)[field]
          : param
            ? (req.params as Record<string, unknown> | undefined)?.[param]
            : undefined;
      const compartment = typeof raw === 'string' ? raw : undefined;
      if (compartment !== undefined && field === undefined) guardedCompartment.set(req, compartment);
      if (!atLeast(a.authz.roleIn(compartment), role)) {
        onDenied?.(req, role);
        throw new ForbiddenError(
          `This needs the ${role} role${compartment ? ` for compartment '${compartment}'` : ''}.`,
          { details: { role, ...(compartment ? { compartment } : {}) } },
        );
      }
    };
    return handler;
  };
}

/** A guard for list routes: anyone holding `role` globally or in at least one compartment (the route filters). */
export function guardAny(role: Role): preHandlerAsyncHookHandler {
  return async (req) => {
    const a = authOf(req);
    if (!a) throw new UnauthorizedError('Log in first (a session, or an API token in Authorization: Bearer).');
    const seen = a.authz.compartmentsAt(role);
    if (seen !== 'all' && seen.size === 0) throw new ForbiddenError(`This needs the ${role} role.`);
  };
}
