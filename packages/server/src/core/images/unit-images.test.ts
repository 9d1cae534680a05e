import { describe, expect, it } from 'vitest';
import { parsePullPolicy, unitImages } from './unit-images.js';

const set = (files: Record<string, string>) => unitImages(new Map(Object.entries(files)));

describe('unitImages', () => {
  it('a container names its image; Pull= gives the policy, missing by default', () => {
    expect(
      set({
        'web.container': '[Container]\nImage=registry.example.org/team/web:1.2\nPull=newer\n',
        'db.container': '[Container]\nImage=localhost/db\n',
      }),
    ).toEqual([
      { unit: 'db.container', reason: 'container', image: 'localhost/db', pull: 'missing' },
      { unit: 'web.container', reason: 'container', image: 'registry.example.org/team/web:1.2', pull: 'newer' },
    ]);
  });

  it('the last assignment wins, quotes are stripped as Podman does, continuation lines are joined', () => {
    expect(
      set({
        'a.container':
          '[Container]\nImage=registry.example.org/old\nPull=always\nImage="registry.example.org/new:2"\nPull=never\n',
        'b.container': '[Container]\nImage=registry.sandbox.test:5000/\\\n  team/b\n',
      }),
    ).toEqual([
      { unit: 'a.container', reason: 'container', image: 'registry.example.org/new:2', pull: 'never' },
      { unit: 'b.container', reason: 'container', image: 'registry.sandbox.test:5000/team/b', pull: 'missing' },
    ]);
  });

  it('keys outside the main section and commented lines do not count', () => {
    expect(
      set({
        'a.container': '[Unit]\nImage=registry.example.org/nope\n[Container]\n# Image=registry.example.org/nope2\n',
      }),
    ).toEqual([]);
  });

  it('a container on a .image unit gets that unit’s Image= (and its ImageTag= as the local name)', () => {
    expect(
      set({
        'app.container': '[Container]\nImage=base.image\nPull=always\n',
        'base.image': '[Image]\nImage=registry.example.org/base:3\nPolicy=newer\n',
        'arch.image': '[Image]\nImage=docker-archive:/srv/a.tar\nImageTag=localhost/a:1\n',
      }),
    ).toEqual([
      {
        unit: 'app.container',
        reason: 'container',
        image: 'registry.example.org/base:3',
        via: 'base.image',
        pull: 'always',
      },
      {
        unit: 'arch.image',
        reason: 'image',
        image: 'docker-archive:/srv/a.tar',
        localName: 'localhost/a:1',
        pull: 'missing',
      },
      { unit: 'base.image', reason: 'image', image: 'registry.example.org/base:3', pull: 'newer' },
    ]);
  });

  it('a container on a .image unit the set lacks is reported with the problem', () => {
    expect(set({ 'app.container': '[Container]\nImage=gone.image\n' })).toEqual([
      {
        unit: 'app.container',
        reason: 'container',
        image: undefined,
        via: 'gone.image',
        pull: 'missing',
        problem: 'gone.image is not in the set, or names no Image=',
      },
    ]);
  });

  it('a container on a .build unit needs no pull; the .build unit needs its base images', () => {
    expect(
      set({
        'app.container': '[Container]\nImage=app.build\n',
        'app.build':
          '[Build]\nFile=Containerfile\nImageTag=localhost/app:dev\nImageTag=localhost/app:other\nPull=always\n',
      }),
    ).toEqual([
      { unit: 'app.build', reason: 'build', image: undefined, localName: 'localhost/app:dev', pull: 'always' },
    ]);
  });

  it('a volume needs its image only with Driver=image', () => {
    expect(
      set({
        'data.volume': '[Volume]\nDriver=image\nImage=registry.example.org/data:1\n',
        'plain.volume': '[Volume]\nImage=registry.example.org/ignored\n',
        'fromunit.volume': '[Volume]\nDriver=image\nImage=seed.image\n',
        'built.volume': '[Volume]\nDriver=image\nImage=x.build\n',
        'seed.image': '[Image]\nImage=registry.sandbox.test:5000/seed\n',
      }),
    ).toEqual([
      { unit: 'data.volume', reason: 'volume', image: 'registry.example.org/data:1', pull: 'missing' },
      {
        unit: 'fromunit.volume',
        reason: 'volume',
        image: 'registry.sandbox.test:5000/seed',
        via: 'seed.image',
        pull: 'missing',
      },
      { unit: 'seed.image', reason: 'image', image: 'registry.sandbox.test:5000/seed', pull: 'missing' },
    ]);
  });

  it('an unknown policy is reported, and the default assumed', () => {
    expect(set({ 'a.container': '[Container]\nImage=localhost/a\nPull=sometimes\n' })).toEqual([
      {
        unit: 'a.container',
        reason: 'container',
        image: 'localhost/a',
        pull: 'missing',
        problem: 'Pull=sometimes is not a pull policy (missing, always, newer, never)',
      },
    ]);
  });

  it('drop-ins, other files, pods, networks and empty Image= are ignored', () => {
    expect(
      set({
        'web.container.d/10-image.conf': '[Container]\nImage=registry.example.org/dropin\n',
        'README.md': 'Image=registry.example.org/nope',
        'p.pod': '[Pod]\n',
        'n.network': '[Network]\n',
        'e.container': '[Container]\nImage=\n',
      }),
    ).toEqual([]);
  });
});

describe('parsePullPolicy', () => {
  it.each([
    ['missing', 'missing'],
    ['', 'missing'],
    ['IfNotPresent', 'missing'],
    ['ifmissing', 'missing'],
    ['Always', 'always'],
    ['newer', 'newer'],
    ['ifnewer', 'newer'],
    ['NEVER', 'never'],
    ['true', undefined],
    ['sometimes', undefined],
  ])('%j → %s', (value, want) => expect(parsePullPolicy(value)).toBe(want));
});
