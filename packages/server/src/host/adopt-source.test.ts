import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError, InvalidError, NotFoundError } from '../core/errors.js';
import { ADOPT_LIMITS, readAdoptSource } from './adopt-source.js';

let dir: string;
let outside: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(tmpdir(), 'qm-adopt-'));
  outside = fs.mkdtempSync(path.join(tmpdir(), 'qm-adopt-out-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

const write = (rel: string, text: string | Buffer, mode = 0o644) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text, { mode });
};

describe('readAdoptSource', () => {
  it('reads every file below the folder with its mode, symlinks inside it read through', async () => {
    write('web.container', '[Container]\nImage=a\n');
    write('web.container.d/10-x.conf', '[Container]\nEnvironment=A=1\n', 0o600);
    write('sub/app.yaml', 'kind: Pod\n');
    fs.symlinkSync('web.container', path.join(dir, 'alias.container'));
    fs.symlinkSync('sub', path.join(dir, 'linked'));
    const s = await readAdoptSource(dir);
    expect(s.realDir).toBe(fs.realpathSync(dir));
    expect(s.owner.uid).toBe(process.getuid!());
    expect(s.files.map((f) => [f.path, f.mode])).toEqual([
      ['alias.container', 0o644],
      ['linked/app.yaml', 0o644],
      ['sub/app.yaml', 0o644],
      ['web.container', 0o644],
      ['web.container.d/10-x.conf', 0o600],
    ]);
    expect(s.files.find((f) => f.path === 'alias.container')!.content).toBe('[Container]\nImage=a\n');
  });

  it('returns hostile names as found (the service refuses them)', async () => {
    write('a\nb.container', '[Container]\n');
    expect((await readAdoptSource(dir)).files.map((f) => f.path)).toEqual(['a\nb.container']);
  });

  it('refuses a symlink to a file or folder outside, naming it', async () => {
    write('web.container', '[Container]\n');
    fs.writeFileSync(path.join(outside, 'secret'), 'x');
    fs.symlinkSync(path.join(outside, 'secret'), path.join(dir, 'evil.env'));
    await expect(readAdoptSource(dir)).rejects.toThrow(ForbiddenError);
    await expect(readAdoptSource(dir)).rejects.toThrow(/"evil\.env" in .*: a symlink to .*secret, outside the folder/);
    fs.rmSync(path.join(dir, 'evil.env'));
    fs.symlinkSync('/etc', path.join(dir, 'etc'));
    await expect(readAdoptSource(dir)).rejects.toThrow(/"etc" in .*: a symlink to \/etc, outside the folder/);
    fs.rmSync(path.join(dir, 'etc'));
    fs.symlinkSync('../../../../../../../etc/passwd', path.join(dir, 'up.container'));
    await expect(readAdoptSource(dir)).rejects.toThrow(/"up\.container" .*outside the folder/);
  });

  it('refuses dangling symlinks, FIFOs (without opening them), huge files and binary content', async () => {
    fs.symlinkSync('nowhere', path.join(dir, 'gone.container'));
    await expect(readAdoptSource(dir)).rejects.toThrow(/"gone\.container" .*a symlink to nothing/);
    fs.rmSync(path.join(dir, 'gone.container'));

    execFileSync('mkfifo', [path.join(dir, 'pipe.env')]);
    await expect(readAdoptSource(dir)).rejects.toThrow(/"pipe\.env" .*not a regular file/);
    fs.rmSync(path.join(dir, 'pipe.env'));

    write('big.yaml', 'x'.repeat(2048));
    await expect(readAdoptSource(dir, { ...ADOPT_LIMITS, maxFileBytes: 1024 })).rejects.toThrow(
      /"big\.yaml" in .*: 0\.0 MiB; a file may be at most/,
    );
    await expect(readAdoptSource(dir, { ...ADOPT_LIMITS, maxFiles: 0 })).rejects.toThrow(/more than 0 files/);
    fs.rmSync(path.join(dir, 'big.yaml'));

    write('bin.env', Buffer.from([0xff, 0xfe, 0x00]));
    await expect(readAdoptSource(dir)).rejects.toThrow(InvalidError);
    await expect(readAdoptSource(dir)).rejects.toThrow(/"bin\.env" .*not UTF-8 text/);
  });

  it.skipIf(process.getuid?.() !== 0)(
    'refuses a file not owned by the folder owner (a hard link to another file)',
    async () => {
      write('web.container', '[Container]\n');
      write('other.env', 'x');
      fs.chownSync(path.join(dir, 'other.env'), 12345, 12345);
      await expect(readAdoptSource(dir)).rejects.toThrow(
        /"other\.env" in .*: owned by uid 12345, not by the folder's owner/,
      );
    },
  );

  it('refuses a missing folder and a file given as folder', async () => {
    await expect(readAdoptSource(path.join(dir, 'nope'))).rejects.toThrow(NotFoundError);
    write('f', 'x');
    await expect(readAdoptSource(path.join(dir, 'f'))).rejects.toThrow(/not a folder/);
  });
});
