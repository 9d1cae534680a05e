// Hostile values for the hostile-input suite (hostile.host.test.ts): fast-check arbitraries that mix every
// class of text that has broken unit files, config files, paths and command lines somewhere — line breaks of
// every kind (\n \r \r\n U+2028 U+2029 U+0085, and \v \f that Go counts as space), NUL, lone surrogates,
// systemd specifiers (`%`, `%%`, `%h`) and expansions (`$`, `${X}`, `$$`), quotes, backslashes and escapes,
// option-like prefixes (`-`, `--`), `..`, absolute paths, `~`, text that looks like `[Section]` or `Key=value`
// after a line break, and values just under and over the documented limits (values.ts, api/contract.ts).
import fc from 'fast-check';
import { MAX_TEXT, MAX_VALUE } from '../core/values.js';

/** The building blocks. Each is hostile somewhere; joined, they make values that are hostile everywhere. */
export const ATOMS: readonly string[] = [
  '\n',
  '\r',
  '\r\n',
  '\0',
  '\u2028',
  '\u2029',
  '\u0085',
  '\u000b',
  '\u000c',
  '\t',
  ' ',
  '%',
  '%%',
  '%h',
  '%n',
  '%i',
  '%Z',
  '%%h',
  '$',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${X} is the point
  '${X}',
  '$$',
  '$HOME',
  '"',
  "'",
  '\\',
  '\\n',
  '\\x41',
  '\\"',
  '\\\\',
  '\\u00e9',
  '-',
  '--',
  '-x',
  '--rm',
  '--privileged',
  '..',
  '../',
  '/..',
  '/abs/path',
  '/etc/passwd',
  '~',
  '~/x',
  '=',
  '==',
  ';',
  '#',
  '[Section]',
  '[Service]',
  '\n[Service]\nExecStartPre=/bin/sh -c evil\n',
  '\nImage=evil',
  '\nKey=value',
  '\r\nExecStart=/bin/evil',
  '\u2028[Container]\u2028Image=evil',
  'ExecStartPre=/bin/evil',
  '---',
  '# FileName=evil.container',
  '# quadletman.end',
  '\ud800',
  '\udc00',
  '\udbff\udfff',
  '👩‍👩‍👧',
  '\u202e',
  '\ufeff',
  '\u00a0',
  '\u3000',
  '`id`',
  '$(id)',
  '*',
  '?',
  '&&',
  '|',
  '; rm -rf /',
  '{',
  '}',
  ':',
  ',',
  '@',
  '+',
  'x',
  'abc',
  'Z9',
  '0',
  '.',
  '/',
];

/** Atoms that keep a value on one line and out of the refused classes (for values meant to be accepted). */
const WRITABLE_ATOMS = ATOMS.filter(
  (a) => !/[\n\r\0]/.test(a) && !/[\ud800-\udfff]/.test(a.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')),
);

const atom = fc.constantFrom(...ATOMS);
const writableAtom = fc.constantFrom(...WRITABLE_ATOMS);
const noise = fc.string({ unit: 'grapheme', maxLength: 6 });

/** Any mix of atoms and random text. */
export const mixed = fc
  .array(fc.oneof({ weight: 3, arbitrary: atom }, { weight: 1, arbitrary: noise }), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(''));

/** One-line values without NUL or lone surrogates, with an option-like, path-like or plain start. */
export const writable = fc
  .tuple(
    fc.constantFrom('', '', '-', '--', '/', '~', '..', '%h/', '$', '"', "'"),
    fc.array(fc.oneof({ weight: 3, arbitrary: writableAtom }, { weight: 1, arbitrary: noise }), {
      minLength: 1,
      maxLength: 6,
    }),
    fc.constantFrom('', 'x', 'z9', '"', '\\', ' '),
  )
  .map(([a, parts, z]) => `${a}${parts.join('')}${z}`)
  .filter((s) => !/[\n\r\0]/.test(s));

/** `n` characters of filler with hostile atoms at both ends and in the middle. */
function longValue(n: number, head: string, mid: string, tail: string): string {
  const fill = Math.max(0, n - head.length - mid.length - tail.length);
  const half = Math.floor(fill / 2);
  return `${head}${'a'.repeat(half)}${mid}${'b'.repeat(fill - half)}${tail}`;
}

/** Lengths at the documented limits: values, keys, names, paths, descriptions. */
const LIMITS = [64, 65, 253, 254, 255, 256, 1000, 1001, 1024, 1025, MAX_VALUE - 1, MAX_VALUE, MAX_VALUE + 1];

/** Values around the length limits (1 MiB texts are made separately: they are slow to send in bulk). */
export const long = fc
  .tuple(fc.constantFrom(...LIMITS), fc.constantFrom('', '-', '/', '..'), atom, fc.constantFrom('', 'x', '\n'))
  .map(([n, head, mid, tail]) => longValue(n, head, mid, tail));

/** A hostile string: mostly mixes, often one-line ones that may be accepted, sometimes very long. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: mixed },
  { weight: 5, arbitrary: writable },
  { weight: 1, arbitrary: long },
);

/** Values of the wrong type: what a field meant for a string must refuse (or take as the documented string). */
export const wrongType: fc.Arbitrary<unknown> = fc.constantFrom(
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e21,
  [],
  [[]],
  [''],
  {},
  { a: 'b' },
  { __proto__x: 1 },
  ['a', ['b']],
  [null],
);

/** A value for a scalar or list field: hostile strings, lists of them, or the wrong type. */
export const hostileFieldValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: hostileString },
  { weight: 4, arbitrary: fc.array(hostileString, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: wrongType },
);

