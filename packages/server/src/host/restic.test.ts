// restic's argv (as the compartment user, in its namespace; the password on stdin only) and its JSON output; the
// ACL entries that let another compartment's user read a repository (as its owner, outside the namespace).
import { describe, expect, it } from 'vitest';
import type { LinuxUser } from '../core/ids.js';
import { FakeExec } from './fake-exec.js';
import {
  foldersAbove,
  forgetArgs,
  parseBackupSummary,
  parseForget,
  parseLs,
  parseSnapshots,
  Restic,
} from './restic.js';
import { makeSession } from './session.js';

const s = makeSession('qm-web' as LinuxUser, 996, '/h/qm-web');
const PW = 'secret-password-0123';

describe('restic', () => {
  it('runs as the user inside its namespace, with the password on stdin and nowhere in argv', async () => {
    const exec = new FakeExec().on(['backup'], {
      stdout: [
        '{"message_type":"status","percent_done":0.5,"total_files":4,"files_done":2,"bytes_done":2500,"total_bytes":5000,"seconds_remaining":3,"current_files":["/v/data/a"]}',
        '{"message_type":"summary","files_new":3,"files_changed":0,"files_unmodified":1,"data_added":1200,"total_files_processed":4,"total_bytes_processed":5000,"total_duration":0.8,"snapshot_id":"abc123"}',
        '',
      ].join('\n'),
    });
    const r = new Restic(exec);
    const seen: unknown[] = [];
    const sum = await r.backup(s, '/h/qm-web/repo', PW, ['/v/data', '-odd'], ['compartment=web'], (st) =>
      seen.push(st),
    );
    // the status line went to the listener, once a second (RESTIC_PROGRESS_FPS, in the user's environment)
    expect(seen).toEqual([
      {
        percent: 50,
        filesDone: 2,
        totalFiles: 4,
        bytesDone: 2500,
        totalBytes: 5000,
        secondsElapsed: null,
        secondsRemaining: 3,
        currentFiles: ['/v/data/a'],
      },
    ]);
    expect(sum).toMatchObject({ snapshotId: 'abc123', filesNew: 3, totalFiles: 4, totalBytes: 5000, durationS: 0.8 });
    expect(exec.calls).toHaveLength(1); // no unlock: a backup's lock is shared
    const call = exec.calls[0]!;
    expect(call.argv.slice(0, 4)).toEqual(['runuser', '-u', 'qm-web', '--']);
    expect(call.argv).toContain('RESTIC_PROGRESS_FPS=1');
    const i = call.argv.indexOf('podman');
    expect(call.argv.slice(i)).toEqual([
      'podman',
      'unshare',
      'restic',
      '--repo',
      '/h/qm-web/repo',
      'backup',
      '--json',
      '--host',
      'quadletman',
      '--tag',
      'compartment=web',
      '--',
      '/v/data',
      '-odd',
    ]);
    expect(JSON.stringify(call.argv)).not.toContain(PW);
    expect(call.options).toMatchObject({ input: `${PW}\n` });
  });

  it('removes stale locks and runs again when an exclusive lock stops the backup (exit 11)', async () => {
    let tries = 0;
    const summary = '{"message_type":"summary","snapshot_id":"abc"}';
    const exec = new FakeExec()
      .on(['backup'], () =>
        ++tries === 1 ? { code: 11, stderr: 'repository is already locked exclusively' } : { stdout: summary },
      )
      .on(['unlock'], {});
    const sum = await new Restic(exec).backup(s, '/r', PW, ['/v'], []);
    expect(sum.snapshotId).toBe('abc');
    expect(exec.calls.map((c) => c.argv.find((a) => a === 'backup' || a === 'unlock'))).toEqual([
      'backup',
      'unlock',
      'backup',
    ]);
  });

  it('makes a repository only where there is none', async () => {
    const there = new FakeExec().on(['cat', 'config'], { code: 0 });
    expect(await new Restic(there).init(s, '/r', PW)).toBe('exists');
    const none = new FakeExec().on(['cat', 'config'], { code: 10 });
    expect(await new Restic(none).init(s, '/r', PW)).toBe('created');
    expect(none.calls[1]!.argv.at(-1)).toBe('init');
    expect(none.calls[1]!.options).toMatchObject({ input: `${PW}\n${PW}\n` });
  });

  it("reads snapshots with restic's summary of each (when it kept one), and a summary among progress lines", () => {
    const summary = {
      backup_start: '2026-12-04T00:00:00.250Z',
      backup_end: '2026-12-04T00:00:03.750Z',
      data_added: 1200,
      total_bytes_processed: 5000,
    };
    expect(
      parseSnapshots(
        JSON.stringify([
          { id: 'aaaa1111bbbb', short_id: 'aaaa1111', time: '2026-12-04T00:00:00Z', paths: ['/v'], tags: ['x=1'] },
          { id: 'bbbb2222cccc', time: '2026-12-05T00:00:00Z', paths: ['/v'], tags: [], summary },
        ]),
      ),
    ).toEqual([
      {
        id: 'aaaa1111bbbb',
        shortId: 'aaaa1111',
        time: '2026-12-04T00:00:00Z',
        paths: ['/v'],
        tags: ['x=1'],
        size: null,
        added: null,
        durationS: null,
      },
      {
        id: 'bbbb2222cccc',
        shortId: 'bbbb2222',
        time: '2026-12-05T00:00:00Z',
        paths: ['/v'],
        tags: [],
        size: 5000,
        added: 1200,
        durationS: 3.5,
      },
    ]);
    expect(parseSnapshots('')).toEqual([]);
    expect(parseBackupSummary('{"message_type":"status"}\nnot json\n')).toBeUndefined();
  });

  it('swaps folder contents in one script whose paths are arguments, never spliced in', async () => {
    const exec = new FakeExec();
    await new Restic(exec).swapContents(s, [{ path: '/v/data', staged: '/h/st/v/data', aside: '/h/old/0; rm -rf /' }]);
    const argv = exec.calls[0]!.argv;
    const i = argv.indexOf('sh');
    expect(argv.slice(i + 3)).toEqual(['sh', '/v/data', '/h/st/v/data', '/h/old/0; rm -rf /']);
    expect(argv[i + 2]).not.toContain('/v/data');
  });

  it('forgets by the compartment tag and the keep counts above 0, prunes, the password on stdin only', async () => {
    const groups = [
      {
        tags: null,
        host: 'quadletman',
        paths: null,
        keep: [{ id: 'k'.repeat(64), short_id: 'kkkkkkkk', time: '2026-12-04T03:00:00Z', paths: ['/v'], tags: [] }],
        remove: [{ id: 'r'.repeat(64), short_id: 'rrrrrrrr', time: '2026-12-01T03:00:00Z', paths: ['/v'], tags: [] }],
        reasons: [],
      },
    ];
    const exec = new FakeExec().on(['forget'], {
      stdout: `${JSON.stringify(groups)}\n1 snapshots have been removed, running prune\n`,
    });
    const r = await new Restic(exec).forget(s, '/h/qm-web/repo', PW, 'compartment=web', {
      last: 3,
      daily: 7,
      weekly: 0,
      monthly: 12,
    });
    expect(r.removed.map((x) => x.shortId)).toEqual(['rrrrrrrr']);
    expect(r.kept.map((x) => x.shortId)).toEqual(['kkkkkkkk']);
    expect(exec.calls[0]!.argv.at(-1)).toBe('unlock');
    const call = exec.calls[1]!;
    const i = call.argv.indexOf('podman');
    expect(call.argv.slice(i)).toEqual([
      'podman',
      'unshare',
      'restic',
      '--repo',
      '/h/qm-web/repo',
      'forget',
      '--json',
      '--host',
      'quadletman',
      '--tag',
      'compartment=web',
      '--group-by',
      'host',
      '--keep-last',
      '3',
      '--keep-daily',
      '7',
      '--keep-monthly',
      '12',
      '--prune',
    ]);
    expect(call.argv.join(' ')).not.toContain(PW);
    expect(call.options).toMatchObject({ input: `${PW}\n` });
  });

  it("restores from another compartment's repository without a lock in it", async () => {
    const exec = new FakeExec();
    await new Restic(exec).restore(s, '/h/qm-src/repo', PW, 'abcd1234', '/h/qm-web/staging', { readOnly: true });
    const argv = exec.calls[0]!.argv;
    expect(argv.slice(argv.indexOf('podman'))).toEqual([
      'podman',
      'unshare',
      'restic',
      '--repo',
      '/h/qm-src/repo',
      '--no-lock',
      'restore',
      '--json',
      '--verify',
      '--target',
      '/h/qm-web/staging',
      '--',
      'abcd1234',
    ]);
    await new Restic(exec).restore(s, '/h/qm-web/repo', PW, 'abcd1234', '/h/qm-web/staging');
    expect(exec.calls[1]!.argv).not.toContain('--no-lock');
  });

  it('grants a reader passage from the home down and read below the repository, as the owner; revokes both', async () => {
    const exec = new FakeExec();
    const repo = '/h/qm-web/.local/share/quadletman/restic';
    await new Restic(exec).grantRead(s, 'qm-dst' as LinuxUser, [repo]);
    const cmd = (i: number) => {
      const argv = exec.calls[i]!.argv;
      expect(argv.slice(0, 4)).toEqual(['runuser', '-u', 'qm-web', '--']);
      expect(argv).not.toContain('unshare');
      return argv.slice(argv.indexOf('setfacl'));
    };
    const above = ['/h/qm-web', '/h/qm-web/.local', '/h/qm-web/.local/share', '/h/qm-web/.local/share/quadletman'];
    expect(cmd(0)).toEqual(['setfacl', '-m', 'u:qm-dst:X', '--', ...above]);
    expect(cmd(1)).toEqual(['setfacl', '-R', '-m', 'u:qm-dst:rX', '--', repo]);
    // revoke: both commands even when the first fails, then its error
    const failing = new FakeExec().on(['-R', '-x'], { code: 1, stderr: 'setfacl: Operation not permitted' });
    await expect(new Restic(failing).revokeRead(s, 'qm-dst' as LinuxUser, [repo])).rejects.toThrow();
    expect(failing.calls.map((c) => c.argv.slice(c.argv.indexOf('setfacl')))).toEqual([
      ['setfacl', '-R', '-x', 'u:qm-dst', '--', repo],
      ['setfacl', '-x', 'u:qm-dst', '--', ...above],
    ]);
  });

  it('lists the folders above paths in the home once each, and refuses a path outside it', () => {
    expect(foldersAbove('/h/a', ['/h/a/x/y', '/h/a/x/z', '/h/a/w'])).toEqual(['/h/a', '/h/a/x']);
    expect(foldersAbove('/h/a', ['/h/a/r'])).toEqual(['/h/a']);
    for (const bad of ['/h/ab/r', '/h/a', '/h/a/', '/h/a/../b/r', '/h/a//r', '/elsewhere/r'])
      expect(() => foldersAbove('/h/a', [bad]), bad).toThrow(/not a folder below/);
  });

  it('builds forget argv only from whole counts, refuses one that keeps nothing or an odd tag', () => {
    const keep = { last: 0, daily: 0, weekly: 4, monthly: 0 };
    expect(forgetArgs('compartment=a-1', keep).slice(-3)).toEqual(['--keep-weekly', '4', '--prune']);
    expect(() => forgetArgs('compartment=a', { ...keep, weekly: 0 })).toThrow(/keeps nothing/);
    expect(() => forgetArgs('compartment=a', { ...keep, daily: 1.5 })).toThrow(/not a count/);
    expect(() => forgetArgs('compartment=a', { ...keep, daily: '3' as unknown as number })).toThrow(/not a count/);
    expect(() => forgetArgs('compartment=a,b', keep)).toThrow(/not a compartment tag/);
    expect(() => forgetArgs('--prune', keep)).toThrow(/not a compartment tag/);
    expect(forgetArgs('quadletman-self', keep).slice(4, 6)).toEqual(['--tag', 'quadletman-self']);
    expect(() => forgetArgs('quadletman-self-x', keep)).toThrow(/not a compartment tag/);
  });

  it("reads forget's groups (keep or remove may be null), and no array as nothing removed", () => {
    expect(parseForget('[{"keep":null,"remove":null}]\n')).toEqual({ removed: [], kept: [] });
    expect(parseForget('')).toEqual({ removed: [], kept: [] });
    expect(
      parseForget('[{"keep":[{"id":"a1","time":"t","paths":["/v"],"tags":["compartment=x"]}],"remove":[]}]').kept,
    ).toEqual([
      {
        id: 'a1',
        shortId: 'a1',
        time: 't',
        paths: ['/v'],
        tags: ['compartment=x'],
        size: null,
        added: null,
        durationS: null,
      },
    ]);
  });

  it("reads ls's direct children of a folder only, with sizes, modes and owners; caps the listing", () => {
    const node = (path: string, type: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        name: path.split('/').pop(),
        type,
        path,
        uid: 33,
        gid: 33,
        mode: 420,
        mtime: 'T',
        struct_type: 'node',
        ...extra,
      });
    const out = [
      '{"time":"T","paths":["/v/data"],"id":"abc","struct_type":"snapshot"}',
      node('/v', 'dir'),
      node('/v/data', 'dir'),
      node('/v/data/a.txt', 'file', { size: 5 }),
      node('/v/data/www', 'dir', { mode: 2147484141 }),
      node('/v/data/www/index.html', 'file', { size: 9 }),
      node('/v/database', 'dir'),
      node('/v/data/ln', 'symlink', { message_type: 'node', struct_type: undefined }),
      'not json',
      '',
    ].join('\n');
    const r = parseLs(out, '/v/data');
    expect(r.truncated).toBe(false);
    expect(r.entries).toEqual([
      { name: 'a.txt', type: 'file', path: '/v/data/a.txt', size: 5, mode: '0644', uid: 33, gid: 33, mtime: 'T' },
      { name: 'www', type: 'dir', path: '/v/data/www', size: null, mode: '0755', uid: 33, gid: 33, mtime: 'T' },
      { name: 'ln', type: 'symlink', path: '/v/data/ln', size: null, mode: '0644', uid: 33, gid: 33, mtime: 'T' },
    ]);
    const capped = parseLs(out, '/v/data', 2);
    expect(capped.entries.map((e) => e.name)).toEqual(['a.txt', 'www']);
    expect(capped.truncated).toBe(true);
    expect(parseLs(out, '/v/data/a.txt').entries).toEqual([]);
  });

  it('lists, restores chosen paths and puts a staged copy in place with the paths as arguments only', async () => {
    const exec = new FakeExec().on(['ls'], { stdout: '' }).on(['restore'], {}).on(['sh'], { stdout: 'replaced\n' });
    const r = new Restic(exec);
    await r.ls(s, '/r', PW, 'abcdef12', '/v/data');
    await r.restoreFiles(s, '/r', PW, 'abcdef12', '/h/st', ['/v/data/a b', '/v/data/-x']);
    expect(
      await r.putStaged(s, { staged: '/h/st/v/data/a', path: '/v/data/a', previous: '/v/data/a.b; rm -rf /' }),
    ).toBe('replaced');
    const tail = (i: number) => exec.calls[i]!.argv.slice(exec.calls[i]!.argv.indexOf('/r') + 1);
    expect(tail(0)).toEqual(['ls', '--json', '--', 'abcdef12', '/v/data']);
    expect(tail(1)).toEqual([
      'restore',
      '--verify',
      '--target',
      '/h/st',
      '--include',
      '/v/data/a b',
      '--include',
      '/v/data/-x',
      '--',
      'abcdef12',
    ]);
    expect(exec.calls[1]!.options).toMatchObject({ input: `${PW}\n` });
    const sh = exec.calls[2]!.argv;
    expect(sh.slice(sh.indexOf('podman'), sh.indexOf('podman') + 4)).toEqual(['podman', 'unshare', 'sh', '-c']);
    expect(sh.slice(-4)).toEqual(['sh', '/h/st/v/data/a', '/v/data/a', '/v/data/a.b; rm -rf /']);
    expect(sh[sh.indexOf('-c') + 1]).not.toContain('/v/data');
    await expect(r.restoreFiles(s, '/r', PW, 'abcdef12', '/h/st', [])).rejects.toThrow(/nothing/);
  });
});

