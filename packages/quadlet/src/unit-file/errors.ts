/**
 * The error every unit-file writer throws when asked to write something the parser could not read back
 * exactly. Writers throw it (they are called with values the program built); `valueProblem` and friends
 * return the same information without throwing, for validation at the edge.
 */

export type UnitValueErrorCode =
  | 'newline'
  | 'nul'
  | 'carriage-return'
  | 'lone-surrogate'
  | 'leading-whitespace'
  | 'trailing-whitespace'
  | 'trailing-backslash'
  | 'empty-word'
  | 'invalid-key'
  | 'invalid-section'
  | 'open-continuation'
  | 'edge-quote';

export class UnitValueError extends Error {
  override readonly name = 'UnitValueError';
  constructor(
    readonly code: UnitValueErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** True when `s` holds a UTF-16 surrogate that is not part of a pair (it has no UTF-8 form). */
export function hasLoneSurrogate(s: string): boolean {
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
