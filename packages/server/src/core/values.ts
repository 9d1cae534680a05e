// Checks for values that users write into a compartment spec, before anything is rendered. Each returns a
// reason (one short sentence) or undefined, so zod refinements can attach it to the exact path of the value.
//
// The rules, by how a value reaches the unit file (see the field kinds of @quadletman/quadlet's model):
// - line values (`string`, `list`, extra keys): written as is after `Key=`; the library's `valueProblem`
//   refuses what the parser could not read back (line breaks, NUL, edge whitespace, a trailing `\`).
// - words (`args`, `argsAll`, `strv`): quoted by the library's `quoteWord`; empty words, NUL and lone
//   surrogates cannot be written, and `strv` words cannot hold line breaks.
// - `%`: every value except data maps is a unit-file value. systemd reads `%` before an ASCII letter or digit
//   as a specifier (`%h`, `%n`, …) and refuses the unit for one it does not know: such a value is refused here
//   rather than left for systemd to fail on. `%%` is a literal `%`, and so is a `%` at the end of the value or
//   before any other character (`CPUQuota=50%`).
// - data maps (`kv`: Environment, Label, Annotation, BuildArg): values are literal text; the renderer
//   escapes `%` as `%%` (and `$` as `$$` where the value lands in ExecStart), so systemd hands the program
//   exactly what was written.

import { valueProblem } from '@quadletman/quadlet';

/** Longest single value (a line, a word, an environment value). */
export const MAX_VALUE = 32 * 1024;
/** Longest raw unit text and longest config file. */
export const MAX_TEXT = 1024 * 1024;
/** Most items in one list field. */
export const MAX_ITEMS = 1000;

// systemd's specifiers (systemd.unit(5), "Specifiers"), plus `%%`: a `%` before an ASCII letter or digit must
// be one of them; a `%` before anything else, or at the end, stays as it is.
const SPECIFIER = /%([A-Za-z0-9%])/g;
const SPECIFIER_CHARS = new Set('aAbBCdEfgGhHiIjJlLmMnNopPqsStTuUvVwWyY%'.split(''));

export function specifierProblem(value: string): string | undefined {
  for (const m of value.matchAll(SPECIFIER)) {
    const c = m[1]!;
    if (!SPECIFIER_CHARS.has(c)) return `"%${c}" is not a systemd specifier; write a literal % as %%`;
  }
  return undefined;
}

function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      else return true;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

const tooLong = (s: string, max = MAX_VALUE): string | undefined =>
  s.length > max ? `is too long (${s.length} characters; at most ${max})` : undefined;

/** A value written after `Key=` as is. */
export function lineValueProblem(value: string): string | undefined {
  return tooLong(value) ?? valueProblem(value)?.message ?? specifierProblem(value);
}

/** One item of a list field: as a line value, and not empty (an empty assignment resets the list). */
export function listItemProblem(value: string): string | undefined {
  if (value === '') return 'must not be empty (an empty item would reset the list)';
  return lineValueProblem(value);
}

/** One word of an `args` / `argsAll` field (quoted by the library as needed). */
export function wordProblem(word: string, mode: 'args' | 'strv' = 'args'): string | undefined {
  if (word === '') return 'must not be empty (Podman stops reading at an empty word)';
  if (word.includes('\0')) return 'must not contain NUL';
  if (hasLoneSurrogate(word)) return 'must not contain a lone UTF-16 surrogate';
  if (mode === 'strv' && /[\r\n]/.test(word)) return 'must not contain a line break';
  return tooLong(word) ?? specifierProblem(word);
}

/** A data value (environment, label…): literal, `%` is escaped when rendered. */
export function dataValueProblem(value: string): string | undefined {
  if (value.includes('\0')) return 'must not contain NUL';
  if (hasLoneSurrogate(value)) return 'must not contain a lone UTF-16 surrogate';
  return tooLong(value);
}

/** A data key (environment variable or label name). */
export function dataKeyProblem(key: string): string | undefined {
  if (key === '') return 'name must not be empty';
  if (key.includes('=')) return 'name must not contain "="';
  if (/[\s\p{Cc}]/u.test(key)) return 'name must not contain whitespace or control characters';
  if (hasLoneSurrogate(key)) return 'name must not contain a lone UTF-16 surrogate';
  return tooLong(key, 1024);
}

/** Text stored verbatim (raw unit files, config files). */
export function textProblem(text: string): string | undefined {
  if (text.includes('\0')) return 'must not contain NUL (binary content is not supported)';
  if (hasLoneSurrogate(text)) return 'must not contain a lone UTF-16 surrogate';
  return tooLong(text, MAX_TEXT);
}

/** Free text stored but never rendered (descriptions of compartments and secrets). */
export function plainTextProblem(text: string, max = 1024): string | undefined {
  if (/\p{Cc}/u.test(text)) return 'must not contain control characters (line breaks, tabs, NUL)';
  if (hasLoneSurrogate(text)) return 'must not contain a lone UTF-16 surrogate';
  return tooLong(text, max);
}

const SEGMENT = /^[A-Za-z0-9_@+][A-Za-z0-9_.@+-]*$/;

/**
 * A relative file path inside one of the compartment's folders: `/`-separated segments of letters, digits
 * and `_ . @ + -`, none starting with `.` or `-` (so no `..`, no hidden files, no option-like names).
 */
export function relativePathProblem(path: string): string | undefined {
  if (path === '') return 'must not be empty';
  if (path.startsWith('/')) return 'must be a relative path (no leading /)';
  if (path.length > 255) return 'is too long (at most 255 characters)';
  for (const seg of path.split('/')) {
    if (seg === '') return 'must not contain empty segments (//) or end with /';
    if (seg === '.' || seg === '..') return `must not contain "${seg}" segments`;
    if (!SEGMENT.test(seg)) {
      return `segment ${JSON.stringify(seg)} must use only letters, digits and _ . @ + - and not start with . or -`;
    }
  }
  return undefined;
}

/** Escapes systemd specifiers in literal text. */
export const escapePercent = (s: string): string => s.replaceAll('%', '%%');
/** Escapes systemd's environment variable expansion in ExecStart words (`$` → `$$`). */
export const escapeDollar = (s: string): string => s.replaceAll('$', '$$$$');
/** Undoes {@link escapeDollar}. */
export const unescapeDollar = (s: string): string => s.replaceAll('$$', '$');
/** Undoes {@link escapePercent}. */
export const unescapePercent = (s: string): string => s.replaceAll('%%', '%');
