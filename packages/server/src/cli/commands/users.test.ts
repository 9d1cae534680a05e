/**
 * `quadletman user …`, `audit verify|list`, `serve` and `install` as a user runs them: bin/quadletman in a child
 * process with its own --data-dir.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseCompartmentId } from '../../core/ids.js';
import { openStore } from '../../store/index.js';

const ROOT = resolve(__dirname, '../../../../..');
const BIN = join(ROOT, 'bin/quadletman');

function cli(dataDir: string) {
  return (args: string[], input?: string) =>
    spawnSync(BIN, ['--data-dir', dataDir, ...args], { encoding: 'utf8', cwd: ROOT, input: input ?? '' });
}

/** A data folder whose store holds these compartments (made in the store only: no Linux users). */
function withCompartments(...ids: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'qm-cli-users-'));
  const store = openStore({ dataDir: dir });
  for (const id of ids) store.compartments.create({ id: parseCompartmentId(id) });
  store.close();
  return dir;
}

describe('quadletman user and audit', () => {
  it('manages accounts, roles and tokens; audit verify finds an edited entry (exit 1)', () => {
    const dir = withCompartments('web', 'db');
    const run = cli(dir);
    expect(run(['user', 'add', 'alice', '--password-stdin', '--role', 'admin'], 'a long password\n').status).toBe(0);
    expect(run(['user', 'add', 'bob', '--pam', '--role', 'viewer', '--compartment', 'web']).status).toBe(0);
    expect(run(['user', 'add', 'carol', '--password-stdin'], 'short\n').status).toBe(2);
    expect(run(['user', 'grant', 'bob', 'operator', '--compartment', 'db']).status).toBe(0);
    expect(run(['user', 'grant', 'alice', 'viewer']).status).toBe(4); // the last admin stays admin
    const list = JSON.parse(run(['user', 'list', '--format', 'json']).stdout);
    expect(list).toMatchObject([
      { username: 'alice', kind: 'local', grants: [{ compartment: '*', role: 'admin' }] },
      {
        username: 'bob',
        kind: 'pam',
        grants: [
          { compartment: 'db', role: 'operator' },
          { compartment: 'web', role: 'viewer' },
        ],
      },
    ]);
    expect(run(['user', 'revoke', 'bob', '--compartment', 'db']).status).toBe(0);
    const token = run(['user', 'token', 'create', 'alice', 'ci', '--role', 'viewer']);
    expect(token.status).toBe(0);
    expect(token.stdout).toMatch(/^qmt_\S+\n$/);
    const tokens = JSON.parse(run(['user', 'token', 'list', '--format', 'json']).stdout);
    expect(JSON.stringify(tokens)).not.toContain(token.stdout.trim().split('.')[1]);
    expect(run(['user', 'token', 'revoke', tokens[0].id]).status).toBe(0);
    expect(run(['user', 'passwd', 'alice', '--password-stdin'], 'another long password\n').status).toBe(0);

    const ok = run(['audit', 'verify', '--format', 'json']);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ ok: true, entries: 7 });
    const audit = JSON.parse(run(['audit', 'list', '--format', 'json']).stdout) as {
      action: string;
      actorKind: string;
    }[];
    expect(audit.map((e) => e.action)).toEqual([
      'user.password',
      'token.revoke',
      'token.create',
      'grant.revoke',
      'grant.set',
      'user.create',
      'user.create',
    ]);
    expect(new Set(audit.map((e) => e.actorKind))).toEqual(new Set(['cli']));

    const db = new Database(join(dir, 'quadletman.db'));
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET target = 'user:mallory' WHERE id = 3").run();
    db.close();
    const broken = run(['audit', 'verify']);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN at audit entry 3/);
  }, 180_000);
});

