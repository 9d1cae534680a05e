import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistriesConfError } from '../core/images/registries-conf.js';
import { readRegistriesConf, registriesConfPaths } from './registries-conf.js';

let root: string;
let file: string;
let dropInDir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'qm-registries-'));
  file = join(root, 'registries.conf');
  dropInDir = join(root, 'registries.conf.d');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('readRegistriesConf', () => {
  it('nothing there: an empty configuration', async () => {
    const c = await readRegistriesConf({ file, dropInDir });
    expect(c.unqualifiedSearchRegistries).toEqual([]);
    expect(c.shortNameMode).toBeUndefined();
    expect(c.aliases.size).toBe(0);
  });

  it('the main file, then the drop-ins in lexical order; other files and folders are skipped', async () => {
    await writeFile(
      file,
      'unqualified-search-registries = ["registry.example.org"]\n[aliases]\n"app" = "registry.example.org/app"\n',
    );
    await mkdir(join(dropInDir, 'sub.conf'), { recursive: true });
    await writeFile(join(dropInDir, '10-b.conf'), '[aliases]\n"app" = "registry.sandbox.test:5000/b"\n');
    await writeFile(join(dropInDir, '9-a.conf'), '[aliases]\n"app" = "registry.sandbox.test:5000/a"\n');
    await writeFile(
      join(dropInDir, '20-search.conf'),
      'unqualified-search-registries = ["registry.sandbox.test:5000"]\n',
    );
    await writeFile(join(dropInDir, 'zz.conf.disabled'), 'this is not TOML [');
    const c = await readRegistriesConf({ file, dropInDir });
    // "10-b" sorts before "9-a": lexical, not numeric, so 9-a's alias wins
    expect(c.aliases.get('app')).toEqual({ value: 'registry.sandbox.test:5000/a', path: join(dropInDir, '9-a.conf') });
    expect(c.unqualifiedSearchRegistries).toEqual(['registry.sandbox.test:5000']);
    expect(await registriesConfPaths({ file, dropInDir })).toEqual([
      file,
      join(dropInDir, '10-b.conf'),
      join(dropInDir, '20-search.conf'),
      join(dropInDir, '9-a.conf'),
    ]);
  });

  it('drop-ins apply when the main file is missing, and a symlinked drop-in is read', async () => {
    await mkdir(dropInDir);
    await writeFile(join(root, 'target'), 'short-name-mode = "permissive"\n');
    await symlink(join(root, 'target'), join(dropInDir, 'link.conf'));
    expect((await readRegistriesConf({ file, dropInDir })).shortNameMode).toBe('permissive');
  });

  it('a syntax error is reported with the path of the file that has it', async () => {
    await writeFile(file, 'unqualified-search-registries = ["registry.example.org"]\n');
    await mkdir(dropInDir);
    await writeFile(join(dropInDir, '50-broken.conf'), '[aliases\n"x" = "registry.example.org/x"\n');
    const err = await readRegistriesConf({ file, dropInDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistriesConfError);
    expect((err as RegistriesConfError).path).toBe(join(dropInDir, '50-broken.conf'));
    expect((err as Error).message).toMatch(new RegExp(`^${join(dropInDir, '50-broken.conf')}: line 1, column \\d+: `));
  });

  it('a file it cannot read (not a missing one) is an error naming it', async () => {
    await mkdir(file); // a folder where the file should be: EISDIR
    await expect(readRegistriesConf({ file, dropInDir })).rejects.toThrow(`reading ${file}: `);
  });
});
