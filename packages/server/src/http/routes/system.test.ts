import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SelfBackupStatusSchema } from '../../api/contract.js';
import type { SelfBackupStatus } from '../../host/self-backup.js';
import { type Setup, setup } from './compartments-test-setup.js';

let dir: string;
let s: Setup;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qm-routes-system-'));
  s = await setup(dir);
});
afterEach(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const STATUS: SelfBackupStatus = {
  repository: {
    location: 'sftp:keeper@nas:quadletman',
    kind: 'sftp',
    createdAt: '2026-12-01T02:00:00.000Z',
    publicKey: 'ssh-ed25519 AAAA quadletman-self-backup',
    hostKeys: ['256 SHA256:abc nas (ED25519)'],
  },
  snapshots: [
    { id: 'a'.repeat(64), shortId: 'aaaaaaaa', time: '2026-12-05T02:10:00Z', paths: ['/x'], tags: ['quadletman-self'] },
  ],
  lastRun: {
    startedAt: '2026-12-05T02:10:00.000Z',
    finishedAt: '2026-12-05T02:10:03.000Z',
    ok: false,
    scheduled: true,
    error: 'Fatal: unable to open repository',
  },
  schedule: { installed: true, next: '2026-12-06T02:21:00.000Z', running: false },
};

describe("quadletman's own backups", () => {
  it('an admin reads their state as root answered it; the start is audited, refused ones too', async () => {
    s.ctx.app.selfBackup = { status: async () => STATUS, start: async () => undefined };
    const res = await s.t.as('admin', 'GET', '/api/system/self-backup');
    expect(res.statusCode).toBe(200);
    // the answer as the server sent it (a schema's parse would drop a field that leaked)
    expect(res.json()).toEqual(STATUS);
    expect(SelfBackupStatusSchema.safeParse(res.json()).success).toBe(true);

    const run = await s.t.as('admin', 'POST', '/api/system/self-backup/run');
    expect([run.statusCode, run.json()]).toEqual([202, { started: true }]);
    expect(s.t.audits.at(-1)).toMatchObject({ action: 'backup.self-start', result: 'ok', user: 'admin' });
  });

  it('without a repository: none shown, and a start is refused with why (409), audited as failed', async () => {
    const res = await s.t.as('admin', 'GET', '/api/system/self-backup');
    expect(res.json()).toMatchObject({ repository: null, snapshots: [], lastRun: null });
    const run = await s.t.as('admin', 'POST', '/api/system/self-backup/run');
    expect(run.statusCode).toBe(409);
    expect(run.json().error.message).toMatch(/no repository for quadletman's own backups/);
    expect(s.t.audits.at(-1)).toMatchObject({ action: 'backup.self-start', result: 'failed' });
  });

  it('is for global admins only', async () => {
    expect((await s.t.as('operator', 'GET', '/api/system/self-backup')).statusCode).toBe(403);
    expect((await s.t.as('operator', 'POST', '/api/system/self-backup/run')).statusCode).toBe(403);
  });
});
