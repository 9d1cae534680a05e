import { describe, expect, it } from 'vitest';
import { InvalidError } from './errors.js';
import {
  compartmentUser,
  generatedServiceName,
  helperUser,
  parseCompartmentId,
  parseLinuxUser,
  parseUnitName,
} from './ids.js';

describe('CompartmentId', () => {
  it.each(['web', 'a', 'my-app-2', 'a'.repeat(32)])('accepts %s', (s) => expect(parseCompartmentId(s)).toBe(s));
  it.each(['', 'Web', '2web', '-web', 'web-', 'my--app', 'a'.repeat(33), 'we b', 'web/x', 'wéb', 'web.x', 42, null])(
    'refuses %s',
    (s) => expect(() => parseCompartmentId(s)).toThrow(InvalidError),
  );
  it('says what and where', () => {
    expect(() => parseCompartmentId('My--App', 'body.id')).toThrow(/invalid compartment id "My--App" \(at body\.id\)/);
    try {
      parseCompartmentId('x--y', 'params.id');
    } catch (e) {
      expect((e as InvalidError).code).toBe('invalid');
      expect((e as InvalidError).details).toMatchObject({ what: 'compartment id', where: 'params.id' });
    }
  });
});

describe('LinuxUser', () => {
  it('derives users from ids', () => {
    const id = parseCompartmentId('web');
    expect(compartmentUser(id)).toBe('qm-web');
    expect(helperUser(id, 1000)).toBe('qm-web-1000');
    expect(() => helperUser(id, 0)).toThrow(InvalidError);
    expect(() => helperUser(id, 65536)).toThrow(InvalidError);
  });
  it.each(['qm-web', 'qm-web-1000'])('accepts %s', (s) => expect(parseLinuxUser(s)).toBe(s));
  it.each(['root', 'qm-', 'qm-Web', 'qm--x', 'qm-web-', 'web'])('refuses %s', (s) =>
    expect(() => parseLinuxUser(s)).toThrow(InvalidError),
  );
});

describe('UnitName', () => {
  it.each([
    'web.container',
    'app.network',
    'backup.timer',
    'db-data.volume',
    'app@.service',
    'app@1.service',
    'x_y.pod',
  ])('accepts %s', (s) => expect(parseUnitName(s)).toBe(s));
  it.each([
    '',
    'web',
    'web.txt',
    '../web.container',
    'a/web.container',
    '.web.container',
    'a..b.container',
    'we b.container',
    '-x.service',
    'web.container\n',
  ])('refuses %j', (s) => expect(() => parseUnitName(s)).toThrow(InvalidError));
  it('maps sources to generated services', () => {
    expect(generatedServiceName(parseUnitName('web.container'))).toBe('web.service');
    expect(generatedServiceName(parseUnitName('app.network'))).toBe('app-network.service');
    expect(generatedServiceName(parseUnitName('data.volume'))).toBe('data-volume.service');
    expect(generatedServiceName(parseUnitName('app.pod'))).toBe('app-pod.service');
    expect(generatedServiceName(parseUnitName('app.kube'))).toBe('app.service');
    expect(generatedServiceName(parseUnitName('backup.timer'))).toBe('backup.timer');
  });
});

describe('UNIT_SUFFIXES', () => {
  it("starts with the library's Quadlet unit types", async () => {
    const { UNIT_TYPES } = await import('@quadletman/quadlet');
    const { UNIT_SUFFIXES } = await import('./ids.js');
    expect(UNIT_SUFFIXES.slice(0, UNIT_TYPES.length)).toEqual([...UNIT_TYPES]);
  });
});
