import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatEntry } from './encode';
import { UnitValueError } from './errors';
import { parseUnitFile } from './parse';
import { getLast } from './query';
import { word } from './test-support/arbitraries';
import { joinWords, quoteWord, splitWords } from './words';

describe('splitWords (args)', () => {
  it.each([
    ['a b\tc', ['a', 'b', 'c']],
    ['  a   b  ', ['a', 'b']],
    ['"a b" c', ['a b', 'c']],
    ["x'a b'y", ['xa by']],
    ['"a\\"b"', ['a"b']],
    ['a\\sb', ['a b']],
    ['\\x41\\u00e9\\U0001F600\\101', ['Aé😀A']],
    ['"\\n\\t"', ['\n\t']],
    ['a "b c', ['a', 'b c']],
    ['a\\', ['a']],
    ['--x="a b" --y', ['--x=a b', '--y']],
    ['\\ud800', ['\ufffd']],
  ])('%j → %j', (input, words) => {
    expect(splitWords(input)).toEqual({ words });
  });

  it('stops at an empty word and reports the ignored rest', () => {
    expect(splitWords('a "" b c')).toEqual({ words: ['a'], ignored: 'b c' });
    expect(splitWords('a ""')).toEqual({ words: ['a'] });
  });

  it.each(['a \\q', 'a\\x0', '\\x00', '\\u0000', '\\U00110000', '\\0', '\\400', 'a\\ b'])('rejects %j', (input) => {
    const r = splitWords(input);
    expect(r.error).toBeDefined();
    expect(r.words).toEqual([]);
  });
});

describe('splitWords (strv)', () => {
  it('keeps backslashes and rejects unbalanced quotes', () => {
    expect(splitWords('a\\b "c d"', 'strv')).toEqual({ words: ['a\\b', 'c d'] });
    expect(splitWords('a "b', 'strv').error).toBe('unbalanced quotes');
  });
});

describe('quoteWord / joinWords', () => {
  it('leaves plain words bare and quotes the rest', () => {
    expect(joinWords(['podman', '--x=1', '50%'])).toBe('podman --x=1 50%');
    expect(quoteWord('a b')).toBe('"a b"');
    expect(quoteWord('a"b\\')).toBe('"a\\"b\\\\"');
    expect(quoteWord('\x01\n')).toBe('"\\x01\\n"');
    expect(quoteWord('a"b c', 'strv')).toBe(`"a"'"'"b c"`);
  });

  it('refuses words it cannot write', () => {
    expect(() => quoteWord('')).toThrow(UnitValueError);
    expect(() => quoteWord('a\0')).toThrow(UnitValueError);
    expect(() => quoteWord('\ud800')).toThrow(UnitValueError);
    expect(() => quoteWord('a\nb', 'strv')).toThrow(UnitValueError);
  });

  it('split(join(words)) == words, also through a unit file line (args)', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 6 }), (ws) => {
        const joined = joinWords(ws);
        const u = parseUnitFile(`[Container]\n${formatEntry('Exec', joined)}\n`);
        const value = getLast(u, 'Container', 'Exec')!.value;
        expect(splitWords(value)).toEqual({ words: ws });
      }),
    );
  });

  it('split(join(words)) == words (strv)', () => {
    fc.assert(
      fc.property(
        fc.array(
          word.filter((w) => !/[\n\r]/.test(w)),
          { maxLength: 6 },
        ),
        (ws) => {
          const joined = joinWords(ws, 'strv');
          const value = getLast(
            parseUnitFile(`[Install]\n${formatEntry('WantedBy', joined)}\n`),
            'Install',
            'WantedBy',
          )!;
          expect(splitWords(value.value, 'strv')).toEqual({ words: ws });
        },
      ),
    );
  });
});
