import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  findKey,
  findSection,
  findSystemdKey,
  isKeyAvailable,
  keysAt,
  MAIN_SECTION,
  mainSection,
  NEWEST_PODMAN,
  OLDEST_PODMAN,
  parseVersion,
  SECTIONS,
  SYSTEMD_SECTIONS,
  sectionsForUnitType,
  systemdSectionsForFile,
  systemdUnitTypeOfFile,
  UNIT_TYPES,
  unitTypeOfFile,
} from './index';

const VERSION = /^\d+\.\d+$/;
const allKeys = SECTIONS.flatMap((s) => s.keys.map((k) => ({ section: s, k })));

describe('versions', () => {
  it('parses major.minor, full versions and tags', () => {
    expect(parseVersion('5.4')).toBe('5.4');
    expect(parseVersion('5.4.2')).toBe('5.4');
    expect(parseVersion('v5.4.2')).toBe('5.4');
    expect(parseVersion(' 4.9.3 ')).toBe('4.9');
    expect(parseVersion('5.0.0-rc1')).toBe('5.0');
    expect(parseVersion('05.04')).toBe('5.4');
  });

  it('rejects anything else', () => {
    for (const bad of ['', '5', 'five', '5.', '.4', '5.4.2.1', 'x5.4', '5.4 beta', '5,4']) {
      expect(parseVersion(bad), bad).toBeUndefined();
    }
  });

  it('compares numerically, ignoring patch levels', () => {
    expect(compareVersions('4.4', '5.0')).toBeLessThan(0);
    expect(compareVersions('5.10', '5.9')).toBeGreaterThan(0);
    expect(compareVersions('5.4.2', '5.4')).toBe(0);
    expect(compareVersions('6.0', '5.8')).toBeGreaterThan(0);
    expect(() => compareVersions('x', '5.4')).toThrow();
  });

  it('spans the Quadlet era', () => {
    expect(OLDEST_PODMAN).toBe('4.4');
    expect(compareVersions(NEWEST_PODMAN, '5.4')).toBeGreaterThan(0);
  });
});

