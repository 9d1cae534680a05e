/**
 * For route tests (in-process, `server.inject`): a principal of each role, globally or for one compartment,
 * without going through the login route (fast: no argon2). Use with a server from `buildServer`.
 *
 *   const admin = loginAs(server, 'admin');                         // session: cookie + CSRF header
 *   await server.inject({ method: 'POST', url, headers: admin.headers, payload });
 *   const op = loginAs(server, 'operator', { compartment: 'web' }); // operator of compartment web only
 *   const script = tokenFor(server, 'viewer');                      // Authorization: Bearer …
 *
 * A compartment named here must exist in the server's store: the store refuses grants and tokens for others.
 */
import type { FastifyInstance } from 'fastify';
import type { Role } from '../types.js';
import { GLOBAL } from './roles.js';

export interface LoggedIn {
  username: string;
  cookie: string;
  csrfToken: string;
  /** `cookie` and `x-csrf-token`: pass as `headers` to inject (GETs ignore the CSRF header). */
  headers: { cookie: string; 'x-csrf-token': string };
}

let counter = 0;

function ensureUser(server: FastifyInstance, username: string, role: Role | undefined, compartment: string): void {
  const { store } = server.quadletman;
  if (!store.users.get(username)) store.users.create({ username, kind: 'local', passwordHash: null });
  if (role) store.grants.set(username, compartment, role);
}

/** A session for a (new, unless `username` is given) local user holding `role` globally or in `compartment`;
 * role `none`: a user without any grant. */
export function loginAs(
  server: FastifyInstance,
  role: Role | 'none',
  options: { compartment?: string; username?: string } = {},
): LoggedIn {
  const username = options.username ?? `${role}-${options.compartment ?? 'all'}-${++counter}`;
  ensureUser(server, username, role === 'none' ? undefined : role, options.compartment ?? GLOBAL);
  const s = server.quadletman.auth.createSession(username, '127.0.0.1', 'test');
  const cookie = `${server.quadletman.sessionCookie}=${s.id}`;
  return { username, cookie, csrfToken: s.csrfToken, headers: { cookie, 'x-csrf-token': s.csrfToken } };
}

/** An API token of a new user holding `role` (globally or in `compartment`), the token carrying that role. */
export function tokenFor(
  server: FastifyInstance,
  role: Role,
  options: { compartment?: string; username?: string } = {},
): { username: string; token: string; headers: { authorization: string } } {
  const username = options.username ?? `token-${role}-${options.compartment ?? 'all'}-${++counter}`;
  ensureUser(server, username, role, options.compartment ?? GLOBAL);
  const { token } = server.quadletman.auth.createToken({
    username,
    name: 'test',
    role,
    ...(options.compartment ? { compartment: options.compartment } : {}),
  });
  return { username, token, headers: { authorization: `Bearer ${token}` } };
}