/** A data map (environment, labels): hostile names and values. */
export const hostileMap: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.dictionary(fc.oneof(writable, mixed, fc.constant('A')), hostileString, { minKeys: 1, maxKeys: 3 }),
  },
  {
    weight: 4,
    arbitrary: fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,5}$/), hostileString, { minKeys: 1, maxKeys: 3 }),
  },
  { weight: 1, arbitrary: wrongType },
);

/** Words of an Exec-like field: a list of hostile words, or one hostile string to be split. */
export const hostileWords: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.array(hostileString, { minLength: 1, maxLength: 4 }) },
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: wrongType },
);

/** A name that is almost valid: `valid` with hostile atoms around or inside it, or `valid` itself. */
export const nameish = (valid: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: hostileString },
    { weight: 2, arbitrary: valid },
    { weight: 3, arbitrary: fc.tuple(valid, atom, valid).map(([a, b, c]) => `${a}${b}${c}`) },
    { weight: 2, arbitrary: fc.tuple(atom, valid).map(([a, b]) => `${a}${b}`) },
    { weight: 1, arbitrary: fc.tuple(valid, atom).map(([a, b]) => `${a}${b}`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.constantFrom(64, 253, 255, 256, 1025))
        .map(([a, n]) => a + 'x'.repeat(Math.max(0, n - a.length))),
    },
  );

export const plainName = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);

/** A relative path: mostly nearly valid, with `..`, absolute, hidden and odd segments mixed in. */
export const pathish: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: nameish(plainName) },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.oneof(nameish(plainName), fc.constantFrom('..', '.', '', '-x', '~', '.hidden', 'a.env')), {
        minLength: 1,
        maxLength: 4,
      })
      .map((segs) => segs.join('/')),
  },
  { weight: 1, arbitrary: fc.constantFrom('/etc/passwd', '../../etc/shadow', 'a/../../b', '%2e%2e/x', 'a\\..\\b') },
);

/** File content: any text, hostile lines, and a few texts at the 1 MiB limit. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 20, arbitrary: fc.array(fc.oneof(mixed, writable), { maxLength: 6 }).map((p) => p.join('\n')) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(MAX_TEXT - 1, MAX_TEXT, MAX_TEXT + 1), atom)
      .map(([n, a]) => longValue(n, '[Container]\n', a, '\n')),
  },
);

/** Samples `n` values of `arb` from a seed (deterministic for one seed). */
export const sampleOf = <T>(arb: fc.Arbitrary<T>, n: number, seed: number): T[] => fc.sample(arb, { numRuns: n, seed });

/** A value as a short, printable reference for reports. */
export function show(v: unknown, max = 160): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v, (_k, x) => (x === undefined ? null : x));
  } catch {
    s = String(v);
  }
  if (s === undefined) s = String(v);
  // line separators and C1 controls as escapes, so a report shows where a line break hides
  s = s.replace(/[\u0080-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}

/** Equality of JSON-like values (key order and prototypes ignored; fast-check's records have no prototype). */
export function sameJson(a: unknown, b: unknown): boolean {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}
