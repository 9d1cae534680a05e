import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addValue, removeKey, removeSection, renameSection, setValue, setValues } from './edit';
import { valueProblem } from './encode';
import type { UnitValueError } from './errors';
import { parseUnitFile } from './parse';
import { getAllValues, getEntries, getLast, listSections } from './query';
import { serializeUnitFile } from './serialize';
import { validUnitText, valueText } from './test-support/arbitraries';
import type { UnitFile } from './types';

const roundTrip = (u: UnitFile) => parseUnitFile(serializeUnitFile(u));
const entries = (u: UnitFile) => getEntries(u).map((e) => [e.section, e.key, e.value]);
const okValue = valueText.filter((v) => valueProblem(v) === undefined);

describe('edits', () => {
  const base = '# top\n[Unit]\nDescription=old\n\n[Container]\nImage=a\nVolume=/a:/a\nVolume=/b:/b\n# tail\n';

  it('setValue rewrites only the last assignment', () => {
    const u = setValue(parseUnitFile(base), 'Container', 'Volume', '/c:/c');
    expect(serializeUnitFile(u)).toBe(base.replace('Volume=/b:/b', 'Volume=/c:/c'));
  });

  it('setValue adds a missing key after the section’s last entry, and a missing section at the end', () => {
    const u = setValue(parseUnitFile(base), 'Unit', 'After', 'net.target');
    expect(serializeUnitFile(u)).toBe(base.replace('Description=old\n', 'Description=old\nAfter=net.target\n'));
    const v = setValue(parseUnitFile(base), 'Install', 'WantedBy', 'default.target');
    expect(serializeUnitFile(v)).toBe(`${base}\n[Install]\nWantedBy=default.target\n`);
  });

  it('setValues replaces a whole list in place; removeKey removes it', () => {
    const u = setValues(parseUnitFile(base), 'Container', 'Volume', ['/x:/x']);
    expect(serializeUnitFile(u)).toBe(base.replace('Volume=/a:/a\nVolume=/b:/b\n', 'Volume=/x:/x\n'));
    expect(serializeUnitFile(removeKey(parseUnitFile(base), 'Container', 'Volume'))).toBe(
      base.replace('Volume=/a:/a\nVolume=/b:/b\n', ''),
    );
  });

  it('addValue appends after the last assignment and keeps CRLF', () => {
    const crlf = base.replaceAll('\n', '\r\n');
    const u = addValue(parseUnitFile(crlf), 'Container', 'Volume', '/c:/c');
    expect(serializeUnitFile(u)).toBe(crlf.replace('Volume=/b:/b\r\n', 'Volume=/b:/b\r\nVolume=/c:/c\r\n'));
  });

  it('renames and removes sections', () => {
    const u = renameSection(parseUnitFile(base), 'Container', 'Pod');
    expect(serializeUnitFile(u)).toBe(base.replace('[Container]', '[Pod]'));
    expect(getLast(u, 'Pod', 'Image')?.value).toBe('a');
    expect(listSections(removeSection(parseUnitFile(base), 'Unit'))).toEqual(['Container']);
  });

  it('does not let a continuation at the end of the file swallow new lines', () => {
    const u = addValue(parseUnitFile('[A]\nK=v\\'), 'B', 'X', '1');
    expect(entries(roundTrip(u))).toEqual([
      ['A', 'K', 'v'],
      ['B', 'X', '1'],
    ]);
    const w = setValue(parseUnitFile('[A]\nK=v\\\n#c'), 'A', 'N', '1');
    expect(entries(roundTrip(w))).toEqual([['A', 'N', '1']]);
  });

  it('keeps a continuation at the end of the file ignored when a section is appended', () => {
    const u = addValue(parseUnitFile('[Container]\n#\\\nImage=\\\n#\n  ;x'), 'Install', 'Volume', 'a');
    expect(entries(roundTrip(u))).toEqual([['Install', 'Volume', 'a']]);
  });

  it('property: edits on arbitrary text keep every other entry (or refuse with open-continuation)', () => {
    const alphabet = fc.constantFrom('\n', '\r', '\\', '#', '[', ']', '=', ' ', 'a', 'K', ';');
    fc.assert(
      fc.property(fc.string({ unit: alphabet }), fc.constantFrom('a', 'K', 'Z'), fc.boolean(), (text, key, set) => {
        const u = parseUnitFile(text);
        const section = getEntries(u)[0]?.section ?? 'New';
        let edited: UnitFile;
        try {
          edited = roundTrip(set ? setValue(u, section, key, 'v') : addValue(u, section, key, 'v'));
        } catch (e) {
          expect((e as UnitValueError).code).toBe('open-continuation');
          return;
        }
        expect(getLast(edited, section, key)?.value).toBe('v');
        const others = (f: UnitFile) => entries(f).filter(([s, k]) => s !== section || k !== key);
        expect(others(edited)).toEqual(others(u));
      }),
      { numRuns: 500 },
    );
  });

  it('never mutates its input', () => {
    const u = parseUnitFile(base);
    const before = JSON.stringify(u);
    setValue(u, 'Container', 'Image', 'b');
    addValue(u, 'X', 'Y', 'z');
    removeKey(u, 'Container', 'Volume');
    expect(JSON.stringify(u)).toBe(before);
  });

  it('property: setValue changes exactly the lines of the last assignment', () => {
    fc.assert(
      fc.property(validUnitText, fc.nat(), okValue, (text, pick, value) => {
        const u = parseUnitFile(text);
        const all = getEntries(u);
        if (all.length === 0) return;
        const target = getLast(u, all[pick % all.length]!.section, all[pick % all.length]!.key)!;
        const edited = setValue(u, target.section, target.key, value);
        const before = serializeUnitFile(u).split(u.eol);
        const after = serializeUnitFile(edited).split(u.eol);
        const start = target.line - 1;
        expect(after).toEqual([
          ...before.slice(0, start),
          `${target.key}=${value}`,
          ...before.slice(start + target.raw.length),
        ]);
        const reparsed = roundTrip(edited);
        expect(getLast(reparsed, target.section, target.key)?.value).toBe(value);
        expect(entries(reparsed)).toEqual(
          entries(u).map((e, i) => (all[i] === target ? [target.section, target.key, value] : e)),
        );
      }),
    );
  });

  it('property: addValue adds one value at the end of the list and changes nothing else', () => {
    fc.assert(
      fc.property(
        validUnitText,
        fc.constantFrom('Container', 'Unit', 'Install'),
        fc.constantFrom('Volume', 'Label', 'New'),
        okValue.filter((v) => v !== ''),
        (text, section, key, value) => {
          const u = parseUnitFile(text);
          let added: UnitFile;
          try {
            added = addValue(u, section, key, value);
          } catch (e) {
            expect((e as UnitValueError).code).toBe('open-continuation');
            expect(text.trimEnd().endsWith('\\')).toBe(true);
            return;
          }
          const edited = roundTrip(added);
          expect(getAllValues(edited, section, key)).toEqual([...getAllValues(u, section, key), value]);
          const others = (f: UnitFile) => entries(f).filter(([s, k]) => s !== section || k !== key);
          expect(others(edited)).toEqual(others(u));
        },
      ),
    );
  });
});