describe('REST and S3 repositories', () => {
  it('reads the address from a file of the user (a REST server with its credentials), never from argv', async () => {
    const exec = new FakeExec().on(['snapshots'], { stdout: '[]' });
    const r = new Restic(exec);
    await r.setAccess(s, { kind: 'rest', url: 'https://bk:8000/web' }, { user: 'web', secret: 'Zq9 s3cret' });
    const [write, remove] = exec.calls;
    // the repository file gets the URL with the (encoded) credentials on stdin; the S3 file is removed
    expect(write!.argv.slice(-2)).toEqual(['/h/qm-web/.local/share/quadletman/repository', 'write']);
    expect(write!.options).toMatchObject({ input: 'rest:https://web:Zq9%20s3cret@bk:8000/web\n' });
    expect(remove!.argv.slice(-2)).toEqual(['/h/qm-web/.local/share/quadletman/s3-credentials', 'remove']);
    expect(JSON.stringify(exec.calls.map((c) => c.argv))).not.toContain('Zq9');
    await r.snapshots(s, 'rest:https://bk:8000/web', PW);
    const argv = exec.calls.at(-1)!.argv;
    expect(argv.slice(argv.indexOf('restic'))).toEqual([
      'restic',
      '--repository-file',
      '/h/qm-web/.local/share/quadletman/repository',
      'snapshots',
      '--json',
    ]);
  });

  it('gives S3 the credentials file in the environment, its path only', async () => {
    const exec = new FakeExec().on(['snapshots'], { stdout: '[]' });
    const r = new Restic(exec);
    await r.setAccess(
      s,
      { kind: 's3', url: 'https://s3.example/bkp/web', bucket: 'bkp' },
      { user: 'AK', secret: 'SK' },
    );
    expect(exec.calls[0]!.options).toMatchObject({ input: 's3:https://s3.example/bkp/web\n' });
    expect(exec.calls[1]!.options).toMatchObject({
      input: '[default]\naws_access_key_id = AK\naws_secret_access_key = SK\n',
    });
    await r.snapshots(s, 's3:https://s3.example/bkp/web', PW);
    const argv = exec.calls.at(-1)!.argv;
    expect(argv).toContain('AWS_SHARED_CREDENTIALS_FILE=/h/qm-web/.local/share/quadletman/s3-credentials');
    expect(argv).toContain('--repository-file');
    expect(argv.join(' ')).not.toContain('SK');
    // a folder again: both files removed
    await r.setAccess(s, { kind: 'local', path: '/srv/b' });
    expect(exec.calls.slice(-2).map((c) => c.argv.at(-1))).toEqual(['remove', 'remove']);
  });
});
