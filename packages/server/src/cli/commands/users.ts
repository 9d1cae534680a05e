/**
 * `quadletman user add|list|passwd|grant|revoke|delete` and `user token create|list|revoke`: accounts, roles and
 * API tokens from the shell (root), so a fresh host can be managed without the web UI. Every change is audited
 * with the invoking user (SUDO_USER or USER) as actor. A grant or token for one compartment needs the compartment
 * to exist (exit 3 otherwise); deleting the compartment deletes them.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { AppContext } from '../../app.js';
import { grantTarget } from '../../core/audit-target.js';
import { type Format, formatOption, print, table, withApp } from '../context.js';
import { err, out } from '../output';
import { UsageError } from '../usage.js';

const ROLES = ['viewer', 'operator', 'admin'] as const;
type RoleName = (typeof ROLES)[number];

const actor = () => process.env.SUDO_USER || process.env.USER || 'root';

function parseRole(r: string): RoleName {
  if (!(ROLES as readonly string[]).includes(r))
    throw new UsageError(`role must be one of ${ROLES.join(', ')}, not '${r}'`);
  return r as RoleName;
}

/** A password from stdin (--password-stdin: the first line) or typed at the terminal without echo, twice. */
async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    const line = Buffer.concat(chunks).toString('utf8').split('\n')[0] ?? '';
    if (!line) throw new UsageError('no password on stdin');
    return line.replace(/\r$/, '');
  }
  const ask = async (prompt: string) => {
    let muted = false;
    const out = new Writable({
      write(chunk, _enc, cb) {
        if (!muted) process.stderr.write(chunk);
        cb();
      },
    });
    const rl = createInterface({ input: process.stdin, output: out, terminal: true });
    process.stderr.write(prompt);
    muted = true;
    const answer = await new Promise<string>((res) => rl.question('', res));
    rl.close();
    process.stderr.write('\n');
    return answer;
  };
  const a = await ask('Password: ');
  const b = await ask('Again: ');
  if (a !== b) throw new UsageError('the passwords differ');
  return a;
}

async function withAuth<T>(
  cmd: Command,
  fn: (app: AppContext, auth: import('../../http/auth/service.js').AuthService) => Promise<T>,
) {
  const { AuthService } = await import('../../http/auth/service.js');
  return withApp(cmd, (app) => fn(app, new AuthService(app.store)));
}

function audit(app: AppContext, action: string, target: string, details?: Record<string, unknown>) {
  app.store.audit.append({
    actor: actor(),
    actorKind: 'cli',
    address: 'local',
    action,
    target,
    compartment: typeof details?.compartment === 'string' && details.compartment !== '*' ? details.compartment : null,
    result: 'ok',
    ...(details ? { details } : {}),
  });
}

