/**
 * User, grant and API token management: /api/admin/* (global admin only). Every change is audited. The last
 * global administrator cannot be deleted or demoted (that would lock everyone out but root's CLI). A grant or a
 * token is for every compartment (`*`) or for one that exists (404 otherwise, from the store).
 */
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { grantTarget } from '../../core/audit-target.js';
import { ConflictError, InvalidError } from '../../core/errors.js';
import type { Store } from '../../store/index.js';
import { GLOBAL, ROLES } from '../auth/roles.js';
import { type AuthService, parseScope, parseUsername } from '../auth/service.js';
import type { RoutePlugin } from '../types.js';
import { audited } from './compartments-common.js';

const RoleSchema = z.enum(ROLES as ['viewer', 'operator', 'admin']);
const GrantSchema = z.object({
  username: z.string(),
  compartment: z.string(),
  role: RoleSchema,
  createdAt: z.string(),
});
const UserSchema = z
  .object({
    username: z.string(),
    kind: z.enum(['local', 'pam']),
    createdAt: z.string(),
    passwordChangedAt: z.string().nullable(),
    grants: z.array(GrantSchema),
  })
  .meta({ id: 'User' });
const TokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    username: z.string(),
    role: RoleSchema,
    compartment: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });
const UserParams = z.object({ username: z.string().min(1).max(64) });
const Scope = z.string().min(1).max(64).meta({ description: 'A compartment id, or `*` for every compartment' });

/** Throws when the change would leave no global administrator. */
export function assertAdminRemains(store: Store, change: { username: string; compartment?: string }): void {
  const admins = store.grants.list({ compartment: GLOBAL }).filter((g) => g.role === 'admin');
  const left = admins.filter(
    (g) => g.username !== change.username || (change.compartment !== undefined && change.compartment !== GLOBAL),
  );
  if (admins.length > 0 && left.length === 0) {
    throw new ConflictError('This would leave no global administrator; make someone else admin first.');
  }
}

