import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../core/errors.js';
import { findFreeRange, parseLoginDefsLimits, parseSubid, SubidAllocator } from './subid.js';

describe('parseSubid', () => {
  it('reads owner:start:count and skips junk', () => {
    expect(parseSubid('alice:100000:65536\n# c\n\nbad line\n1001:200000:10\n')).toEqual([
      { owner: 'alice', start: 100000, count: 65536 },
      { owner: '1001', start: 200000, count: 10 },
    ]);
  });
});

describe('findFreeRange', () => {
  const lim = { min: 100000, max: 600100000 };
  it('starts at the first aligned start >= min', () => expect(findFreeRange([], lim)).toBe(131072));
  it('skips overlapping ranges of any owner, even unaligned ones', () => {
    expect(findFreeRange([{ start: 100000, count: 65536 }], lim)).toBe(196608);
    expect(findFreeRange([{ start: 131072, count: 1 }], lim)).toBe(196608);
    expect(
      findFreeRange(
        [
          { start: 131072, count: 65536 },
          { start: 262144, count: 65536 },
        ],
        lim,
      ),
    ).toBe(196608);
  });
  it('fails when full', () => {
    expect(() => findFreeRange([{ start: 0, count: 1e9 }], lim)).toThrow(ConflictError);
  });
});

describe('parseLoginDefsLimits', () => {
  it('reads SUB_*_MIN/MAX', () => {
    expect(parseLoginDefsLimits('SUB_UID_MIN\t 200000\nSUB_GID_MAX 300000000\n')).toEqual({
      min: 200000,
      max: 300000000,
    });
    expect(parseLoginDefsLimits(undefined)).toEqual({ min: 100000, max: 600100000 });
  });
});

describe('SubidAllocator (files in a temp dir)', () => {
  let dir: string;
  let alloc: SubidAllocator;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-subid-'));
    await fsp.writeFile(path.join(dir, 'subuid'), 'alice:100000:65536\n');
    await fsp.writeFile(path.join(dir, 'subgid'), 'alice:100000:65536\nbob:196608:65536');
    alloc = new SubidAllocator({
      subuid: path.join(dir, 'subuid'),
      subgid: path.join(dir, 'subgid'),
      loginDefs: path.join(dir, 'login.defs'),
    });
  });
  afterEach(() => fsp.rm(dir, { recursive: true, force: true }));

  it('allocates non-overlapping ranges concurrently, idempotently, and releases them', async () => {
    const users = ['qm-a', 'qm-b', 'qm-c', 'qm-d'];
    const got = await Promise.all(users.map((u) => alloc.allocate(u)));
    const starts = got.map((g) => g.start).sort((a, b) => a - b);
    expect(new Set(starts).size).toBe(4);
    for (const s of starts) expect(s === 100000 || s === 196608).toBe(false);
    expect(await alloc.allocate('qm-b')).toEqual(got[1]);
    const uid = parseSubid(await fsp.readFile(path.join(dir, 'subuid'), 'utf8'));
    const gid = parseSubid(await fsp.readFile(path.join(dir, 'subgid'), 'utf8'));
    expect(uid.filter((e) => e.owner.startsWith('qm-')).length).toBe(4);
    expect(gid.filter((e) => e.owner.startsWith('qm-')).length).toBe(4);
    expect(await alloc.get('qm-c')).toEqual({ uid: got[2], gid: got[2] });
    await alloc.release('qm-c');
    expect(await alloc.get('qm-c')).toEqual({});
    expect(await fsp.readFile(path.join(dir, 'subuid'), 'utf8')).toContain('alice:100000:65536\n');
    await expect(fsp.readdir(dir)).resolves.toEqual(['subgid', 'subuid']); // no locks or temp files left
  });

  it('breaks a stale lock left by a dead process', async () => {
    await fsp.writeFile(path.join(dir, 'subuid.lock'), '999999999');
    await expect(alloc.allocate('qm-x')).resolves.toMatchObject({ count: 65536 });
  });

  it('waits for a live holder and times out with ConflictError', async () => {
    await fsp.writeFile(path.join(dir, 'subuid.lock'), '1'); // pid 1 is alive
    const a = new SubidAllocator({
      subuid: path.join(dir, 'subuid'),
      subgid: path.join(dir, 'subgid'),
      loginDefs: path.join(dir, 'login.defs'),
    });
    const { withFileLocks } = await import('./lock.js');
    await expect(withFileLocks([path.join(dir, 'subuid')], async () => 1, { timeoutMs: 200 })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await fsp.unlink(path.join(dir, 'subuid.lock'));
    await expect(a.allocate('qm-y')).resolves.toBeTruthy();
  });
});
