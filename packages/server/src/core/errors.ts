// The error hierarchy. Every error the server raises on purpose carries a stable `code` (a string
// union, never a number) that the HTTP layer maps to a status and the CLI to an exit code, each in one place.

export type ErrorCode =
  | 'not_found'
  | 'invalid'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'command_failed'
  | 'internal';

export class AppError extends Error {
  // Names are spelled out: the bundles are minified, so a class's own name is not kept.
  override readonly name: string = 'AppError';
  readonly code: ErrorCode;
  /** Extra facts for logs and API bodies (never secrets). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details;
  }
}

export class NotFoundError extends AppError {
  override readonly name: string = 'NotFoundError';
  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('not_found', message, options);
  }
}

export class InvalidError extends AppError {
  override readonly name: string = 'InvalidError';
  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('invalid', message, options);
  }
}

export class ConflictError extends AppError {
  override readonly name: string = 'ConflictError';
  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('conflict', message, options);
  }
}

/** Nobody is logged in, or the credentials given are wrong (HTTP 401). */
export class UnauthorizedError extends AppError {
  override readonly name: string = 'UnauthorizedError';
  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('unauthorized', message, options);
  }
}

export class ForbiddenError extends AppError {
  override readonly name: string = 'ForbiddenError';
  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super('forbidden', message, options);
  }
}

export interface CommandFailure {
  argv: readonly string[];
  /** Exit code; null when the process was killed by a signal or could not be started. */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** A command exited with a code its caller did not expect, timed out, or could not be started. */
export class CommandError extends AppError {
  override readonly name: string = 'CommandError';
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;

  constructor(failure: CommandFailure, options?: { cause?: unknown; message?: string }) {
    super('command_failed', options?.message ?? CommandError.describe(failure), {
      cause: options?.cause,
      details: { argv: failure.argv, exitCode: failure.exitCode, timedOut: failure.timedOut },
    });
    this.argv = failure.argv;
    this.exitCode = failure.exitCode;
    this.signal = failure.signal;
    this.stdout = failure.stdout;
    this.stderr = failure.stderr;
    this.timedOut = failure.timedOut;
  }

  static describe(f: CommandFailure): string {
    const cmd = f.argv.join(' ');
    const tail = lastLines(f.stderr, 5);
    return `${cmd} ${CommandError.outcome(f)}${tail ? `: ${tail}` : ''}`;
  }

  /** How the command ended, without its argv or output: `exited with code 1`, `timed out`, … */
  static outcome(f: Pick<CommandFailure, 'exitCode' | 'signal' | 'timedOut'>): string {
    return f.timedOut
      ? 'timed out'
      : f.exitCode !== null
        ? `exited with code ${f.exitCode}`
        : f.signal
          ? `was killed by ${f.signal}`
          : 'could not be started';
  }
}

/** The last `n` lines of `text` on one line (` | ` between them), at most 2000 characters. */
export function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ').slice(0, 2000);
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
