/**
 * The one value encoder every unit-file writer uses. A value is written as is after `Key=` when the parser
 * reads it back unchanged; otherwise the writer refuses it with a {@link UnitValueError} (thrown: writers are
 * called with values the program built, so a bad one is a bug or must be caught at the edge with
 * {@link valueProblem}). Podman's parser has no escape for the line level: a line break cannot be written,
 * leading whitespace after `=` and trailing whitespace are trimmed, and a trailing `\` continues the line.
 * Values meant as words (Exec, PodmanArgs, Environment…) should go through `joinWords`, which quotes and so
 * never produces those cases.
 */
import { hasLoneSurrogate, UnitValueError } from './errors';
import { isValidSectionName } from './parse';
import { isAsciiSpace, isGoSpace } from './whitespace';

/** Why a value cannot be written after `Key=`, or undefined when it can. */
export function valueProblem(value: string): UnitValueError | undefined {
  if (value.includes('\n')) return new UnitValueError('newline', 'a value cannot contain a line break');
  if (value.includes('\r')) return new UnitValueError('carriage-return', 'a value cannot contain a carriage return');
  if (value.includes('\0')) return new UnitValueError('nul', 'a value cannot contain NUL');
  if (hasLoneSurrogate(value)) return new UnitValueError('lone-surrogate', 'a value cannot contain a lone surrogate');
  if (value !== '' && isAsciiSpace(value.charCodeAt(0))) {
    return new UnitValueError('leading-whitespace', 'leading whitespace is dropped by the parser; quote the value');
  }
  if (value !== '' && isGoSpace(value.charCodeAt(value.length - 1))) {
    return new UnitValueError('trailing-whitespace', 'trailing whitespace is dropped by the parser; quote the value');
  }
  if (value.endsWith('\\')) {
    return new UnitValueError('trailing-backslash', 'a trailing "\\" would continue the line; quote the value');
  }
  return undefined;
}

/** The text to write after `Key=` for `value`. Throws {@link UnitValueError} when the value cannot be written. */
export function encodeValue(value: string): string {
  const problem = valueProblem(value);
  if (problem) throw problem;
  return value;
}

/**
 * The text to write for a key Podman reads with `Lookup` (most single-value keys: Image, ContainerName…),
 * which trims trailing whitespace and strips surrounding double quotes. A value the plain encoder refuses for
 * leading/trailing whitespace or a trailing `\` is written inside a pair of quotes, which every Podman 5+
 * strips again, so `lookup` reads back exactly `value`. Refused ({@link UnitValueError}): line breaks, NUL,
 * lone surrogates, and a `"` at either end (code `edge-quote`: Podman 5.0–5.7 strip every quote there, 5.8
 * and later only a matched pair, so no spelling means the same to both). Not for list keys: `LookupAll`
 * keeps quotes.
 */
export function encodeLookupValue(value: string): string {
  if (value.startsWith('"') || value.endsWith('"')) {
    throw new UnitValueError('edge-quote', 'a double quote at either end of a single value is stripped by Podman');
  }
  const problem = valueProblem(value);
  if (problem === undefined) return value;
  if (!['leading-whitespace', 'trailing-whitespace', 'trailing-backslash'].includes(problem.code)) throw problem;
  return `"${value}"`;
}

/** Why a key cannot be written, or undefined. Keys are plain: no whitespace, `=`, control characters. */
export function keyProblem(key: string): UnitValueError | undefined {
  const bad = (why: string) => new UnitValueError('invalid-key', `invalid key "${key}": ${why}`);
  if (key === '') return bad('empty');
  if (key.includes('=')) return bad('contains "="');
  if (/^[#;[]/.test(key)) return bad('starts with a comment or section character');
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (isGoSpace(c) || c < 0x20 || (c >= 0x7f && c <= 0x9f)) return bad('contains whitespace or a control character');
  }
  if (hasLoneSurrogate(key)) return bad('contains a lone surrogate');
  return undefined;
}

/** One `Key=Value` line, read back by the parser as exactly this key and value. Throws {@link UnitValueError}. */
export function formatEntry(key: string, value: string): string {
  const problem = keyProblem(key);
  if (problem) throw problem;
  return `${key}=${encodeValue(value)}`;
}

/** A `[Name]` header line. Throws {@link UnitValueError} for names Podman rejects. */
export function formatSectionHeader(name: string): string {
  if (!isValidSectionName(name) || hasLoneSurrogate(name)) {
    throw new UnitValueError('invalid-section', `invalid section name "${name}"`);
  }
  return `[${name}]`;
}

/**
 * Escapes systemd specifiers so a value stays literal: `%` becomes `%%`. Use it for values that systemd expands
 * (everything Quadlet copies into the generated service, e.g. Exec arguments, Environment values).
 */
export const escapeSpecifiers = (s: string): string => s.replaceAll('%', '%%');
