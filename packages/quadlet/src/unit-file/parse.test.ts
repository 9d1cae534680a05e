import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUnitFile } from './parse';
import { getAll, getLast, lookup, lookupBoolean, lookupQuoting, unquoteLookupValue } from './query';
import { serializeUnitFile } from './serialize';
import { unitText } from './test-support/arbitraries';
import type { UnitNode } from './types';

const brief = (n: UnitNode) =>
  n.kind === 'entry'
    ? `${n.line}:entry ${n.section}/${n.key}=${n.value}`
    : n.kind === 'section'
      ? `${n.line}:section ${n.name}`
      : n.kind === 'invalid'
        ? `${n.line}:invalid${n.ignored ? '(ignored)' : ''}`
        : `${n.line}:${n.kind}`;

const shape = (text: string) => parseUnitFile(text).nodes.map(brief);

describe('parseUnitFile', () => {
  it('reads sections, entries, comments and blanks', () => {
    expect(shape('# head\n[Unit]\nDescription = web  \n\n; c\n[Container]\nImage=x=y\n')).toEqual([
      '1:comment',
      '2:section Unit',
      '3:entry Unit/Description=web',
      '4:blank',
      '5:comment',
      '6:section Container',
      '7:entry Container/Image=x=y',
    ]);
  });

  it('joins continuations without inserting anything and skips comment lines inside them', () => {
    const u = parseUnitFile('[Container]\nExec=one\\\n  two \\\n# note\n\n; other\n  three\nImage=i\n');
    expect(u.nodes.map(brief)).toEqual([
      '1:section Container',
      '2:entry Container/Exec=onetwo three',
      '8:entry Container/Image=i',
    ]);
    expect(u.nodes[1]!.raw).toHaveLength(6);
  });

  it('drops a continuation that runs into the end of the file (Podman ignores it)', () => {
    expect(shape('[Container]\nExec=a \\\n# c')).toEqual(['1:section Container', '2:invalid(ignored)']);
  });

  it('strips the backslash of a last line and keeps what it continued', () => {
    const u = parseUnitFile('[Container]\nExec=a \\\nb \\');
    expect(getLast(u, 'Container', 'Exec')?.value).toBe('a b ');
  });

  it('marks what Podman rejects as invalid', () => {
    expect(shape('Key=before\n[]\n[a[b]\n[ok] x\n[ok]\ngarbage\n=x\n')).toEqual([
      '1:invalid',
      '2:invalid',
      '3:invalid',
      '4:invalid',
      '5:section ok',
      '6:invalid',
      '7:invalid',
    ]);
  });

  it('treats text after "]" that is not blank as a key', () => {
    expect(shape('[A]\n[b] c=d\n')).toEqual(['1:section A', '2:entry A/[b] c=d']);
  });

  it('keeps CRLF, a missing final newline and an empty file', () => {
    for (const t of ['', '\n', '\r\n', '[A]\r\nK=v\r\n', '[A]\r\nK=v', '[A]\nK=v\r\n', 'a\rb\n']) {
      expect(serializeUnitFile(parseUnitFile(t))).toBe(t);
    }
    expect(parseUnitFile('[A]\r\nK=v \r\n').eol).toBe('\r\n');
    expect(getLast(parseUnitFile('[A]\r\nK=v \r\n'), 'A', 'K')?.value).toBe('v');
  });

  it('trims Go whitespace (NBSP, NEL) but not U+FEFF', () => {
    expect(getLast(parseUnitFile('[A]\nK=v\u00a0\u0085\n'), 'A', 'K')?.value).toBe('v');
    expect(shape('\ufeff[A]\n')).toEqual(['1:invalid']);
  });

  it('merges repeated sections and applies list resets and Lookup quoting', () => {
    const u = parseUnitFile('[C]\nL=a\n[D]\nL=x\n[C]\nL=b\nL=\nL=c\nL=d\nI="q"  \n');
    expect(getAll(u, 'C', 'L').map((e) => e.value)).toEqual(['c', 'd']);
    expect(getLast(u, 'C', 'L')?.value).toBe('d');
    expect(lookup(u, 'C', 'I')).toBe('q');
    const q = parseUnitFile('[C]\nA=""a"\nB="\n');
    expect([lookup(q, 'C', 'A', 'trim-all'), lookup(q, 'C', 'B', 'trim-all')]).toEqual(['a', '']);
    expect([lookup(q, 'C', 'A', 'matched-pair'), lookup(q, 'C', 'B', 'matched-pair')]).toEqual(['"a', '"']);
    expect([lookup(q, 'C', 'A'), lookup(q, 'C', 'B')]).toEqual(['"a', '"']); // the newest Podman
    expect(lookup(q, 'C', 'A', 'none')).toBe('""a"');
  });

  it("reads quotes around a single value as each Podman's Lookup does", () => {
    expect([lookupQuoting('4.9'), lookupQuoting('5.0'), lookupQuoting('5.7')]).toEqual([
      'none',
      'trim-all',
      'trim-all',
    ]);
    expect([lookupQuoting('5.8'), lookupQuoting('6.0'), lookupQuoting('6.1')]).toEqual([
      'matched-pair',
      'matched-pair',
      'matched-pair',
    ]);
    // The oracle's cases (unit-file.oracle.test.ts): 5.4.2 strips every edge quote, 5.8.6 and 6.1.1 one pair.
    const cases: [string, string, string, string][] = [
      // raw, 4.9, 5.7, 5.8
      ['"', '"', '', '"'],
      ['"a', '"a', 'a', '"a'],
      ['a"', 'a"', 'a', 'a"'],
      ['""a""', '""a""', 'a', '"a"'],
      ['""', '""', '', ''],
      ['"a b"  ', '"a b"', 'a b', 'a b'],
      ['x"y', 'x"y', 'x"y', 'x"y'],
    ];
    for (const [raw, v49, v57, v58] of cases) {
      const u = parseUnitFile(`[C]\nN=${raw}\n`);
      expect([lookup(u, 'C', 'N', '4.9'), lookup(u, 'C', 'N', '5.7'), lookup(u, 'C', 'N', '5.8')], raw).toEqual([
        v49,
        v57,
        v58,
      ]);
      expect(unquoteLookupValue(raw, '5.4'), raw).toBe(v57);
      expect(unquoteLookupValue(raw, '6.1'), raw).toBe(v58);
    }
    expect(lookupBoolean(parseUnitFile('[C]\nB="yes\n'), 'C', 'B', '5.7')).toBe(true);
    expect(lookupBoolean(parseUnitFile('[C]\nB="yes\n'), 'C', 'B', '5.8')).toBe(false);
  });

  it('round-trips arbitrary strings byte for byte', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => serializeUnitFile(parseUnitFile(s)) === s));
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('\n', '\r', '\\', '#', '[', ']', '=', ' ', 'a') }), (s) => {
        const u = parseUnitFile(s);
        return serializeUnitFile(u) === s && lineCount(u) === physicalLines(s);
      }),
    );
  });

  it('round-trips realistic unit text and numbers every line once', () => {
    fc.assert(
      fc.property(unitText, (t) => {
        const u = parseUnitFile(t);
        let line = 1;
        for (const n of u.nodes) {
          if (n.line !== line) return false;
          line += n.raw.length;
        }
        return serializeUnitFile(u) === t;
      }),
    );
  });
});

const lineCount = (u: ReturnType<typeof parseUnitFile>) => u.nodes.reduce((a, n) => a + n.raw.length, 0);
const physicalLines = (s: string) => (s === '' ? 0 : (s.endsWith('\n') ? s.slice(0, -1) : s).split('\n').length);
