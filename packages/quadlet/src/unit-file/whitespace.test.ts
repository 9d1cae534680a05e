import { describe, expect, it } from 'vitest';
import { isGoSpace, trimGoSpace } from './whitespace';

// Go's unicode.IsSpace: '\t', '\n', '\v', '\f', '\r', ' ', U+0085, U+00A0 and the Unicode White_Space
// characters of category Z (U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
const GO_SPACES = new Set([
  0x09,
  0x0a,
  0x0b,
  0x0c,
  0x0d,
  0x20,
  0x85,
  0xa0,
  0x1680,
  0x2028,
  0x2029,
  0x202f,
  0x205f,
  0x3000,
  ...Array.from({ length: 11 }, (_, i) => 0x2000 + i),
]);

describe('isGoSpace', () => {
  it("is Go's unicode.IsSpace on every UTF-16 code unit", () => {
    const wrong: number[] = [];
    for (let c = 0; c <= 0xffff; c++) if (isGoSpace(c) !== GO_SPACES.has(c)) wrong.push(c);
    expect(wrong).toEqual([]);
  });

  it('trims as strings.TrimSpace does (U+FEFF is not a space)', () => {
    expect(trimGoSpace('\u0085\u3000 a b\t\u2009')).toBe('a b');
    expect(trimGoSpace('\ufeffa')).toBe('\ufeffa');
  });
});
