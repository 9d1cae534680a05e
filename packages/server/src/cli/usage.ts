import { readFileSync } from 'node:fs';

/** A mistake in how a command was called (missing path, wrong kind of file): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A secret from stdin: its first line (a trailing newline, as `echo` adds, is not part of it). */
export function secretFromStdin(): string {
  const line = readFileSync(0, 'utf8').split(/\r?\n/)[0] ?? '';
  if (line === '') throw new UsageError('no secret on stdin');
  return line;
}