describe('sections', () => {
  it('has one main section per unit type, plus [Quadlet]', () => {
    for (const type of UNIT_TYPES) {
      const main = mainSection(type);
      expect(main.name).toBe(MAIN_SECTION[type]);
      expect(main.unitTypes).toContain(type);
      expect(sectionsForUnitType(type).map((s) => s.name)).toEqual([MAIN_SECTION[type], 'Quadlet']);
    }
    expect(SECTIONS.map((s) => s.name).sort()).toEqual([...Object.values(MAIN_SECTION), 'Quadlet'].sort());
  });

  it('has no duplicate keys in a section', () => {
    for (const s of SECTIONS) {
      const names = s.keys.map((k) => k.key);
      expect(new Set(names).size, s.name).toBe(names.length);
    }
  });

  it('lists the keys of each section alphabetically (case-insensitive), for readable data files', () => {
    for (const s of SECTIONS) {
      const names = s.keys.map((k) => k.key);
      const sorted = [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
      expect(names, s.name).toEqual(sorted);
    }
  });

  it('introduces no key before its section existed, or after the newest release', () => {
    for (const { section, k } of allKeys) {
      expect(compareVersions(k.since, section.since), `${section.name}.${k.key}`).toBeGreaterThanOrEqual(0);
      expect(compareVersions(k.since, NEWEST_PODMAN), `${section.name}.${k.key}`).toBeLessThanOrEqual(0);
    }
  });

  it('marks about ten keys per section as common', () => {
    for (const s of SECTIONS) {
      const n = s.keys.filter((k) => k.common).length;
      expect(n, s.name).toBeGreaterThanOrEqual(Math.min(1, s.keys.length));
      expect(n, s.name).toBeLessThanOrEqual(12);
    }
  });
});

describe('keys', () => {
  it.each(allKeys.map(({ section, k }) => [`${section.name}.${k.key}`, section, k] as const))(
    '%s is well-formed',
    (_, section, k) => {
      expect(k.key).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(k.since).toMatch(VERSION);
      expect(compareVersions(k.since, OLDEST_PODMAN)).toBeGreaterThanOrEqual(0);
      expect(k.summary.length).toBeGreaterThan(10);
      expect(k.summary.length).toBeLessThanOrEqual(140);
      expect(k.summary).not.toMatch(/[\r\n]/);
      expect(k.summary).toMatch(/^[A-Z`]/);
      expect(k.summary).toMatch(/\.$/);
      if (k.kind === 'enum') expect(k.values?.length, 'enum without values').toBeGreaterThan(0);
      if (k.values) expect(new Set(k.values).size).toBe(k.values.length);
      if (k.kind === 'unit-ref') expect(k.refs?.length, 'unit-ref without refs').toBeGreaterThan(0);
      if (k.refs) for (const r of k.refs) expect(UNIT_TYPES).toContain(r);
      if (k.flag) expect(k.flag).toMatch(/^--[a-z][a-z0-9-]*$/);
      if (k.deprecated !== undefined) expect(k.deprecated.length).toBeGreaterThan(10);
      if (k.oneOf) {
        expect(k.required).toBe(true);
        expect(k.oneOf).toContain(k.key);
        for (const other of k.oneOf) expect(findKey(section, other)?.required, other).toBe(true);
      }
      for (const [type, v] of Object.entries(k.refsSince ?? {})) {
        expect(k.refs, 'refsSince names a ref').toContain(type);
        expect(compareVersions(v, k.since), `${type} ref`).toBeGreaterThan(0);
      }
      for (const [value, v] of Object.entries(k.valuesSince ?? {})) {
        expect(k.values, 'valuesSince names a value').toContain(value);
        expect(compareVersions(v, k.since), `value ${value}`).toBeGreaterThan(0);
      }
      if (k.repeatSince) {
        expect(k.repeat).toBe(true);
        expect(compareVersions(k.repeatSince, k.since)).toBeGreaterThan(0);
      }
    },
  );

  it('requires the key each unit type cannot do without', () => {
    const required = (section: string) =>
      findSection(section)!
        .keys.filter((k) => k.required)
        .map((k) => k.key);
    expect(required('Container')).toEqual(['Image', 'Rootfs']);
    expect(required('Kube')).toEqual(['Yaml']);
    expect(required('Image')).toEqual(['Image']);
    expect(required('Build')).toEqual(['File', 'ImageTag', 'SetWorkingDirectory']);
    expect(required('Artifact')).toEqual(['Artifact']);
    for (const s of ['Pod', 'Network', 'Volume', 'Quadlet']) expect(required(s), s).toEqual([]);
  });

  it('knows which unit types a reference may name', () => {
    expect(findKey('Container', 'Network')?.refs).toEqual(['network', 'container']);
    expect(findKey('Container', 'Image')?.refs).toEqual(['image', 'build']);
    expect(findKey('Container', 'Volume')?.refs).toEqual(['volume']);
    expect(findKey('Container', 'Mount')?.refs).toEqual(['volume', 'image', 'artifact']);
    expect(findKey('Container', 'Pod')?.refs).toEqual(['pod']);
    expect(findKey('Pod', 'Network')?.refs).toEqual(['network', 'container']);
    expect(findKey('Container', 'Network')?.refsSince).toEqual({ container: '5.3' });
    expect(findKey('Volume', 'Image')?.refs).toEqual(['image', 'build']);
  });

  it('flags the deprecated keys', () => {
    const deprecated = allKeys.filter(({ k }) => k.deprecated).map(({ section, k }) => `${section.name}.${k.key}`);
    expect(deprecated.sort()).toEqual(
      [
        'Container.RemapGid',
        'Container.RemapUid',
        'Container.RemapUidSize',
        'Container.RemapUsers',
        'Container.VolatileTmp',
        'Kube.RemapGid',
        'Kube.RemapUid',
        'Kube.RemapUidSize',
        'Kube.RemapUsers',
        'Pod.RemapGid',
        'Pod.RemapUid',
        'Pod.RemapUidSize',
        'Pod.RemapUsers',
      ].sort(),
    );
  });
});

describe('lookups', () => {
  it('finds sections and keys by exact spelling only', () => {
    expect(findSection('Container')?.name).toBe('Container');
    expect(findSection('container')).toBeUndefined();
    expect(findKey('Container', 'PublishPort')?.flag).toBe('--publish');
    expect(findKey(findSection('Pod')!, 'PodName')?.key).toBe('PodName');
    expect(findKey('Container', 'publishport')).toBeUndefined();
    expect(findKey('Nope', 'Image')).toBeUndefined();
  });

  it('gates keys by version', () => {
    expect(isKeyAvailable('Container', 'Memory', '5.4.2')).toBe(false);
    expect(isKeyAvailable('Container', 'Memory', '5.5')).toBe(true);
    expect(isKeyAvailable('Pod', 'ShmSize', '5.4')).toBe(true);
    expect(isKeyAvailable('Container', 'Nope', NEWEST_PODMAN)).toBe(false);
    const at44 = keysAt('Container', '4.4').map((k) => k.key);
    expect(at44).toContain('Image');
    expect(at44).not.toContain('Pod');
    expect(keysAt('Pod', '4.9')).toEqual([]);
    expect(keysAt('Nope', '5.4')).toEqual([]);
    expect(keysAt('Container', NEWEST_PODMAN)).toHaveLength(findSection('Container')!.keys.length);
  });

  it('recognises Quadlet unit files and their drop-ins', () => {
    expect(unitTypeOfFile('web.container')).toBe('container');
    expect(unitTypeOfFile('/etc/containers/systemd/db.volume')).toBe('volume');
    expect(unitTypeOfFile('sleep@.container')).toBe('container');
    expect(unitTypeOfFile('sleep@10.pod')).toBe('pod');
    expect(unitTypeOfFile('my.app.kube')).toBe('kube');
    expect(unitTypeOfFile('x.artifact')).toBe('artifact');
    expect(unitTypeOfFile('web.container.d/10-env.conf')).toBe('container');
    expect(unitTypeOfFile('a/container.d/10-env.conf')).toBe('container');
    expect(unitTypeOfFile('web-.network.d/x.conf')).toBe('network');
    expect(unitTypeOfFile('web.service')).toBeUndefined();
    expect(unitTypeOfFile('web.timer')).toBeUndefined();
    expect(unitTypeOfFile('.container')).toBeUndefined();
    expect(unitTypeOfFile('container')).toBeUndefined();
    expect(unitTypeOfFile('x.conf')).toBeUndefined();
    expect(unitTypeOfFile('')).toBeUndefined();
  });
});

describe('systemd sections', () => {
  it('covers Unit, Service, Install, Timer, Socket and Path without duplicates', () => {
    expect(SYSTEMD_SECTIONS.map((s) => s.name)).toEqual(['Unit', 'Service', 'Install', 'Timer', 'Socket', 'Path']);
    for (const s of SYSTEMD_SECTIONS) {
      const names = s.keys.map((k) => k.key);
      expect(new Set(names).size, s.name).toBe(names.length);
      for (const k of s.keys) {
        expect(k.key, s.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
        expect(k.summary, `${s.name}.${k.key}`).not.toMatch(/[\r\n]/);
        expect(k.summary.length, `${s.name}.${k.key}`).toBeLessThanOrEqual(140);
        expect(k.summary, `${s.name}.${k.key}`).toMatch(/\.$/);
        if (k.kind === 'enum') expect(k.values?.length, `${s.name}.${k.key}`).toBeGreaterThan(0);
      }
    }
  });

  it('knows the common keys', () => {
    expect(findSystemdKey('Unit', 'After')?.repeat).toBe(true);
    expect(findSystemdKey('Unit', 'ConditionPathExists')).toBeDefined();
    expect(findSystemdKey('Unit', 'AssertPathExists')).toBeDefined();
    expect(findSystemdKey('Service', 'Restart')?.values).toContain('on-failure');
    expect(findSystemdKey('Service', 'TimeoutStartSec')?.kind).toBe('duration');
    expect(findSystemdKey('Service', 'MemoryMax')).toBeDefined();
    expect(findSystemdKey('Service', 'KillMode')).toBeDefined();
    expect(findSystemdKey('Service', 'LimitNOFILE')).toBeDefined();
    expect(findSystemdKey('Install', 'WantedBy')?.repeat).toBe(true);
    expect(findSystemdKey('Install', 'UpheldBy')).toBeDefined();
    expect(findSystemdKey('Timer', 'OnCalendar')?.repeat).toBe(true);
    expect(findSystemdKey('Socket', 'ListenStream')?.repeat).toBe(true);
    expect(findSystemdKey('Socket', 'Accept')?.kind).toBe('bool');
    expect(findSystemdKey('Path', 'PathChanged')?.repeat).toBe(true);
    expect(findSystemdKey('Path', 'Unit')).toBeDefined();
    expect(findSystemdKey('Service', 'Wants')).toBeUndefined();
    expect(findSystemdKey('Nope', 'After')).toBeUndefined();
  });

  it('picks the sections of a file by its type', () => {
    const names = (f: string) => systemdSectionsForFile(f).map((s) => s.name);
    expect(names('backup.timer')).toEqual(['Unit', 'Timer', 'Install']);
    expect(names('web.container')).toEqual(['Unit', 'Service', 'Install']);
    expect(names('web.service')).toEqual(['Unit', 'Service', 'Install']);
    expect(names('web.socket')).toEqual(['Unit', 'Socket', 'Install']);
    expect(names('web.target')).toEqual(['Unit', 'Install']);
    expect(names('inbox.path')).toEqual(['Unit', 'Path', 'Install']);
    expect(names('sub/web.socket.d/10-port.conf')).toEqual(['Unit', 'Socket', 'Install']);
    expect(names('socket.d/10-all.conf')).toEqual(['Unit', 'Socket', 'Install']);
    expect(names('backup.timer.d/10-when.conf')).toEqual(['Unit', 'Timer', 'Install']);
  });

  it('tells the systemd unit type of a file or a drop-in', () => {
    expect(systemdUnitTypeOfFile('web.socket')).toBe('socket');
    expect(systemdUnitTypeOfFile('a/web@.service')).toBe('service');
    expect(systemdUnitTypeOfFile('stack.target')).toBe('target');
    expect(systemdUnitTypeOfFile('inbox.path')).toBe('path');
    expect(systemdUnitTypeOfFile('web-.socket.d/x.conf')).toBe('socket');
    expect(systemdUnitTypeOfFile('path.d/x.conf')).toBe('path');
    expect(systemdUnitTypeOfFile('.socket')).toBeUndefined();
    expect(systemdUnitTypeOfFile('socket')).toBeUndefined();
    expect(systemdUnitTypeOfFile('web.container')).toBeUndefined();
    expect(systemdUnitTypeOfFile('web.container.d/x.conf')).toBeUndefined();
    expect(systemdUnitTypeOfFile('web.socket.d/x.txt')).toBeUndefined();
  });

  it('shares the exec, kill and resource-control keys between [Service] and [Socket], not [Path]', () => {
    for (const key of ['User', 'Environment', 'KillMode', 'MemoryMax', 'PrivateTmp']) {
      expect(findSystemdKey('Socket', key), key).toBe(findSystemdKey('Service', key));
      expect(findSystemdKey('Path', key), key).toBeUndefined();
    }
    expect(findSystemdKey('Socket', 'ExecStart')).toBeUndefined();
    expect(findSystemdKey('Socket', 'ExecStopPre')).toBeDefined();
  });
});
