import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { imageInventory, imageServes, parseImagesJson, type StoredImage } from './inventory.js';
import { mergeRegistriesConf, parseRegistriesConf } from './registries-conf.js';

const JSON_TEXT = readFileSync(new URL('./fixtures/podman-images.json', import.meta.url), 'utf8');
const d = (c: string) => `sha256:${c.repeat(64)}`;

const FILES = new Map(
  Object.entries({
    'web.container': '[Container]\nImage=registry.example.org/team/web:1.2\n',
    'db.container': `[Container]\nImage=registry.sandbox.test:5000/db:16@${d('2')}\nPull=never\n`,
    'tools.container': '[Container]\nImage=busybox\n',
    'app.build': '[Build]\nFile=Containerfile\nImageTag=localhost/app:dev\n',
    'app.container': '[Container]\nImage=app.build\n',
    'base.image': '[Image]\nImage=registry.example.org/base:3\n',
    'worker.container': '[Container]\nImage=base.image\n',
    'gone.container': '[Container]\nImage=registry.example.org/team/gone:1\n',
  }),
);

describe('parseImagesJson', () => {
  it('reads the fields of podman images --format json', () => {
    const images = parseImagesJson(JSON_TEXT);
    expect(images).toHaveLength(7);
    expect(images[0]).toEqual({
      id: '5b0ee0a5b29dd3c1b5cdb5a2f2ed3e28c9b0f4c5f3a4e7a8d0e1a9c2c3e4f5a6',
      names: ['registry.example.org/team/web:1.2', 'registry.example.org/team/web:latest'],
      repoDigests: [`registry.example.org/team/web@${d('1')}`],
      digest: d('1'),
      size: 48211364,
      created: new Date('2025-12-01T16:00:00Z'),
      dangling: false,
      containers: 1,
      parentId: undefined,
    });
    expect(images[4]).toMatchObject({ names: [], dangling: true, repoDigests: [] });
    expect(images.filter((i) => i.dangling)).toHaveLength(1);
  });

  it('lists an image once where Podman repeats it per name, and reads RepoTags where they are given', () => {
    const entry = (names: string[], containers: number) => ({
      Id: 'f'.repeat(64),
      ParentId: 'e'.repeat(64),
      Names: names,
      RepoTags: names,
      Size: 5,
      Created: 0,
      Containers: containers,
    });
    const json = JSON.stringify([entry(['localhost/a:1'], 0), entry(['localhost/a:2'], 2)]);
    expect(parseImagesJson(json)).toEqual([
      {
        id: 'f'.repeat(64),
        names: ['localhost/a:1', 'localhost/a:2'],
        repoDigests: [],
        digest: undefined,
        size: 5,
        created: undefined,
        dangling: false,
        containers: 2,
        parentId: 'e'.repeat(64),
      },
    ]);
  });

  it('takes CreatedAt when Created is missing, and nothing from a zero date', () => {
    const [a, b] = parseImagesJson(
      JSON.stringify([
        { Id: 'a', Names: ['localhost/a'], CreatedAt: '2025-10-09T08:53:20Z' },
        { Id: 'b', Names: ['localhost/b'], CreatedAt: '0001-01-01T00:00:00Z' },
      ]),
    );
    expect(a!.created).toEqual(new Date('2025-10-09T08:53:20Z'));
    expect(b!.created).toBeUndefined();
  });

  it('empty output is no images; other output is refused with what it was', () => {
    expect(parseImagesJson('')).toEqual([]);
    expect(parseImagesJson('[]\n')).toEqual([]);
    expect(() => parseImagesJson('{"Id":"x"}')).toThrow('podman images: the output is not a JSON array');
    expect(() => parseImagesJson('Error: oops')).toThrow(/podman images: the output is not JSON/);
  });
});

