import { describe, expect, it } from 'vitest';
import { applyDropIns, type DropInConf, dropInDirs, dropInSearchPaths, planDropIns } from './dropins';
import { parseUnitFile } from './parse';
import { getAllValues, getLast, listSections } from './query';

const conf = (dir: string, name: string, text: string): DropInConf => ({ dir, name, file: parseUnitFile(text) });

describe('dropInDirs', () => {
  it.each([
    ['web.container', ['web.container.d', 'container.d']],
    ['foo-bar-baz.container', ['foo-bar-baz.container.d', 'foo-bar-.container.d', 'foo-.container.d', 'container.d']],
    [
      'foo-bar@i.container',
      ['foo-bar@i.container.d', 'foo-bar@.container.d', 'foo-@.container.d', 'foo-.container.d', 'container.d'],
    ],
    ['app@.pod', ['app@.pod.d', 'pod.d']],
  ])('%s', (name, dirs) => {
    expect(dropInDirs(name)).toEqual(dirs);
  });

  it('searches unit directories first, drop-in directories within them', () => {
    expect(dropInSearchPaths('a-b.volume', ['/etc/x/', '/usr/x'])).toEqual([
      '/etc/x/a-b.volume.d',
      '/etc/x/a-.volume.d',
      '/etc/x/volume.d',
      '/usr/x/a-b.volume.d',
      '/usr/x/a-.volume.d',
      '/usr/x/volume.d',
    ]);
  });
});

describe('applyDropIns', () => {
  const base = parseUnitFile('[Container]\nImage=i\nExec=base\nLabel=l0=base\n');

  it('follows the generator: first conf of a name wins, merge in byte order, resets and overrides', () => {
    // Mirrors the oracle experiment in unit-file.oracle.test.ts.
    const unitDirs = ['/d1', '/d2'];
    const confs = [
      conf('/d2/foo-bar-baz.container.d', 'x.conf', '[Container]\nLabel=x=d2-specific\n'),
      conf('/d1/container.d', 'x.conf', '[Container]\nLabel=x=d1-typewide\n'),
      conf('/d1/foo-.container.d', 'y.conf', '[Container]\nLabel=y=d1-foo-\n'),
      conf('/d1/foo-bar-.container.d', 'y.conf', '[Container]\nLabel=y=d1-foo-bar-\n'),
      conf('/d1/foo-bar-baz.container.d', '10.conf', '[Container]\nLabel=\nLabel=a=10\n'),
      conf('/d2/foo-bar-baz.container.d', '05.conf', '[Container]\nLabel=b=5\nExec=five\n'),
      conf('/d1/foo-bar-.container.d', '2.conf', '[Container]\nLabel=z=2\n'),
      conf('/d1/foo-bar-baz.container.d', 'notes.txt', '[Container]\nLabel=no\n'),
    ];
    const plan = planDropIns(confs, { unitName: 'foo-bar-baz.container', unitDirs });
    expect(plan.applied.map((c) => `${c.dir}/${c.name}`)).toEqual([
      '/d2/foo-bar-baz.container.d/05.conf',
      '/d1/foo-bar-baz.container.d/10.conf',
      '/d1/foo-bar-.container.d/2.conf',
      '/d1/container.d/x.conf',
      '/d1/foo-bar-.container.d/y.conf',
    ]);
    expect(plan.shadowed).toHaveLength(2);
    const merged = applyDropIns(base, confs, { unitName: 'foo-bar-baz.container', unitDirs });
    expect(getAllValues(merged, 'Container', 'Label')).toEqual(['a=10', 'z=2', 'x=d1-typewide', 'y=d1-foo-bar-']);
    const exec = getLast(merged, 'Container', 'Exec')!;
    expect([exec.value, exec.source, exec.line]).toEqual(['five', '/d2/foo-bar-baz.container.d/05.conf', 3]);
    expect(getLast(merged, 'Container', 'Image')?.source).toBeUndefined();
  });

  it('ranks bare directory names by specificity, skips confs Podman cannot parse, adds new sections', () => {
    const merged = applyDropIns(base, [
      conf('container.d', 'a.conf', '[Container]\nImage=typewide\n[Service]\nRestart=always\n'),
      conf('web.container.d', 'a.conf', '[Container]\nImage=specific\n'),
      conf('web.container.d', 'b.conf', 'Image=before-any-section\n'),
    ]);
    expect(getLast(merged, 'Container', 'Image')?.value).toBe('specific');
    expect(listSections(merged)).toEqual(['Container']);
    const plan = planDropIns([conf('web.container.d', 'b.conf', 'Image=x\n')]);
    expect(plan.rejected[0]?.reason).toMatch(/before the first section/);
    const svc = applyDropIns(base, [conf('container.d', 'a.conf', '[Service]\nRestart=always\n')]);
    expect(listSections(svc)).toEqual(['Container', 'Service']);
  });
});
