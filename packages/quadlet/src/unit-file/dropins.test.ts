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

  it('searches drop-in directories first, unit directories within them (5.6 and later)', () => {
    const paths = [
      '/etc/x/a-b.volume.d',
      '/usr/x/a-b.volume.d',
      '/etc/x/a-.volume.d',
      '/usr/x/a-.volume.d',
      '/etc/x/volume.d',
      '/usr/x/volume.d',
    ];
    expect(dropInSearchPaths('a-b.volume', ['/etc/x/', '/usr/x'])).toEqual(paths);
    expect(dropInSearchPaths('a-b.volume', ['/etc/x/', '/usr/x'], '5.6')).toEqual(paths);
  });

  it('searches unit directories first, drop-in directories within them (up to 5.5)', () => {
    expect(dropInSearchPaths('a-b.volume', ['/etc/x/', '/usr/x'], '5.5')).toEqual([
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

  it.each([
    // From 5.6 on a unit's own x.conf in the later unit directory beats the type-wide one in the earlier.
    ['6.1', '/d2/foo-bar-baz.container.d/x.conf', 'x=d2-specific'],
    ['5.6', '/d2/foo-bar-baz.container.d/x.conf', 'x=d2-specific'],
    // Up to 5.5 the earlier unit directory wins, whatever the drop-in directory.
    ['5.5', '/d1/container.d/x.conf', 'x=d1-typewide'],
    ['5.4', '/d1/container.d/x.conf', 'x=d1-typewide'],
  ] as const)(
    'follows the generator at %s: first conf of a name wins, merge in byte order, resets and overrides',
    (podmanVersion, xConf, x) => {
      const plan = planDropIns(confs, { unitName: 'foo-bar-baz.container', unitDirs, podmanVersion });
      expect(plan.applied.map((c) => `${c.dir}/${c.name}`)).toEqual([
        '/d2/foo-bar-baz.container.d/05.conf',
        '/d1/foo-bar-baz.container.d/10.conf',
        '/d1/foo-bar-.container.d/2.conf',
        xConf,
        '/d1/foo-bar-.container.d/y.conf',
      ]);
      expect(plan.shadowed.map((s) => `${s.conf.dir}/${s.conf.name} < ${s.by.dir}/${s.by.name}`).sort()).toEqual(
        [
          '/d1/foo-.container.d/y.conf < /d1/foo-bar-.container.d/y.conf',
          xConf === '/d1/container.d/x.conf'
            ? '/d2/foo-bar-baz.container.d/x.conf < /d1/container.d/x.conf'
            : '/d1/container.d/x.conf < /d2/foo-bar-baz.container.d/x.conf',
        ].sort(),
      );
      const merged = applyDropIns(base, confs, { unitName: 'foo-bar-baz.container', unitDirs, podmanVersion });
      expect(getAllValues(merged, 'Container', 'Label')).toEqual(['a=10', 'z=2', x, 'y=d1-foo-bar-']);
      const exec = getLast(merged, 'Container', 'Exec')!;
      expect([exec.value, exec.source, exec.line]).toEqual(['five', '/d2/foo-bar-baz.container.d/05.conf', 3]);
      expect(getLast(merged, 'Container', 'Image')?.source).toBeUndefined();
    },
  );

  it('defaults to the newest Podman', () => {
    const merged = applyDropIns(base, confs, { unitName: 'foo-bar-baz.container', unitDirs });
    expect(getAllValues(merged, 'Container', 'Label')).toContain('x=d2-specific');
  });

  it('ranks a more specific drop-in directory over a less specific one within one unit directory, at every version', () => {
    for (const podmanVersion of ['4.4', '5.5', '5.6', '6.1'] as const) {
      const merged = applyDropIns(
        base,
        [
          conf('/d1/container.d', 'a.conf', '[Container]\nImage=typewide\n'),
          conf('/d1/web.container.d', 'a.conf', '[Container]\nImage=specific\n'),
        ],
        { unitName: 'web.container', unitDirs: ['/d1'], podmanVersion },
      );
      expect(getLast(merged, 'Container', 'Image')?.value, podmanVersion).toBe('specific');
    }
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
