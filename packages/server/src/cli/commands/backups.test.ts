// `backup policy`'s text: the schedule (UTC), mode, retention, the next run and the last scheduled one; `backup
// restore`'s: where the snapshot went and what it skipped; the progress line of a backup or restore; a snapshot's row.
import { describe, expect, it } from 'vitest';
import type { PolicyView } from '../../core/service/backups.js';
import {
  folderLines,
  policyLines,
  progressLine,
  repositoryLines,
  restoreFileLines,
  restoreLines,
  snapshotRow,
} from './backups.js';

const view = (over: Partial<PolicyView>): PolicyView => ({
  compartment: 'shop' as PolicyView['compartment'],
  policy: { schedule: 'off', mode: 'stop', keep: null },
  nextRun: null,
  lastRun: null,
  lastCheck: null,
  ...over,
});

describe('policyLines', () => {
  it('says off, no retention, never, none yet', () => {
    expect(policyLines(view({}))).toEqual([
      'Schedule:  off',
      'Mode:      stop',
      'Retention: none (every snapshot is kept)',
      'Next run:  never',
      'Last run:  none yet',
      'Checked:   none yet (a scheduled run checks the repository weekly)',
    ]);
  });

  it('names the retention above 0, the next run, and a done or failed last run', () => {
    const v = view({
      policy: { schedule: 'daily 03:00', mode: 'live', keep: { last: 3, daily: 0, weekly: 4, monthly: 0 } },
      nextRun: '2026-12-02T03:00:00.000Z',
      lastRun: {
        at: '2026-12-01T03:00:00.000Z',
        finishedAt: '2026-12-01T03:01:00.000Z',
        result: 'ok',
        snapshot: 'abcdef0123456789',
        removed: 2,
        kept: 5,
      },
      lastCheck: { at: '2026-12-01T03:01:00.000Z', ok: true, output: 'no errors were found' },
    });
    expect(policyLines(v)).toEqual([
      'Schedule:  daily 03:00 (UTC)',
      'Mode:      live',
      'Retention: last 3, weekly 4',
      'Next run:  2026-12-02T03:00:00.000Z',
      'Last run:  2026-12-01T03:00:00.000Z: ok, snapshot abcdef01, 2 forgotten, 5 kept',
      'Checked:   2026-12-01T03:01:00.000Z: ok',
    ]);
    const failed = view({
      lastRun: { at: 'T', finishedAt: 'U', result: 'failed', stage: 'prune', error: 'repository locked' },
      lastCheck: { at: 'C', ok: false, output: 'check snapshots\npack 12: damaged\nFatal: repository contains errors' },
    });
    expect(policyLines(failed).slice(-2)).toEqual([
      'Last run:  T: FAILED (prune): repository locked',
      'Checked:   C: FAILED: pack 12: damaged | Fatal: repository contains errors',
    ]);
  });
});

describe('repositoryLines', () => {
  it('a folder in one line; SFTP with the key to accept and the host keys to check', () => {
    expect(repositoryLines({ location: '/srv/b', kind: 'local' })).toEqual(['Repository: /srv/b (local)']);
    expect(
      repositoryLines({
        location: 'sftp:bk@nas:/r',
        kind: 'sftp',
        publicKey: 'ssh-ed25519 AAAA quadletman-qm-app',
        hostKeys: ['256 SHA256:x nas (ED25519)'],
      }),
    ).toEqual([
      'Repository: sftp:bk@nas:/r (sftp)',
      "Add this key to the remote user's ~/.ssh/authorized_keys:",
      '  ssh-ed25519 AAAA quadletman-qm-app',
      "The remote host's keys (check them):",
      '  256 SHA256:x nas (ED25519)',
    ]);
  });
});