describe('quadletman user: grants and tokens belong to a compartment', () => {
  it('refuses a grant or a token for a compartment that does not exist (exit 3), and creates no user then', () => {
    const dir = withCompartments('web');
    const run = cli(dir);
    expect(run(['user', 'add', 'alice', '--password-stdin', '--role', 'admin'], 'a long password\n').status).toBe(0);
    const add = run(['user', 'add', 'bob', '--pam', '--role', 'viewer', '--compartment', 'nope']);
    expect(add.status).toBe(3);
    expect(add.stderr).toContain("There is no compartment 'nope'");
    expect(run(['user', 'add', 'bob', '--pam']).status).toBe(0); // the refused add left no user behind
    const grant = run(['user', 'grant', 'bob', 'operator', '--compartment', 'nope']);
    expect(grant.status).toBe(3);
    expect(grant.stderr).toContain("There is no compartment 'nope'");
    const token = run(['user', 'token', 'create', 'alice', 'ci', '--role', 'viewer', '--compartment', 'nope']);
    expect(token.status).toBe(3);
    expect(token.stderr).toContain("There is no compartment 'nope'");
    expect(token.stdout).toBe('');
    expect(run(['user', 'grant', 'bob', 'operator', '--compartment', 'web']).status).toBe(0);
    expect(run(['user', 'grant', 'bob', 'viewer']).status).toBe(0);
    const list = JSON.parse(run(['user', 'list', '--format', 'json']).stdout) as { grants: unknown[] }[];
    expect(list.map((u) => u.grants)).toEqual([
      [{ compartment: '*', role: 'admin' }],
      [
        { compartment: '*', role: 'viewer' },
        { compartment: 'web', role: 'operator' },
      ],
    ]);
    expect(JSON.parse(run(['user', 'token', 'list', '--format', 'json']).stdout)).toEqual([]);
  }, 180_000);

  it('compartment delete removes its grants and tokens and audits them; a new one of that id grants nothing', () => {
    const dir = withCompartments('web');
    const run = cli(dir);
    expect(run(['user', 'add', 'bob', '--pam', '--role', 'operator', '--compartment', 'web']).status).toBe(0);
    expect(run(['user', 'grant', 'bob', 'viewer']).status).toBe(0);
    expect(run(['user', 'token', 'create', 'bob', 'ci', '--role', 'operator', '--compartment', 'web']).status).toBe(0);
    expect(run(['user', 'token', 'create', 'bob', 'all', '--role', 'viewer']).status).toBe(0);
    // No Linux user qm-web exists here: delete only reads the passwd database, then deletes the store's rows.
    const del = run(['compartment', 'delete', 'web', '--format', 'json']);
    expect(del.status).toBe(0);
    expect(JSON.parse(del.stdout)).toMatchObject({
      deleted: 'web',
      removedGrants: [{ username: 'bob', role: 'operator' }],
      removedTokens: [{ name: 'ci', username: 'bob', role: 'operator' }],
    });
    const list = JSON.parse(run(['user', 'list', '--format', 'json']).stdout) as { grants: unknown[] }[];
    expect(list.map((u) => u.grants)).toEqual([[{ compartment: '*', role: 'viewer' }]]);
    const tokens = JSON.parse(run(['user', 'token', 'list', '--format', 'json']).stdout) as { name: string }[];
    expect(tokens.map((t) => t.name)).toEqual(['all']);
    const audit = JSON.parse(run(['audit', 'list', '--format', 'json']).stdout) as {
      action: string;
      details: string;
    }[];
    expect(audit[0]?.action).toBe('compartment.delete');
    expect(JSON.parse(audit[0]!.details)).toMatchObject({
      removedGrants: [{ username: 'bob', role: 'operator' }],
      removedTokens: [{ name: 'ci', username: 'bob', role: 'operator' }],
    });
    // A compartment made again under the same id: bob is only the global viewer there.
    const store = openStore({ dataDir: dir });
    try {
      store.compartments.create({ id: parseCompartmentId('web') });
      expect(store.grants.forUser('bob').map((g) => g.compartment)).toEqual(['*']);
      expect(store.tokens.list().map((t) => t.compartment)).toEqual(['*']);
    } finally {
      store.close();
    }
  }, 180_000);
});

describe('quadletman serve', () => {
  it('prints the URL and a one-time setup token that creates the admin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-cli-serve-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(BIN, ['--data-dir', dir, 'serve', '--no-pam', '--listen', `127.0.0.1:${port}`], { cwd: ROOT });
    try {
      let out = '';
      child.stdout.on('data', (d) => {
        out += String(d);
      });
      const deadline = Date.now() + 60_000;
      while (!/Setup token \(one use\): (\S+)/.test(out) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain(`listening on http://127.0.0.1:${port}/`);
      const token = /Setup token \(one use\): (\S+)/.exec(out)![1]!;
      const base = `http://127.0.0.1:${port}`;
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
      const setup = (t: string) =>
        fetch(`${base}/api/auth/setup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: t, username: 'admin', password: 'a long admin password' }),
        });
      const res = await setup(token);
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/qm_session=.*HttpOnly.*SameSite=Strict/);
      expect((await setup(token)).status).toBe(409);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 120_000);
});

describe.runIf(!existsSync('/run/systemd/system'))('quadletman install without systemd', () => {
  it('refuses with a clear message', () => {
    const r = cli(mkdtempSync(join(tmpdir(), 'qm-cli-install-')))(['install']);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/systemd is not PID 1/);
  });
});
