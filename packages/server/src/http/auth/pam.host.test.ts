import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import { hostExec } from '../../host/exec.js';
import { openStore } from '../../store/index.js';
import { buildServer } from '../server.js';
import { ensurePamService, PAM_FILE } from './pam.js';

// Runs inside the sandbox host (npm run test:host): real Linux users, real PAM (Debian's common-auth with
// pam_unix), real `id -Gn`. One user in the allowed group `sudo`, one outside it.
const IN = 'qmpamin';
const OUT = 'qmpamout';
const PASSWORD = 'Sandbox-pam-pw-1';

const sh = (...argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
const dropUser = (u: string) => {
  try {
    sh('userdel', '-r', u);
  } catch {
    // not there
  }
};

describe.runIf(process.env.QUADLETMAN_SANDBOX === '1')('PAM login of host users', () => {
  let server: FastifyInstance;
  const login = (username: string, password: string) =>
    server.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

  beforeAll(async () => {
    for (const u of [IN, OUT]) {
      dropUser(u);
      sh('useradd', '--create-home', '--shell', '/bin/sh', u);
      execFileSync('chpasswd', { input: `${u}:${PASSWORD}\n` });
    }
    sh('usermod', '-aG', 'sudo', IN);
    await ensurePamService();
    const store = openStore({ path: ':memory:' });
    const ctx = { store, host: { exec: hostExec } } as unknown as AppContext;
    server = await buildServer(ctx, { pam: {}, loginRateLimit: { max: 1000 } });
    server.addHook('onClose', async () => store.close());
  });

  afterAll(async () => {
    await server?.close();
    for (const u of [IN, OUT]) dropUser(u);
  });

  it('installs /etc/pam.d/quadletman on the common-* stacks', () => {
    expect(existsSync('/etc/pam.d/common-auth')).toBe(true);
    expect(readFileSync(PAM_FILE, 'utf8')).toMatch(/^auth\s+include common-auth$/m);
    expect(readFileSync(PAM_FILE, 'utf8')).toMatch(/^account\s+include common-account$/m);
  });

  it('lets a member of the allowed group in, as admin by default', async () => {
    const res = await login(IN, PASSWORD);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ username: IN, grants: [{ compartment: '*', role: 'admin' }] });
    expect(server.quadletman.store.users.get(IN)?.kind).toBe('pam');
  });

  it('refuses a wrong password', async () => {
    expect((await login(IN, 'not-the-password')).statusCode).toBe(401);
  });

  it('refuses a user with the right password outside the allowed group', async () => {
    const res = await login(OUT, PASSWORD);
    expect(res.statusCode).toBe(401);
    expect(server.quadletman.store.users.get(OUT)).toBeUndefined();
  });

  it('refuses root and unknown users', async () => {
    expect((await login('root', PASSWORD)).statusCode).toBe(401);
    expect((await login('nosuchuser', PASSWORD)).statusCode).toBe(401);
  });

  it('audits each attempt', () => {
    const rows = server.quadletman.store.audit.list({ action: 'auth.login' }).reverse();
    expect(rows.map((r) => [r.actor, r.result])).toEqual([
      [IN, 'ok'],
      [IN, 'failed'],
      [OUT, 'failed'],
      ['root', 'failed'],
      ['nosuchuser', 'failed'],
    ]);
    expect(server.quadletman.store.audit.verify()).toMatchObject({ ok: true });
  });
});
