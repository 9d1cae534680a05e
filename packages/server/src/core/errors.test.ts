import { describe, expect, it } from 'vitest';
import {
  AppError,
  CommandError,
  ConflictError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
  UnauthorizedError,
} from './errors';

describe('error names', () => {
  // The bundles are minified without kept names, so each class must carry its name itself.
  it('every error class reports its own name, also through a subclass', () => {
    const failure = { argv: ['x'], exitCode: 1, signal: null, stdout: '', stderr: '', timedOut: false };
    const errors: [Error, string][] = [
      [new AppError('internal', 'm'), 'AppError'],
      [new NotFoundError('m'), 'NotFoundError'],
      [new InvalidError('m'), 'InvalidError'],
      [new ConflictError('m'), 'ConflictError'],
      [new UnauthorizedError('m'), 'UnauthorizedError'],
      [new ForbiddenError('m'), 'ForbiddenError'],
      [new CommandError(failure), 'CommandError'],
    ];
    for (const [e, name] of errors) {
      expect(e.name).toBe(name);
      expect(String(e)).toBe(`${name}: ${e.message}`);
    }
  });
});
