/**
 * One JSON shape for every API error — `{ "error": { "code", "message", "details"? } }` — the one mapping of
 * error codes to HTTP statuses, and what a caller may see of an error: a failed host command's argv, output
 * and exit details only with the global admin role (everyone else learns that a host command failed and how
 * it ended). Validation details (which field is wrong) are for everyone.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type AppError, CommandError, type ErrorCode, isAppError } from '../core/errors.js';
import { allows } from './auth/hooks.js';

export const STATUS_OF: Record<ErrorCode | 'unauthorized' | 'rate_limited' | 'too_large', number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  command_failed: 502,
};

export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export function errorBody(code: string, message: string, details?: Record<string, unknown>): ApiErrorBody {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

/** The body of `err` as the principal of `req` may see it (see the header). */
export function appErrorBody(err: AppError, req: FastifyRequest): ApiErrorBody {
  if (err.code === 'command_failed' && !allows(req, 'admin')) {
    const how = err instanceof CommandError ? CommandError.outcome(err) : 'failed';
    return errorBody(err.code, `A host command ${how}; an administrator can see which one and its output.`);
  }
  return errorBody(err.code, err.message, err.details as Record<string, unknown> | undefined);
}

/** The message of any error thrown at a stream, as the principal of `req` may see it. */
export function messageFor(err: unknown, req: FastifyRequest): string {
  if (isAppError(err)) return appErrorBody(err, req).error.message;
  return err instanceof Error ? err.message : String(err);
}

export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  if (isAppError(err)) {
    const status = STATUS_OF[err.code as keyof typeof STATUS_OF] ?? 500;
    if (status >= 500) req.log.error({ err }, err.message);
    void reply.status(status).send(appErrorBody(err, req));
    return;
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    void reply.status(400).send(errorBody('invalid', fe.message, { validation: fe.validation }));
    return;
  }
  if (fe.statusCode === 413) {
    const message = fe.code === 'too_large' ? fe.message : 'The request body is too large.';
    void reply.status(413).send(errorBody('too_large', message));
    return;
  }
  if (fe.statusCode === 429) {
    void reply.status(429).send(errorBody('rate_limited', fe.message));
    return;
  }
  if (fe.statusCode && fe.statusCode < 500) {
    void reply.status(fe.statusCode).send(errorBody(fe.code ?? 'invalid', fe.message));
    return;
  }
  req.log.error({ err }, 'unhandled error');
  void reply.status(500).send(errorBody('internal', 'Internal error; the server log has the details.'));
}
