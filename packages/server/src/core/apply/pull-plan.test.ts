import { describe, expect, it } from 'vitest';
import { imagesToPull } from './pull-plan.js';

const R = 'registry.example.org';

describe('imagesToPull', () => {
  it("reads a container's image with its pull policy (missing by default)", () => {
    const files = new Map([
      ['a.container', `[Container]\nImage=${R}/a:1\n`],
      ['b.container', `[Container]\nImage=${R}/b:1\nPull=always\n`],
      ['c.container', `[Container]\nImage=${R}/c:1\nPull=newer\n`],
      ['d.container', `[Container]\nImage=${R}/d:1\nPull=never\n`],
    ]);
    expect(imagesToPull(files, ['a.container', 'b.container', 'c.container', 'd.container'])).toEqual([
      { image: `${R}/a:1`, policy: 'missing', units: ['a.container'] },
      { image: `${R}/b:1`, policy: 'always', units: ['b.container'] },
      { image: `${R}/c:1`, policy: 'newer', units: ['c.container'] },
    ]);
  });

  it('follows a container to its .image unit; a changed .image unit pulls by its Policy', () => {
    const files = new Map([
      ['web.container', '[Container]\nImage=web.image\n'],
      ['web.image', `[Image]\nImage=${R}/web:2\n`],
      ['db.container', '[Container]\nImage=db.image\n'],
      ['db.image', `[Image]\nImage=${R}/db:2\nPolicy=missing\n`],
      ['built.container', '[Container]\nImage=app.build\n'],
    ]);
    expect(imagesToPull(files, ['web.container', 'db.image', 'built.container'])).toEqual([
      { image: `${R}/db:2`, policy: 'missing', units: ['db.image'] },
      { image: `${R}/web:2`, policy: 'missing', units: ['web.container'] },
    ]);
  });

  it('merges units of one image with the policy that pulls most, and checks local images only for presence', () => {
    const files = new Map([
      ['a.container', `[Container]\nImage=${R}/x:1\n`],
      ['b.container', `[Container]\nImage=${R}/x:1\nPull=newer\n`],
      ['c.container', '[Container]\nImage=localhost/busybox\nPull=always\n'],
      ['v.volume', `[Volume]\nDriver=image\nImage=${R}/data:1\n`],
      ['n.volume', '[Volume]\n'],
    ]);
    expect(imagesToPull(files, [...files.keys()])).toEqual([
      { image: `${R}/x:1`, policy: 'newer', units: ['a.container', 'b.container'] },
      { image: 'localhost/busybox', policy: 'missing', units: ['c.container'] },
      { image: `${R}/data:1`, policy: 'missing', units: ['v.volume'] },
    ]);
  });

  it('only looks at the changed files', () => {
    const files = new Map([
      ['a.container', `[Container]\nImage=${R}/a:1\n`],
      ['b.container', `[Container]\nImage=${R}/b:1\n`],
    ]);
    expect(imagesToPull(files, ['b.container']).map((p) => p.image)).toEqual([`${R}/b:1`]);
  });
});
