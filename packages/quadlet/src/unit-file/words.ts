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

const isSeparator = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const END = '\0';

const hexValue = (c: string | undefined): number => {
  if (c === undefined) return -1;
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'a' && c <= 'f') return c.charCodeAt(0) - 87;
  if (c >= 'A' && c <= 'F') return c.charCodeAt(0) - 55;
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

function hexRun(p: string, from: number, count: number): number {
  let v = 0;
  for (let i = 0; i < count; i++) {
    const h = hexValue(p[from + i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/** Go writes an invalid rune (a surrogate) as U+FFFD. */
const fromRune = (c: number): string => (c >= 0xd800 && c <= 0xdfff ? '\ufffd' : String.fromCodePoint(c));

/** One C escape after a backslash: the character and how many input characters it used, or undefined. */
function unescapeOne(p: string): { ch: string; used: number } | undefined {
  const c = p[0];
  if (c === undefined) return undefined;
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { ch: simple, used: 1 };
  if (c === 'x') {
    const v = hexRun(p, 1, 2);
    return v > 0 ? { ch: String.fromCharCode(v), used: 3 } : undefined;
  }
  if (c === 'u') {
    const v = hexRun(p, 1, 4);
    return v > 0 ? { ch: fromRune(v), used: 5 } : undefined;
  }
  if (c === 'U') {
    const v = hexRun(p, 1, 8);
    return v > 0 && v <= 0x10ffff ? { ch: fromRune(v), used: 9 } : undefined;
  }
  if (c >= '0' && c <= '7') {
    const digits = p.slice(0, 3);
    if (!/^[0-7]{3}$/.test(digits)) return undefined;
    const v = Number.parseInt(digits, 8);
    return v > 0 && v <= 255 ? { ch: String.fromCharCode(v), used: 3 } : undefined;
  }
  return undefined;
}

interface Extracted {
  word?: string;
  rest: string;
  error?: string;
  /** The list ended on an empty word while input remained. */
  stoppedEarly?: boolean;
}

function extractFirstWord(s: string, mode: SplitMode): Extracted {
  const relax = mode === 'args';
  const escapes = mode === 'args';
  let p = 0;
  const at = () => (p < s.length ? s[p]! : END);
  const next = () => {
    p++;
    return at();
  };
  let c = at();
  while (c !== END && isSeparator(c)) c = next();
  if (c === END) return { rest: '' };

  let word = '';
  let quote = '';
  let backslash = false;
  let terminate = false;
  outer: for (;;) {
    if (backslash) {
      if (c === END) {
        if (relax) {
          terminate = true;
          break;
        }
        return { rest: '', error: 'unbalanced escape' };
      }
      if (escapes) {
        const u = unescapeOne(s.slice(p));
        if (!u) return { rest: '', error: `unsupported escape "\\${c}"` };
        p += u.used - 1;
        word += u.ch;
      } else word += c;
      backslash = false;
    } else if (quote !== '') {
      for (; ; c = next()) {
        if (c === END) {
          if (relax) {
            terminate = true;
            break outer;
          }
          return { rest: '', error: 'unbalanced quotes' };
        }
        if (c === quote) {
          quote = '';
          break;
        }
        if (c === '\\' && escapes) {
          backslash = true;
          break;
        }
        word += c;
      }
    } else {
      for (; ; c = next()) {
        if (c === END) {
          terminate = true;
          break outer;
        }
        if (c === "'" || c === '"') {
          quote = c;
          break;
        }
        if (c === '\\' && escapes) {
          backslash = true;
          break;
        }
        if (isSeparator(c)) {
          do c = next();
          while (c !== END && isSeparator(c));
          if (c === END) terminate = true;
          break outer;
        }
        word += c;
      }
    }
    c = next();
  }
  const rest = terminate ? '' : s.slice(p);
  if (word === '') return { rest: '', stoppedEarly: rest !== '' };
  return { word, rest };
}

/** Splits a value into words exactly as Podman does (see the module comment for the modes). */
export function splitWords(value: string, mode: SplitMode = 'args'): SplitResult {
  const words: string[] = [];
  let rest = value;
  for (;;) {
    const r = extractFirstWord(rest, mode);
    if (r.error !== undefined) return { words: [], error: r.error };
    if (r.word === undefined) {
      return r.stoppedEarly ? { words, ignored: ignoredTail(rest) } : { words };
    }
    words.push(r.word);
    rest = r.rest;
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
