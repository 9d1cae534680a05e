/**
 * Whitespace as Podman's Go code sees it. Go's `unicode.IsSpace` differs from JavaScript's `\s` (it counts
 * U+0085 and leaves out U+FEFF), and the unit-file parser trims with it, so we use the same set.
 */

const EXTRA_SPACES = new Set([0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);

/** Go's `unicode.IsSpace` for one UTF-16 code unit (every space character is in the BMP). It runs for every
 * character of every value, so the common case (printable ASCII) is answered by comparisons alone. */
export const isGoSpace = (code: number): boolean =>
  code <= 0x20
    ? code === 0x20 || (code >= 0x09 && code <= 0x0d)
    : code >= 0x85 && ((code >= 0x2000 && code <= 0x200a) || EXTRA_SPACES.has(code));

/** ASCII whitespace as Go's `unicode.IsSpace` sees single bytes below 0x80. */
export const isAsciiSpace = (code: number): boolean => (code >= 0x09 && code <= 0x0d) || code === 0x20;

/** Go's `strings.TrimSpace`. */
export function trimGoSpace(s: string): string {
  // Most lines start and end with a printable ASCII character: nothing to trim.
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  if (first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f) return s;
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/** Go's `strings.TrimRightFunc(s, unicode.IsSpace)`. */
export function trimGoSpaceEnd(s: string): string {
  const last = s.charCodeAt(s.length - 1);
  if (last > 0x20 && last < 0x7f) return s; // printable ASCII: nothing to trim
  let end = s.length;
  while (end > 0 && isGoSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(0, end);
}

/** Compares strings by Unicode code point, which is the byte order of their UTF-8 forms (Go's `sort.Strings`). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
