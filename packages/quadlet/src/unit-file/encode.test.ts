import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeLookupValue,
  encodeValue,
  escapeSpecifiers,
  formatEntry,
  formatSectionHeader,
  valueProblem,
} from './encode';
import { UnitValueError } from './errors';
import { parseUnitFile } from './parse';
import { getLast, lookup } from './query';

describe('encodeValue / formatEntry', () => {
  it('writes representable values as they are', () => {
    expect(formatEntry('Image', 'quay.io/a/b:1')).toBe('Image=quay.io/a/b:1');
    expect(formatEntry('Label', '')).toBe('Label=');
    expect(encodeValue('a = b # not a comment')).toBe('a = b # not a comment');
  });

  it.each([
    ['a\nb', 'newline'],
    ['a\rb', 'carriage-return'],
    ['a\0', 'nul'],
    [' a', 'leading-whitespace'],
    ['a ', 'trailing-whitespace'],
    ['a\u00a0', 'trailing-whitespace'],
    ['a\\', 'trailing-backslash'],
    ['\udc00', 'lone-surrogate'],
  ])('refuses %j (%s)', (value, code) => {
    expect(valueProblem(value)?.code).toBe(code);
    expect(() => encodeValue(value)).toThrow(UnitValueError);
  });

  it('refuses bad keys and section names', () => {
    for (const k of ['', 'A B', 'A=B', '#A', '[A', 'A\t']) expect(() => formatEntry(k, 'v')).toThrow(UnitValueError);
    for (const s of ['', 'a]', 'a[', 'a\nb']) expect(() => formatSectionHeader(s)).toThrow(UnitValueError);
    expect(formatSectionHeader('X-My Section')).toBe('[X-My Section]');
  });

  it('escapes specifiers', () => {
    expect(escapeSpecifiers('50% of %h')).toBe('50%% of %%h');
  });

  it('parse(formatEntry(k, v)) gives v back for every value it accepts', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (v) => {
        if (valueProblem(v)) return;
        const u = parseUnitFile(`[S]\n${formatEntry('Key', v)}\n`);
        expect(getLast(u, 'S', 'Key')?.value).toBe(v);
        expect(u.nodes).toHaveLength(2);
      }),
    );
  });

  it('encodeLookupValue: Lookup reads back exactly the value, quotes and edge whitespace included', () => {
    expect(encodeLookupValue('plain')).toBe('plain');
    expect(encodeLookupValue(' padded ')).toBe('" padded "');
    expect(() => encodeLookupValue('"quoted"')).toThrow(UnitValueError);
    expect(() => encodeLookupValue('a"')).toThrow(UnitValueError);
    expect(encodeLookupValue('C:\\')).toBe('"C:\\"');
    expect(() => encodeLookupValue('a\nb')).toThrow(UnitValueError);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '\t', '"', '\\', '\u00a0', '=') }), (v) => {
        if (v.startsWith('"') || v.endsWith('"')) return;
        const u = parseUnitFile(`[S]\n${formatEntry('Key', encodeLookupValue(v))}\n`);
        expect(lookup(u, 'S', 'Key', 'trim-all')).toBe(v);
        expect(lookup(u, 'S', 'Key', 'matched-pair')).toBe(v);
      }),
    );
  });
});
