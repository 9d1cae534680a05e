/** A mistake in how a command was called (missing path, wrong kind of file): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