describe('restoreLines', () => {
  const base = {
    compartment: 'shop' as PolicyView['compartment'],
    snapshot: 'abcdef0123456789',
    restored: ['/vol/shop/data'],
    skipped: [],
    restarted: ['web.service'],
    probes: 0,
    durationMs: 1200,
  };

  it('says what was replaced and restarted, and the probes that answer', () => {
    expect(restoreLines(base)).toEqual(['Restored abcdef01 into /vol/shop/data in 1200 ms.', 'Restarted web.service.']);
    expect(restoreLines({ ...base, probes: 2 }).at(-1)).toBe('Its 2 probes answer with the restored data.');
  });

  it('names the compartment restored into and the volumes skipped', () => {
    const r = { ...base, into: 'blog' as PolicyView['compartment'], restored: ['/vol/blog/data'], skipped: ['pv'] };
    expect(restoreLines({ ...r, restarted: [] })).toEqual([
      'Restored abcdef01 of shop into compartment blog: /vol/blog/data in 1200 ms.',
      'Skipped (not declared by blog): pv.',
      'Nothing was running.',
    ]);
  });
});

describe('folderLines, restoreFileLines', () => {
  it('a table of type, size, mode, owner, time and name (folders with a slash); a truncated listing says so', () => {
    const lines = folderLines({
      snapshot: 'abcdef0123',
      path: '/v/data',
      truncated: true,
      entries: [
        { name: 'a.txt', type: 'file', path: '/v/data/a.txt', size: 5, mode: '0644', uid: 33, gid: 33, mtime: 'T1' },
        { name: 'www', type: 'dir', path: '/v/data/www', size: null, mode: '0755', uid: 0, gid: 0, mtime: 'T2' },
      ],
    });
    const rows = lines[0]!.split('\n').map((l) => l.trim().split(/\s+/));
    expect(rows).toEqual([
      ['TYPE', 'SIZE', 'MODE', 'OWNER', 'MTIME', 'NAME'],
      ['file', '5', '0644', '33:33', 'T1', 'a.txt'],
      ['dir', '-', '0755', '0:0', 'T2', 'www/'],
    ]);
    expect(lines[1]).toBe('(only the first 2 entries)');
    expect(folderLines({ snapshot: 'x', path: '/v/e', truncated: false, entries: [] })).toEqual([
      '/v/e: empty (or not a folder).',
    ]);
  });

  it('says where the file went and where the replaced version is', () => {
    const r = { snapshot: 'abcdef0123', path: '/v/a', restored: '/v/a' };
    expect(restoreFileLines({ ...r, previous: '/v/a.before-restore-T' })).toEqual([
      'Restored /v/a of abcdef01 to /v/a.',
      'The version it replaced is kept as /v/a.before-restore-T.',
    ]);
    expect(restoreFileLines(r)[1]).toBe('There was none before.');
  });
});

describe('progressLine', () => {
  const at = '2026-12-05T02:00:00.000Z';
  it("names the stage, then restic's percent, files, bytes and time left (what restic says)", () => {
    expect(progressLine({ operation: 'backup', stage: 'stopping', startedAt: at, status: null })).toBe(
      'backup: stopping the units…',
    );
    const status = {
      percent: 42.25,
      filesDone: 1200,
      totalFiles: 35000,
      bytesDone: 1536,
      totalBytes: 3072,
      secondsElapsed: 3,
      secondsRemaining: 4.6,
      currentFiles: [],
    };
    expect(progressLine({ operation: 'restore', stage: 'restic', startedAt: at, status })).toBe(
      'restore: 42.3%, 1200/35000 files, 1.5 KiB/3.0 KiB, 5 s left',
    );
    expect(
      progressLine({
        operation: 'backup',
        stage: 'restic',
        startedAt: at,
        status: { ...status, totalFiles: null, bytesDone: null, secondsRemaining: null },
      }),
    ).toBe('backup: 42.3%, 1200 files');
  });
});

describe('snapshotRow', () => {
  it("names the size, what it added and how long it took, from restic's summary; '-' without one", () => {
    const s = { id: 'ab'.repeat(32), shortId: 'abababab', time: 'T', paths: [], tags: ['mode=stop'] };
    expect(snapshotRow({ ...s, size: 3 * 1024 * 1024, added: 1536, durationS: 2.25 })).toEqual([
      'abababab',
      'T',
      '3.0 MiB',
      '1.5 KiB',
      '2.3 s',
      'mode=stop',
    ]);
    expect(snapshotRow(s)).toEqual(['abababab', 'T', '-', '-', '-', 'mode=stop']);
  });
});
