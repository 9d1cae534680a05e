import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ForbiddenError, NotFoundError } from '../core/errors.js';
import { ConfinedFs, confinePath } from './fs.js';

describe('confinePath', () => {
  it.each([
    ['a/b.container', '/r/a/b.container'],
    ['/r/x', '/r/x'],
    ['./x', '/r/x'],
    ['.', '/r'],
  ])('%s -> %s', (p, want) => expect(confinePath('/r', p)).toBe(want));

  it.each(['../x', 'a/../../x', 'a/..', '/etc/passwd', '/r2/x', '/'])('refuses %s', (p) => {
    expect(() => confinePath('/r', p)).toThrow(ForbiddenError);
  });
});

describe('ConfinedFs', () => {
  let tmp: string;
  let root: string;
  let cfs: ConfinedFs;
  beforeEach(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-fs-'));
    root = path.join(tmp, 'root');
    await fsp.mkdir(root);
    cfs = new ConfinedFs(root);
  });
  afterEach(async () => {
    await fsp.rm(tmp, { recursive: true, force: true });
  });

  it('writes atomically with mode, creating parents, and reads back', async () => {
    await cfs.writeFileAtomic('.config/containers/systemd/web.container', '[Container]\n', { mode: 0o600 });
    expect(await cfs.readFile('.config/containers/systemd/web.container')).toBe('[Container]\n');
    const st = await fsp.stat(path.join(root, '.config/containers/systemd/web.container'));
    expect(st.mode & 0o777).toBe(0o600);
    await cfs.writeFileAtomic('.config/containers/systemd/web.container', 'v2');
    expect(await cfs.readFile('.config/containers/systemd/web.container')).toBe('v2');
    // no temp files left behind
    expect((await cfs.list('.config/containers/systemd')).map((e) => e.name)).toEqual(['web.container']);
  });

  it('flushes the file and its folder to disk, unless the write is scratch (durable: false)', async () => {
    const probe = await fsp.open(path.join(tmp, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    const sync = vi.spyOn(proto, 'sync');
    try {
      await cfs.writeFileAtomic('a/durable.container', 'x');
      expect(sync).toHaveBeenCalledTimes(2); // the file, then its folder after the rename
      sync.mockClear();
      await cfs.writeFileAtomic('a/scratch.container', 'y', { durable: false });
      expect(sync).not.toHaveBeenCalled();
      expect(await cfs.readFile('a/scratch.container')).toBe('y');
    } finally {
      sync.mockRestore();
    }
  });

  it('refuses a symlinked directory that escapes the root', async () => {
    const outside = path.join(tmp, 'outside');
    await fsp.mkdir(outside);
    await fsp.symlink(outside, path.join(root, 'link'));
    await expect(cfs.writeFileAtomic('link/x', 'no')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(fsp.readdir(outside)).resolves.toEqual([]);
  });

  it('refuses to read through a symlink, and replaces (not follows) one on write', async () => {
    const secret = path.join(tmp, 'secret');
    await fsp.writeFile(secret, 'top');
    await fsp.symlink(secret, path.join(root, 'f'));
    await expect(cfs.readFile('f')).rejects.toBeInstanceOf(ForbiddenError);
    const inner = path.join(root, 'target');
    await fsp.writeFile(inner, 'inner');
    await fsp.symlink(inner, path.join(root, 'g'));
    await expect(cfs.readFile('g')).rejects.toBeTruthy(); // O_NOFOLLOW even inside
    await cfs.writeFileAtomic('g', 'replaced');
    expect(await fsp.readFile(inner, 'utf8')).toBe('inner');
    expect((await fsp.lstat(path.join(root, 'g'))).isFile()).toBe(true);
    expect(await fsp.readFile(secret, 'utf8')).toBe('top');
  });

  it('lists sorted, removes, and reports missing files', async () => {
    await cfs.writeFileAtomic('d/b', '1');
    await cfs.writeFileAtomic('d/a', '2');
    expect(await cfs.list('d')).toEqual([
      { name: 'a', kind: 'file' },
      { name: 'b', kind: 'file' },
    ]);
    await cfs.remove('d/a');
    await cfs.remove('d/missing');
    expect(await cfs.exists('d/a')).toBe(false);
    await expect(cfs.readFile('d/a')).rejects.toBeInstanceOf(NotFoundError);
    await cfs.remove('d', { recursive: true });
    expect(await cfs.list('d')).toEqual([]);
    await expect(cfs.remove('.', { recursive: true })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('sets the owner through the descriptor', async () => {
    if (process.getuid?.() !== 0) return;
    await cfs.writeFileAtomic('o/f', 'x', { owner: { uid: 4242, gid: 4343 } });
    const st = await fsp.stat(path.join(root, 'o/f'));
    expect([st.uid, st.gid]).toEqual([4242, 4343]);
    expect((await fsp.stat(path.join(root, 'o'))).uid).toBe(4242);
  });
});