export function adminRoutes(auth: AuthService): RoutePlugin {
  return async (instance, { app, guard, audit }) => {
    const r = instance.withTypeProvider<ZodTypeProvider>();
    const admin = guard('admin', { compartmentParam: false });
    const store = app.store;
    // Account, grant and token changes must reach remembered API-token resolutions at once.
    instance.addHook('onResponse', async (req) => {
      if (req.method !== 'GET' && req.url.startsWith('/api/admin/')) auth.forgetTokens();
    });
    const userDto = (u: {
      username: string;
      kind: 'local' | 'pam';
      createdAt: string;
      passwordChangedAt: string | null;
    }) => ({
      username: u.username,
      kind: u.kind,
      createdAt: u.createdAt,
      passwordChangedAt: u.passwordChangedAt,
      grants: store.grants.forUser(u.username),
    });
    const tokenDto = ({ secretHash: _s, ...t }: ReturnType<Store['tokens']['list']>[number]) => t;
    const tags = ['admin'];

    r.get(
      '/api/admin/users',
      {
        preHandler: admin,
        schema: { tags, summary: 'Users and their grants', response: { 200: z.array(UserSchema) } },
      },
      async () => store.users.list().map(userDto),
    );

    r.post(
      '/api/admin/users',
      {
        preHandler: admin,
        schema: {
          tags,
          summary: 'Create a local account (with a password) or register a PAM user (for grants)',
          body: z.object({
            username: z.string().min(1).max(64),
            kind: z.enum(['local', 'pam']).default('local'),
            password: z.string().min(1).max(1024).optional(),
            role: RoleSchema.optional(),
            compartment: Scope.optional(),
          }),
          response: { 201: UserSchema },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const username = await audited(
          audit,
          req,
          {
            action: 'user.create',
            target: `user:${b.username}`,
            details: { kind: b.kind, ...(b.role ? { role: b.role, compartment: b.compartment ?? GLOBAL } : {}) },
          },
          async () => {
            const username = parseUsername(b.username);
            const scope = parseScope(b.compartment);
            // Before the account exists: a grant refused afterwards would leave it behind.
            if (b.role) store.grants.requireScope(scope);
            if (b.kind === 'local') {
              if (!b.password) throw new InvalidError('A local account needs a password.');
              await auth.createLocalUser(username, b.password);
            } else {
              store.users.create({ username, kind: 'pam' });
            }
            if (b.role) store.grants.set(username, scope, b.role);
            return username;
          },
        );
        return reply.status(201).send(userDto(store.users.require(username)));
      },
    );

    r.delete(
      '/api/admin/users/:username',
      {
        preHandler: admin,
        schema: { tags, summary: 'Delete a user (its grants, sessions and tokens go with it)', params: UserParams },
      },
      async (req, reply) => {
        const { username } = req.params;
        await audited(audit, req, { action: 'user.delete', target: `user:${username}` }, () => {
          store.users.require(username);
          assertAdminRemains(store, { username });
          store.users.delete(username);
        });
        return reply.status(204).send();
      },
    );

    r.put(
      '/api/admin/users/:username/password',
      {
        preHandler: admin,
        schema: {
          tags,
          summary: "Set a local account's password (its sessions end)",
          params: UserParams,
          body: z.object({ password: z.string().min(1).max(1024) }),
        },
      },
      async (req, reply) => {
        await audited(audit, req, { action: 'user.password', target: `user:${req.params.username}` }, () =>
          auth.setPassword(req.params.username, req.body.password),
        );
        return reply.status(204).send();
      },
    );

    r.get(
      '/api/admin/grants',
      {
        preHandler: admin,
        schema: {
          tags,
          summary: 'Role grants',
          querystring: z.object({ compartment: Scope.optional() }),
          response: { 200: z.array(GrantSchema) },
        },
      },
      async (req) => store.grants.list(req.query.compartment ? { compartment: req.query.compartment } : {}),
    );

    r.put(
      '/api/admin/users/:username/grants/:compartment',
      {
        preHandler: admin,
        schema: {
          tags,
          summary: 'Grant a role globally (`*`) or for one compartment (replaces the role held there)',
          params: UserParams.extend({ compartment: Scope }),
          body: z.object({ role: RoleSchema }),
          response: { 200: GrantSchema },
        },
      },
      async (req) => {
        const { username, compartment } = req.params;
        return audited(
          audit,
          req,
          {
            action: 'grant.set',
            target: grantTarget(username, compartment),
            details: { username, compartment, role: req.body.role },
          },
          () => {
            const scope = parseScope(compartment);
            store.users.require(username);
            if (req.body.role !== 'admin') assertAdminRemains(store, { username, compartment: scope });
            return store.grants.set(username, scope, req.body.role);
          },
        );
      },
    );

    r.delete(
      '/api/admin/users/:username/grants/:compartment',
      {
        preHandler: admin,
        schema: { tags, summary: 'Revoke a grant', params: UserParams.extend({ compartment: Scope }) },
      },
      async (req, reply) => {
        const { username, compartment } = req.params;
        const removed = await audited(
          audit,
          req,
          { action: 'grant.revoke', target: grantTarget(username, compartment), details: { username, compartment } },
          () => {
            const scope = parseScope(compartment);
            assertAdminRemains(store, { username, compartment: scope });
            return store.grants.revoke(username, scope);
          },
          (done) => ({ result: done ? 'ok' : 'failed' }),
        );
        return reply.status(removed ? 204 : 404).send();
      },
    );

    r.get(
      '/api/admin/tokens',
      {
        preHandler: admin,
        schema: { tags, summary: 'API tokens (never their secrets)', response: { 200: z.array(TokenSchema) } },
      },
      async () => store.tokens.list().map(tokenDto),
    );

    r.post(
      '/api/admin/tokens',
      {
        preHandler: admin,
        schema: {
          tags,
          summary: 'Create an API token; the secret is in this answer only',
          body: z.object({
            name: z.string().min(1).max(100),
            username: z.string().min(1).max(64).optional().meta({ description: 'Its owner (default: you)' }),
            role: RoleSchema,
            compartment: Scope.optional(),
          }),
          response: { 201: z.object({ id: z.string(), token: z.string() }) },
        },
      },
      async (req, reply) => {
        const username = req.body.username ?? req.principal!.username;
        const created = await audited(
          audit,
          req,
          {
            action: 'token.create',
            target: `token:${req.body.name.trim()}`,
            details: { username, role: req.body.role, compartment: req.body.compartment ?? GLOBAL },
          },
          () =>
            auth.createToken({
              username,
              name: req.body.name,
              role: req.body.role,
              ...(req.body.compartment ? { compartment: req.body.compartment } : {}),
            }),
          // the id, never the token
          (t) => ({ result: 'ok', details: { id: t.id } }),
        );
        return reply.status(201).send(created);
      },
    );

    r.delete(
      '/api/admin/tokens/:tokenId',
      {
        preHandler: admin,
        schema: { tags, summary: 'Revoke an API token', params: z.object({ tokenId: z.string().min(1).max(64) }) },
      },
      async (req, reply) => {
        const { tokenId } = req.params;
        const name = store.tokens.get(tokenId)?.name;
        await audited(
          audit,
          req,
          { action: 'token.revoke', target: `token:${name ?? tokenId}`, details: { id: tokenId } },
          () => auth.revokeToken(tokenId),
        );
        return reply.status(204).send();
      },
    );
  };
}