describe('imageServes', () => {
  const img: StoredImage = {
    id: 'x',
    names: ['registry.example.org/team/web:1.2', 'registry.example.org/team/web:latest'],
    repoDigests: [`registry.example.org/team/web@${d('1')}`],
    digest: d('1'),
    size: 1,
    created: undefined,
    dangling: false,
    containers: 0,
    parentId: undefined,
  };
  it.each([
    ['registry.example.org/team/web:1.2', true],
    ['registry.example.org/team/web', true], // latest
    ['docker://registry.example.org/team/web:1.2', true],
    ['registry.example.org/team/web:1.3', false],
    ['registry.sandbox.test:5000/team/web:1.2', false],
    [`registry.example.org/team/web@${d('1')}`, true],
    [`registry.example.org/team/web:9@${d('1')}`, true], // the tag is ignored beside a digest
    [`registry.example.org/team/web@${d('2')}`, false],
    [`registry.example.org/other@${d('1')}`, false],
    ['web:1.2', true], // a short name: any repository ending in /web
    ['team/web', true],
    ['eb:1.2', false],
    ['frontend:1.2', false],
    ['Not A Reference', false],
  ])('%s → %s', (ref, want) => expect(imageServes(ref, img)).toBe(want));

  it('a short name through its alias', () => {
    const conf = mergeRegistriesConf([
      parseRegistriesConf('[aliases]\n"frontend" = "registry.example.org/team/web"\n', 'p'),
    ]);
    expect(imageServes('frontend:1.2', img, conf)).toBe(true);
    expect(imageServes('frontend:1.3', img, conf)).toBe(false);
  });
});

describe('imageInventory', () => {
  const inv = imageInventory(JSON_TEXT, FILES);
  const byRepo = (repo: string | undefined, tag?: string) =>
    inv.images.find((i) => i.repository === repo && (tag === undefined || i.tags.includes(tag)))!;

  it('gives each image its repository, tags, digest, size and date', () => {
    expect(byRepo('registry.example.org/team/web', '1.2')).toMatchObject({
      repository: 'registry.example.org/team/web',
      tags: ['1.2', 'latest'],
      digest: d('1'),
      size: 48211364,
      created: new Date('2025-12-01T16:00:00Z'),
    });
  });

  it('names the units that use each image', () => {
    expect(byRepo('registry.example.org/team/web', '1.2').usedBy).toEqual(['web.container']);
    expect(byRepo('registry.sandbox.test:5000/db').usedBy).toEqual(['db.container']); // by a repo digest
    expect(byRepo('localhost/busybox').usedBy).toEqual(['tools.container']); // a short name
    expect(byRepo('localhost/app').usedBy).toEqual(['app.build']); // the build's ImageTag
    expect(byRepo('registry.example.org/base').usedBy).toEqual(['base.image', 'worker.container']);
  });

  it('marks what nothing uses as unused, the dangling image included', () => {
    expect(inv.images.filter((i) => i.unused).map((i) => [i.repository, i.tags])).toEqual([
      ['registry.example.org/team/web', ['1.1']],
      [undefined, []],
    ]);
    expect(inv.images.filter((i) => !i.unused)).toHaveLength(5);
  });

  it('lists what units need that the store lacks (a build is not pulled)', () => {
    expect(inv.missing).toEqual([
      { unit: 'gone.container', reason: 'container', image: 'registry.example.org/team/gone:1', pull: 'missing' },
    ]);
    const noBuild = imageInventory('[]', new Map([['app.build', '[Build]\nImageTag=localhost/app:dev\n']]));
    expect(noBuild).toEqual({ images: [], missing: [] });
  });

  it('a .image unit pulled from an archive is found by its ImageTag', () => {
    const files = new Map([
      ['a.image', '[Image]\nImage=docker-archive:/srv/a.tar\nImageTag=localhost/busybox:latest\n'],
    ]);
    const r = imageInventory(JSON_TEXT, files);
    expect(r.missing).toEqual([]);
    expect(r.images.find((i) => i.repository === 'localhost/busybox')!.usedBy).toEqual(['a.image']);
  });
});
