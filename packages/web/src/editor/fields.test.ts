/**
 * The forms come from the key registry: for every unit type, the common keys show first, and every key of
 * every section is either shown or offered by "add setting".
 */
import { MAIN_SECTION, parseUnitFile, SYSTEMD_SECTIONS, sectionsForUnitType, UNIT_TYPES } from '@quadletman/quadlet';
import { describe, expect, it } from 'vitest';
import { formSections, parseBool, placeholderFor } from './fields';

const empty = parseUnitFile('');

describe.each(UNIT_TYPES)('the %s form', (type) => {
  const sections = formSections(type, empty);

  it('starts with its main section and shows its common keys first', () => {
    expect(sections[0]?.name).toBe(MAIN_SECTION[type]);
    const main = sections[0]!;
    expect(main.shown.every((s) => s.common)).toBe(true);
  });

  it('reaches every key of the registry through the form or "add setting"', () => {
    for (const def of [
      ...sectionsForUnitType(type),
      ...SYSTEMD_SECTIONS.filter((s) => ['Unit', 'Service', 'Install'].includes(s.name)),
    ]) {
      const section = sections.find((s) => s.name === def.name);
      expect(section, def.name).toBeDefined();
      const reachable = new Set([...section!.shown, ...section!.addable].map((s) => s.key));
      for (const k of def.keys) expect(reachable.has(k.key), `${def.name}/${k.key}`).toBe(true);
    }
  });

  it('gives every reference key a placeholder naming a unit it may reference', () => {
    for (const s of sections)
      for (const f of [...s.shown, ...s.addable].filter((x) => x.kind === 'unit-ref')) {
        const unit = placeholderFor(f)?.replace(/^name\./, '');
        expect(f.refs ?? [], `${s.name}/${f.key}`).toContain(unit);
      }
  });

  it('gives every Quadlet key its help text and Podman version', () => {
    for (const s of sections.filter((x) => x.name === MAIN_SECTION[type] || x.name === 'Quadlet')) {
      for (const f of [...s.shown, ...s.addable]) {
        expect(f.summary, f.key).not.toBe('');
        expect(f.since, f.key).toMatch(/^\d+\.\d+$/);
      }
    }
  });
});

describe('keys the file sets', () => {
  it('are shown in file order after the common ones, unknown keys included', () => {
    const file = parseUnitFile('[Container]\nShmSize=64m\nImage=a\nNoSuchKey=1\nAddHost=a:1.2.3.4\n');
    const main = formSections('container', file)[0]!;
    const keys = main.shown.map((s) => s.key);
    expect(keys.indexOf('ShmSize')).toBeLessThan(keys.indexOf('NoSuchKey'));
    expect(keys.indexOf('NoSuchKey')).toBeLessThan(keys.indexOf('AddHost'));
    expect(main.shown.find((s) => s.key === 'NoSuchKey')?.known).toBe(false);
    expect(main.addable.some((s) => s.key === 'ShmSize')).toBe(false);
  });

  it('a section the registry does not know is still shown', () => {
    const sections = formSections('container', parseUnitFile('[Container]\nImage=a\n[X-Mine]\nA=1\n'));
    expect(sections.at(-1)?.name).toBe('X-Mine');
    expect(sections.at(-1)?.shown.map((s) => s.key)).toEqual(['A']);
  });
});

describe('parseBool', () => {
  it('reads what Podman reads, and nothing else', () => {
    expect(['1', 'yes', 'TRUE', 'On'].map(parseBool)).toEqual([true, true, true, true]);
    expect(['0', 'no', 'False', 'OFF'].map(parseBool)).toEqual([false, false, false, false]);
    expect(['y', 't', '', ' yes'].map(parseBool)).toEqual([undefined, undefined, undefined, undefined]);
  });
});
