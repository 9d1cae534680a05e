/**
 * Login, logout, the current session, password change and first-run setup: /api/auth/*.
 * Every login attempt is audited (`auth.login`: ok, failed, or denied while backing off).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnauthorizedError } from '../../core/errors.js';
import type { AuditWriter } from '../audit.js';
import type { RoutePlugin } from '../types.js';
import { authOf, type CookieSettings, sessionCookieName, sessionCookieOptions } from './hooks.js';
import { ROLES } from './roles.js';
import { type AuthService, RateLimitedError } from './service.js';

const Credentials = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

const Grant = z.object({ compartment: z.string(), role: z.enum(ROLES as ['viewer', 'operator', 'admin']) });

export const SessionInfo = z
  .object({
    username: z.string(),
    kind: z.enum(['session', 'token']),
    grants: z.array(Grant).meta({ description: 'Roles held: compartment `*` is every compartment.' }),
    csrfToken: z
      .string()
      .optional()
      .meta({ description: 'Send it in X-CSRF-Token with every POST, PUT, PATCH and DELETE made with the session.' }),
    expiresAt: z.string().optional(),
  })
  .meta({ id: 'SessionInfo' });

export interface AuthRouteOptions {
  auth: AuthService;
  writer: AuditWriter;
  cookies: CookieSettings;
  /** Per-address limit of the login and setup routes (on top of the back-off). */
  loginRateLimit: { max: number; timeWindow: number };
}

export function authRoutes(o: AuthRouteOptions): RoutePlugin {
  const { auth, writer, cookies } = o;
  const rateLimit = { max: o.loginRateLimit.max, timeWindow: o.loginRateLimit.timeWindow };
  const cookieName = sessionCookieName(cookies);

  const startSession = (req: FastifyRequest, reply: FastifyReply, username: string) => {
    // Rotation: the session the request came with (if any) ends, a new id is issued.
    const old = authOf(req)?.session;
    if (old) auth.endSession(old.idHash);
    const s = auth.createSession(username, req.ip, req.headers['user-agent'] ?? '');
    void reply.setCookie(cookieName, s.id, {
      ...sessionCookieOptions(cookies),
      maxAge: Math.floor(auth.absoluteTimeoutMs / 1000),
    });
    return infoOf(username, 'session', s.csrfToken, s.row.createdAt);
  };

  const infoOf = (username: string, kind: 'session' | 'token', csrfToken?: string, createdAt?: string) => ({
    username,
    kind,
    grants: auth.grantsOf(username),
    ...(csrfToken ? { csrfToken } : {}),
    ...(createdAt ? { expiresAt: new Date(Date.parse(createdAt) + auth.absoluteTimeoutMs).toISOString() } : {}),
  });

  return async (instance) => {
    const r = instance.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/api/auth/login',
      {
        config: { rateLimit },
        schema: {
          tags: ['auth'],
          summary: 'Log in with a local account or a host (PAM) account; sets the session cookie',
          body: Credentials,
          response: { 200: SessionInfo },
        },
      },
      async (req, reply) => {
        const { username, password } = req.body;
        const entry = { actor: username, actorKind: 'anonymous', address: req.ip, action: 'auth.login' };
        const target = `user:${username}`;
        try {
          const user = await auth.checkLogin(username, password, req.ip);
          writer.write({ ...entry, target, compartment: null, result: 'ok' }, req);
          return startSession(req, reply, user.username);
        } catch (err) {
          const limited = err instanceof RateLimitedError;
          writer.write({ ...entry, target, compartment: null, result: limited ? 'denied' : 'failed' }, req);
          if (limited) void reply.header('retry-after', Math.ceil(err.retryAfterMs / 1000));
          throw err;
        }
      },
    );

    r.post(
      '/api/auth/logout',
      { schema: { tags: ['auth'], summary: 'End the session (its cookie is cleared)' } },
      async (req, reply) => {
        const a = authOf(req);
        if (!a?.session) throw new UnauthorizedError('There is no session to end.');
        auth.endSession(a.session.idHash);
        writer.write(
          {
            actor: a.authz.username,
            actorKind: 'session',
            address: req.ip,
            action: 'auth.logout',
            target: `user:${a.authz.username}`,
            compartment: null,
            result: 'ok',
          },
          req,
        );
        void reply.clearCookie(cookieName, sessionCookieOptions(cookies));
        return reply.status(204).send();
      },
    );

    r.get(
      '/api/auth/session',
      {
        schema: {
          tags: ['auth'],
          summary: 'Who is logged in, their roles and the CSRF token',
          response: { 200: SessionInfo },
        },
      },
      async (req) => {
        const a = authOf(req);
        if (!a) throw new UnauthorizedError('Nobody is logged in.');
        return infoOf(a.authz.username, a.authz.kind, a.session?.row.csrfToken, a.session?.row.createdAt);
      },
    );

    r.post(
      '/api/auth/password',
      {
        config: { rateLimit },
        schema: {
          tags: ['auth'],
          summary: 'Change your own password (local accounts); every other session of yours ends',
          body: z.object({ current: z.string().min(1).max(1024), password: z.string().min(1).max(1024) }),
          response: { 200: SessionInfo },
        },
      },
      async (req, reply) => {
        const a = authOf(req);
        if (!a?.session) throw new UnauthorizedError('Log in with a session to change your password.');
        const username = a.authz.username;
        const audit = (result: 'ok' | 'failed') =>
          writer.write(
            {
              actor: username,
              actorKind: 'session',
              address: req.ip,
              action: 'user.password',
              target: `user:${username}`,
              compartment: null,
              result,
            },
            req,
          );
        try {
          await auth.changeOwnPassword(username, req.body.current, req.body.password);
        } catch (err) {
          audit('failed');
          throw err;
        }
        audit('ok');
        // Every session of the user ended with the change, this one too: issue a fresh one here.
        return startSession(req, reply, username);
      },
    );

    r.get(
      '/api/auth/setup',
      {
        schema: {
          tags: ['auth'],
          summary: 'Whether first-run setup is open (no administrator exists yet)',
          response: { 200: z.object({ required: z.boolean() }) },
        },
      },
      async () => ({ required: auth.needsSetup() }),
    );

    r.post(
      '/api/auth/setup',
      {
        config: { rateLimit },
        schema: {
          tags: ['auth'],
          summary: 'Create the first administrator with the one-time setup token printed by `quadletman serve`',
          body: z.object({
            token: z.string().min(1).max(200),
            username: z.string().min(1).max(64),
            password: z.string().min(1).max(1024),
          }),
          response: { 200: SessionInfo },
        },
      },
      async (req, reply) => {
        const { token, username, password } = req.body;
        const entry = {
          actor: username,
          actorKind: 'anonymous',
          address: req.ip,
          action: 'auth.setup',
          target: `user:${username}`,
          compartment: null,
        };
        try {
          await auth.completeSetup(token, username, password);
        } catch (err) {
          writer.write({ ...entry, result: 'failed' }, req);
          throw err;
        }
        writer.write({ ...entry, result: 'ok' }, req);
        return startSession(req, reply, username);
      },
    );
  };
}
