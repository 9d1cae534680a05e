/**
 * Physical lines of a text: split on `\n` (as Podman does), remembering the line terminator and whether the
 * text ended with one, so that joining the lines back gives the same bytes.
 */

export interface PhysicalLines {
  lines: string[];
  eol: '\n' | '\r\n';
  finalNewline: boolean;
}

/**
 * Splits text into lines. The terminator is `\r\n` only when every terminated line ends with `\r`; otherwise it is
 * `\n` and any `\r` stays part of its line, so mixed files still round-trip exactly.
 */
export function splitLines(text: string): PhysicalLines {
  if (text === '') return { lines: [], eol: '\n', finalNewline: false };
  const finalNewline = text.endsWith('\n');
  const lines = (finalNewline ? text.slice(0, -1) : text).split('\n');
  const terminated = finalNewline ? lines.length : lines.length - 1;
  let crlf = terminated > 0;
  for (let i = 0; i < terminated && crlf; i++) if (!lines[i]!.endsWith('\r')) crlf = false;
  if (crlf) for (let i = 0; i < terminated; i++) lines[i] = lines[i]!.slice(0, -1);
  return { lines, eol: crlf ? '\r\n' : '\n', finalNewline };
}

/** Joins lines back; the inverse of {@link splitLines}. */
export function joinLines(lines: readonly string[], eol: string, finalNewline: boolean): string {
  if (lines.length === 0) return '';
  return lines.join(eol) + (finalNewline ? eol : '');
}
