// The file agent's operations, run in-process on a temporary folder (the host tests run it as a real
// compartment user, and the race suite attacks it there).
import * as fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FILE_AGENT } from '../user-files.js';

type Result = { ok: boolean; code?: string; message?: string; [k: string]: unknown };
const agent = createRequire(import.meta.url)(FILE_AGENT) as {
  runBatch(base: string, request: unknown): { results: Result[] };
};

let base: string;
beforeEach(async () => {
  base = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-agent-'));
});
afterEach(async () => {
  await fsp.rm(base, { recursive: true, force: true });
});

const run = (...ops: object[]) => agent.runBatch(base, { ops }).results;

describe('file agent', () => {
  it('writes atomically with the modes asked, making folders, and reads back text and mode', async () => {
    const [w, r, t] = run(
      { op: 'write', path: 'a/b/c.env', text: 'X=1\n', mode: 0o600, dirMode: 0o750 },
      { op: 'read', path: 'a/b/c.env' },
      { op: 'read-tree', dirs: ['a', 'missing'] },
    );
    expect(w).toEqual({ ok: true });
    expect(r).toEqual({ ok: true, text: 'X=1\n', mode: 0o600 });
    expect(t).toEqual({ ok: true, files: [{ path: 'a/b/c.env', text: 'X=1\n', mode: 0o600 }] });
    expect((await fsp.stat(path.join(base, 'a/b'))).mode & 0o7777).toBe(0o750);
    expect((await fsp.readdir(path.join(base, 'a/b'))).filter((n) => n.includes('qm-tmp'))).toEqual([]);
  });

  it('replaces a symlink at the target itself, never what it points to, and reads no file through one', async () => {
    const outside = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-outside-'));
    try {
      await fsp.writeFile(path.join(outside, 'secret'), 'root only\n');
      await fsp.mkdir(path.join(base, 'd'));
      await fsp.symlink(path.join(outside, 'secret'), path.join(base, 'd/f'));
      await fsp.symlink(outside, path.join(base, 'link'));
      const [read, tree] = run({ op: 'read', path: 'd/f' }, { op: 'read-tree', dirs: ['d'] });
      expect(read).toMatchObject({ ok: false, code: 'ELOOP' });
      expect(tree).toMatchObject({ ok: false, code: 'SKIPPED' });
      // read-tree leaves symlinks (to files and to folders) out
      expect(run({ op: 'read-tree', dirs: ['d', 'link'] })[0]).toMatchObject({ ok: true, files: [] });
      expect(run({ op: 'write', path: 'd/f', text: 'mine\n' })[0]).toEqual({ ok: true });
      expect(await fsp.readFile(path.join(outside, 'secret'), 'utf8')).toBe('root only\n');
      expect((await fsp.lstat(path.join(base, 'd/f'))).isFile()).toBe(true);
    } finally {
      await fsp.rm(outside, { recursive: true, force: true });
    }
  });

  it.each([
    ['/etc/passwd', 'is absolute'],
    ['../x', "'..'"],
    ['a/../../x', "'..'"],
    ['a//b', 'empty segment'],
    ['', 'not a relative path'],
    ['a\0b', 'NUL'],
  ])('refuses the path %j by its spelling', (p, why) => {
    const [r] = run({ op: 'write', path: p, text: 'x' });
    expect(r).toMatchObject({ ok: false, code: 'EREFUSED' });
    expect(r!.message).toContain(why);
  });

  it('stops at the first failure: later ops are skipped, earlier ones stay done', async () => {
    const results = run(
      { op: 'write', path: 'one', text: '1' },
      { op: 'read', path: 'nope' },
      { op: 'write', path: 'two', text: '2' },
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, false]);
    expect(results[1]!.code).toBe('ENOENT');
    expect(results[2]!.code).toBe('SKIPPED');
    expect(await fsp.readdir(base)).toEqual(['one']);
    expect(run({ op: 'frobnicate' })[0]).toMatchObject({ ok: false, code: 'EREFUSED' });
    expect(() => agent.runBatch(base, { nope: 1 })).toThrow(/no list of ops/);
  });

  it('removes files and trees, lists folders, and a missing one is no error', async () => {
    run({ op: 'write', path: 't/x/y', text: '' }, { op: 'write', path: 't/z', text: '' }, { op: 'mkdir', path: 'm/n' });
    expect(run({ op: 'list', path: 't' })[0]).toEqual({
      ok: true,
      entries: [
        { name: 'x', kind: 'dir' },
        { name: 'z', kind: 'file' },
      ],
    });
    expect(run({ op: 'list', path: 'gone' })[0]).toEqual({ ok: true, entries: [] });
    expect(
      run({ op: 'remove', path: 't/z' }, { op: 'remove', path: 't/z' }, { op: 'remove', path: 't', recursive: true }),
    ).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect((await fsp.readdir(base)).sort()).toEqual(['m']);
  });

  it('dry run: stages the files for the generator, removes the stage, and the stages of agents that died', async () => {
    const stage = path.join(base, '.cache/quadletman');
    const dead = 'dryrun-2147483646-abc';
    const live = `dryrun-${process.ppid}-def`;
    for (const d of [dead, live, 'other']) await fsp.mkdir(path.join(stage, d), { recursive: true });
    const [r] = run({
      op: 'dry-run',
      bin: '/bin/sh',
      args: ['-c', 'ls "$QUADLET_UNIT_DIRS"; cat "$QUADLET_UNIT_DIRS/web.container"; exit 1'],
      stage: '.cache/quadletman',
      files: { 'web.container': '[Container]\nImage=x\n', 'b.network': '' },
    });
    expect(r).toMatchObject({ ok: true, code: 1, stdout: 'b.network\nweb.container\n[Container]\nImage=x\n' });
    expect((await fsp.readdir(stage)).sort()).toEqual([live, 'other'].sort());
    expect(run({ op: 'dry-run', bin: 'sh', stage: 's', files: {} })[0]).toMatchObject({ ok: false, code: 'EREFUSED' });
    const [bad] = run({ op: 'dry-run', bin: '/bin/true', stage: 's', files: { '../x': '' } });
    expect(bad).toMatchObject({ ok: false, code: 'EREFUSED' });
    expect(await fsp.readdir(path.join(base, 's'))).toEqual([]);
  });
});
