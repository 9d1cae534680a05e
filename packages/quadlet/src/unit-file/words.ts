/**
 * Word splitting and quoting as Podman does it (pkg/systemd/parser/split.go, itself a port of systemd's
 * extract_first_word). Two modes:
 * - `args` (LookupAllArgs / LookupLastArgs: Exec, PodmanArgs, Environment, Label…): double and single quotes
 *   group and are removed; `\` starts a C escape (`\n \t \s \xHH \uHHHH \UHHHHHHHH \ooo`…); an unknown escape
 *   is an error that makes Podman drop the whole value; an unbalanced quote or trailing `\` is tolerated.
 * - `strv` (LookupAllStrv: WantedBy, Alias, AddCapability…): quotes group and are removed, `\` is an ordinary
 *   character, an unbalanced quote is an error.
 * A quirk kept on purpose: an empty word (`""`) ends the list and Podman ignores the rest of the value.
 */
import { hasLoneSurrogate, UnitValueError } from './errors';
import { isGoSpace } from './whitespace';

export type SplitMode = 'args' | 'strv';

export interface SplitResult {
  words: string[];
  /** Why Podman rejects the value (it then uses none of its words). */
  error?: string;
  /** Text Podman silently ignores because an empty word (`""`) ended the list early. */
  ignored?: string;
}

const NUL = 0;
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;

const isSeparator = (c: number) => c === SPACE || c === TAB || c === LF || c === CR;

const hexValue = (c: number): number => {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
};

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
  s: ' ',
};

/** The value of `count` hex digits of `s` from `from`, or -1 (a non-digit, or the end). */
function hexRun(s: string, from: number, count: number): number {
  if (from + count > s.length) return -1;
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const h = hexValue(s.charCodeAt(i));
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/** Go writes an invalid rune (a surrogate) as U+FFFD. */
const fromRune = (c: number): string => (c >= 0xd800 && c <= 0xdfff ? '\ufffd' : String.fromCodePoint(c));

/** The C escape at `s[i]` (after a backslash): the character and how many input characters it used, or
 * undefined. */
function unescapeAt(s: string, i: number): { ch: string; used: number } | undefined {
  const c = s[i];
  if (c === undefined) return undefined;
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { ch: simple, used: 1 };
  if (c === 'x') {
    const v = hexRun(s, i + 1, 2);
    return v > 0 ? { ch: String.fromCharCode(v), used: 3 } : undefined;
  }
  if (c === 'u') {
    const v = hexRun(s, i + 1, 4);
    return v > 0 ? { ch: fromRune(v), used: 5 } : undefined;
  }
  if (c === 'U') {
    const v = hexRun(s, i + 1, 8);
    return v > 0 && v <= 0x10ffff ? { ch: fromRune(v), used: 9 } : undefined;
  }
  if (c >= '0' && c <= '7') {
    const digits = s.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(digits)) return undefined;
    const v = Number.parseInt(digits, 8);
    return v > 0 && v <= 255 ? { ch: String.fromCharCode(v), used: 3 } : undefined;
  }
  return undefined;
}

interface Extracted {
  word?: string;
  /** Where the next word's search starts (the end of the value when nothing may follow). */
  next: number;
  error?: string;
  /** The list ended on an empty word while input remained. */
  stoppedEarly?: boolean;
}

/**
 * The first word of `s` from index `from`. As in C, a NUL character ends the value. Characters between
 * quotes, backslashes and separators are taken as one slice, not one by one: the linter splits many values.
 */
