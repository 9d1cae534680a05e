/**
 * fast-check generators shared by the unit-file, bundle and model property tests (test support only).
 */
import fc from 'fast-check';

const SECTIONS = ['Unit', 'Container', 'Service', 'Install', 'Pod', 'Network', 'X-Custom'];
const KEYS = ['Image', 'Exec', 'Environment', 'PublishPort', 'Volume', 'Label', 'Description', 'WantedBy', 'After'];

const spaces = fc.constantFrom('', '', ' ', '  ', '\t');
const valueChars = fc.constantFrom('a', 'b', 'Z', '1', ' ', '=', '"', "'", '\\', '%', ':', '/', '-', 'é', '#', ';');
/** A value fragment (may contain anything but line breaks). */
export const valueText = fc.array(valueChars, { maxLength: 12 }).map((cs) => cs.join(''));

const sectionLine = fc.tuple(spaces, fc.constantFrom(...SECTIONS), spaces).map(([a, s, b]) => `${a}[${s}]${b}`);
const entryLine = fc
  .tuple(spaces, fc.constantFrom(...KEYS), spaces, spaces, valueText, spaces)
  .map(([a, k, b, c, v, d]) => `${a}${k}${b}=${c}${v}${d}`);
const commentLine = fc.tuple(spaces, fc.constantFrom('#', ';'), valueText).map(([a, m, t]) => `${a}${m}${t}`);
const blankLine = spaces;
const invalidLine = fc.constantFrom('garbage', '[]', '[a[b]', '=x', 'no equals here');
const continuation = fc
  .tuple(
    entryLine,
    fc.array(
      fc.oneof(
        valueText.map((v) => `  ${v}`),
        commentLine,
        fc.constant(''),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    valueText,
  )
  .map(([first, middles, last]) => [
    `${first}\\`,
    ...middles.map((m) => (m.trim().match(/^[#;]|^$/) ? m : `${m}\\`)),
    `  ${last}x`,
  ]);

/** Realistic unit-file text: sections, entries, comments, blanks, continuations, a few invalid lines, LF or CRLF. */
export const unitText = fc
  .tuple(
    fc.array(
      fc.oneof(
        { weight: 2, arbitrary: sectionLine.map((l) => [l]) },
        { weight: 6, arbitrary: entryLine.map((l) => [l]) },
        { weight: 2, arbitrary: commentLine.map((l) => [l]) },
        { weight: 2, arbitrary: blankLine.map((l) => [l]) },
        { weight: 1, arbitrary: continuation },
        { weight: 1, arbitrary: invalidLine.map((l) => [l]) },
      ),
      { maxLength: 25 },
    ),
    fc.constantFrom('\n', '\r\n'),
    fc.boolean(),
  )
  .map(([groups, eol, final]) => {
    const lines = ['[Container]', ...groups.flat()];
    return lines.join(eol) + (final ? eol : '');
  });

/** Valid unit text without invalid lines (every section header first). */
export const validUnitText = unitText.filter((t) => !/garbage|\[\]|\[a\[b\]|^=x|no equals/m.test(t));

/** Words without NUL (any other Unicode, including line breaks and lone surrogates filtered out). */
export const word = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom(' ', '"', "'", '\\', '\t', '%', '$', '\n'),
      fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }),
    ),
    minLength: 1,
    maxLength: 8,
  })
  .filter((w) => w !== '' && !w.includes('\0'));