export function registerUsers(program: Command): void {
  const user = program.command('user').description('accounts and roles for the web UI and the API');

  user
    .command('add <name>')
    .description('create a local account (password asked, or --password-stdin), or register a PAM user (--pam)')
    .option('--pam', 'a host user who logs in with their host password (must be in an allowed group)')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .option('--role <role>', 'grant this role (viewer, operator, admin)')
    .option('--compartment <id>', 'grant the role for this existing compartment only (default: every compartment)')
    .action(
      async (
        name: string,
        o: { pam?: boolean; passwordStdin?: boolean; role?: string; compartment?: string },
        cmd: Command,
      ) => {
        const role = o.role ? parseRole(o.role) : undefined;
        if (o.compartment && !role) throw new UsageError('--compartment goes with --role');
        const password = o.pam ? undefined : await readPassword(Boolean(o.passwordStdin));
        await withAuth(cmd, async (app, auth) => {
          const { parseScope, parseUsername } = await import('../../http/auth/service.js');
          const scope = parseScope(o.compartment);
          // Before the account exists: a grant refused afterwards would leave it behind.
          if (role) app.store.grants.requireScope(scope);
          if (password === undefined) app.store.users.create({ username: parseUsername(name), kind: 'pam' });
          else await auth.createLocalUser(name, password);
          if (role) app.store.grants.set(name, scope, role);
          audit(app, 'user.create', `user:${name}`, {
            kind: o.pam ? 'pam' : 'local',
            ...(role ? { role, compartment: scope } : {}),
          });
          out(
            `created ${o.pam ? 'PAM' : 'local'} user ${name}${role ? ` (${role} of ${scope === '*' ? 'every compartment' : scope})` : ''}\n`,
          );
        });
      },
    );

  user
    .command('list')
    .description('users and their roles')
    .addOption(formatOption())
    .action(async (o: { format: Format }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const users = app.store.users.list().map((u) => ({
          username: u.username,
          kind: u.kind,
          createdAt: u.createdAt,
          grants: app.store.grants.forUser(u.username).map((g) => ({ compartment: g.compartment, role: g.role })),
        }));
        print(o.format, users, () =>
          users.length === 0
            ? '(no users)'
            : table([
                ['USER', 'KIND', 'ROLES'],
                ...users.map((u) => [
                  u.username,
                  u.kind,
                  u.grants.map((g) => `${g.role}@${g.compartment}`).join(' ') || '-',
                ]),
              ]),
        );
      });
    });

  user
    .command('passwd <name>')
    .description("set a local account's password (its sessions end)")
    .option('--password-stdin', 'read the password from the first line of stdin')
    .action(async (name: string, o: { passwordStdin?: boolean }, cmd: Command) => {
      const password = await readPassword(Boolean(o.passwordStdin));
      await withAuth(cmd, async (app, auth) => {
        await auth.setPassword(name, password);
        audit(app, 'user.password', `user:${name}`);
        out(`password of ${name} changed; its sessions ended\n`);
      });
    });

  user
    .command('grant <name> <role>')
    .description('grant a role, for every compartment or (--compartment) one')
    .option('--compartment <id>', 'one existing compartment only')
    .action(async (name: string, r: string, o: { compartment?: string }, cmd: Command) => {
      const role = parseRole(r);
      await withApp(cmd, async (app) => {
        const { parseScope } = await import('../../http/auth/service.js');
        const { assertAdminRemains } = await import('../../http/routes/admin.js');
        const scope = parseScope(o.compartment);
        app.store.users.require(name);
        if (role !== 'admin') assertAdminRemains(app.store, { username: name, compartment: scope });
        app.store.grants.set(name, scope, role);
        audit(app, 'grant.set', grantTarget(name, scope), { username: name, compartment: scope, role });
        out(`${name} is ${role} of ${scope === '*' ? 'every compartment' : scope}\n`);
      });
    });

  user
    .command('revoke <name>')
    .description('take a grant back (the global one, or --compartment)')
    .option('--compartment <id>', 'the grant for this compartment')
    .action(async (name: string, o: { compartment?: string }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const { parseScope } = await import('../../http/auth/service.js');
        const { assertAdminRemains } = await import('../../http/routes/admin.js');
        const scope = parseScope(o.compartment);
        assertAdminRemains(app.store, { username: name, compartment: scope });
        if (!app.store.grants.revoke(name, scope)) {
          err(`${name} has no grant for ${scope}\n`);
          process.exitCode = 1;
          return;
        }
        audit(app, 'grant.revoke', grantTarget(name, scope), { username: name, compartment: scope });
        out(`revoked ${name}'s grant for ${scope}\n`);
      });
    });

  user
    .command('delete <name>')
    .description('delete a user with its grants, sessions and API tokens')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const { assertAdminRemains } = await import('../../http/routes/admin.js');
        app.store.users.require(name);
        assertAdminRemains(app.store, { username: name });
        app.store.users.delete(name);
        audit(app, 'user.delete', `user:${name}`);
        out(`deleted ${name}\n`);
      });
    });

  const token = user.command('token').description('API tokens for scripts');
  token
    .command('create <user> <name>')
    .description('create an API token (printed once)')
    .requiredOption('--role <role>', 'viewer, operator or admin (capped by the user’s own role)')
    .option('--compartment <id>', 'valid for this existing compartment only')
    .action(async (username: string, name: string, o: { role: string; compartment?: string }, cmd: Command) => {
      const role = parseRole(o.role);
      await withAuth(cmd, async (app, auth) => {
        const t = auth.createToken({ username, name, role, ...(o.compartment ? { compartment: o.compartment } : {}) });
        audit(app, 'token.create', `token:${name.trim()}`, {
          id: t.id,
          username,
          role,
          compartment: o.compartment ?? '*',
        });
        out(`${t.token}\n`);
        err(`token ${t.id} for ${username}: shown once, keep it safe\n`);
      });
    });
  token
    .command('list')
    .addOption(formatOption())
    .action(async (o: { format: Format }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const rows = app.store.tokens.list().map(({ secretHash: _s, ...t }) => t);
        print(o.format, rows, () =>
          rows.length === 0
            ? '(no tokens)'
            : table([
                ['ID', 'NAME', 'USER', 'ROLE', 'SCOPE', 'LAST USED', 'REVOKED'],
                ...rows.map((t) => [
                  t.id,
                  t.name,
                  t.username,
                  t.role,
                  t.compartment,
                  t.lastUsedAt ?? '-',
                  t.revokedAt ?? '-',
                ]),
              ]),
        );
      });
    });
  token.command('revoke <id>').action(async (id: string, _o: unknown, cmd: Command) => {
    await withAuth(cmd, async (app, auth) => {
      const name = app.store.tokens.get(id)?.name;
      auth.revokeToken(id);
      audit(app, 'token.revoke', `token:${name ?? id}`, { id });
      out(`revoked token ${id}\n`);
    });
  });
}