function extractFirstWord(s: string, from: number, mode: SplitMode): Extracted {
  const escapes = mode === 'args';
  const relax = escapes;
  const n = s.length;
  const code = (i: number) => (i < n ? s.charCodeAt(i) : NUL);
  let p = from;
  while (isSeparator(code(p))) p++;
  if (code(p) === NUL) return { next: n };

  let word = '';
  let quote = NUL;
  let terminate = false;
  for (;;) {
    const c = code(p);
    if (quote !== NUL) {
      const start = p;
      let d = c;
      while (d !== NUL && d !== quote && !(d === BACKSLASH && escapes)) d = code(++p);
      word += s.slice(start, p);
      if (d === NUL) {
        if (!relax) return { next: n, error: 'unbalanced quotes' };
        terminate = true;
        break;
      }
      if (d === quote) {
        quote = NUL;
        p++;
        continue;
      }
      // a backslash inside quotes: the escape follows
    } else {
      const start = p;
      let d = c;
      while (d !== NUL && d !== SQUOTE && d !== DQUOTE && !(d === BACKSLASH && escapes) && !isSeparator(d)) {
        d = code(++p);
      }
      word += s.slice(start, p);
      if (d === NUL) {
        terminate = true;
        break;
      }
      if (d === SQUOTE || d === DQUOTE) {
        quote = d;
        p++;
        continue;
      }
      if (isSeparator(d)) {
        do p++;
        while (isSeparator(code(p)));
        if (code(p) === NUL) terminate = true;
        break;
      }
      // a backslash: the escape follows
    }
    // s[p] is a backslash that starts an escape (args mode only)
    p++;
    if (code(p) === NUL) {
      terminate = true; // a trailing backslash is tolerated in args mode
      break;
    }
    const u = unescapeAt(s, p);
    if (!u) return { next: n, error: `unsupported escape "\\${s[p]}"` };
    word += u.ch;
    p += u.used;
  }
  const next = terminate ? n : p;
  if (word === '') return { next: n, stoppedEarly: !terminate };
  return { word, next };
}

/** Splits a value into words exactly as Podman does (see the module comment for the modes). */
export function splitWords(value: string, mode: SplitMode = 'args'): SplitResult {
  const words: string[] = [];
  let at = 0;
  for (;;) {
    const r = extractFirstWord(value, at, mode);
    if (r.error !== undefined) return { words: [], error: r.error };
    if (r.word === undefined) {
      return r.stoppedEarly ? { words, ignored: ignoredTail(value.slice(at)) } : { words };
    }
    words.push(r.word);
    at = r.next;
  }
}

/** The text after the empty word that ended the list (for diagnostics). */
function ignoredTail(rest: string): string {
  const trimmed = rest.replace(/^[ \t\n\r]+/, '');
  const m = /^(""|'')[ \t\n\r]*/.exec(trimmed);
  return m ? trimmed.slice(m[0].length) : trimmed;
}

const ARGS_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\t': '\\t',
  '\r': '\\r',
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
};

const isControl = (c: number) => c < 0x20 || (c >= 0x7f && c <= 0x9f);

function needsQuoting(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (isGoSpace(c) || isControl(c) || c === 0x22 || c === 0x27 || c === 0x5c) return true;
  }
  return false;
}

function checkWord(word: string, mode: SplitMode): void {
  if (word === '') throw new UnitValueError('empty-word', 'an empty word cannot be written: Podman stops at it');
  if (word.includes('\0')) throw new UnitValueError('nul', 'a word cannot contain NUL');
  if (hasLoneSurrogate(word)) throw new UnitValueError('lone-surrogate', 'a word cannot contain a lone surrogate');
  if (mode === 'strv' && /[\n\r]/.test(word)) {
    throw new UnitValueError('newline', 'a list word cannot contain a line break');
  }
}

/**
 * Quotes one word so that {@link splitWords} (same mode) reads it back unchanged. Words without special
 * characters stay bare. Throws {@link UnitValueError} for words that cannot be written (empty, NUL, a lone
 * surrogate; in `strv` mode also line breaks).
 */
export function quoteWord(word: string, mode: SplitMode = 'args'): string {
  checkWord(word, mode);
  if (!needsQuoting(word)) return word;
  if (mode === 'strv') {
    // No escapes in strv: double quotes around everything, a `"` itself goes in single quotes.
    return word
      .split('"')
      .map((part) => (part === '' ? '' : `"${part}"`))
      .join(`'"'`);
  }
  let out = '"';
  for (const ch of word) {
    const code = ch.codePointAt(0)!;
    const esc = ARGS_ESCAPES[ch];
    if (esc !== undefined) out += esc;
    else if (isControl(code)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Joins words with single spaces, quoting each as needed; the inverse of {@link splitWords}. */
export const joinWords = (words: readonly string[], mode: SplitMode = 'args'): string =>
  words.map((w) => quoteWord(w, mode)).join(' ');
