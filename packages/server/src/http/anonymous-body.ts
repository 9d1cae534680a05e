/**
 * Anonymous requests carry small bodies. A request without a valid session or API token (login, first-run
 * setup, or one the guard is about to refuse) announcing a body larger than ANONYMOUS_BODY_LIMIT is refused
 * with 413 before a byte of the body is read, and a chunked anonymous body is cut off when it grows past the
 * limit, before any content-type parser sees it. Either answer closes the connection, so the rest of the body
 * is never read either. Authenticated requests keep their routes' limits (16 MiB for a bundle import).
 *
 * Installed right after the auth hook (auth/hooks.ts), whose onRequest sets `req.principal`.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Login and setup bodies are well under 4 KiB. */
export const ANONYMOUS_BODY_LIMIT = 64 * 1024;

export class AnonymousBodyTooLargeError extends Error {
  override readonly name = 'AnonymousBodyTooLargeError';
  readonly statusCode = 413;
  readonly code = 'too_large';
  constructor(limit: number) {
    super(`Log in first: a request without a session or API token may carry at most ${limit / 1024} KiB.`);
  }
}

/** Passes bytes through until more than `limit` went by, then fails with AnonymousBodyTooLargeError. */
class CappedBody extends Transform {
  /** Read by Fastify's body reader (the bytes taken from the socket). */
  receivedEncodedLength = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.receivedEncodedLength += chunk.length;
    if (this.receivedEncodedLength > this.limit) done(new AnonymousBodyTooLargeError(this.limit));
    else done(null, chunk);
  }
}

const refuse = (reply: FastifyReply, limit: number): AnonymousBodyTooLargeError => {
  // Node closes the connection after this answer instead of reading (and discarding) the rest of the body.
  void reply.header('connection', 'close');
  return new AnonymousBodyTooLargeError(limit);
};

export function installAnonymousBodyLimit(server: FastifyInstance, limit = ANONYMOUS_BODY_LIMIT): void {
  server.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.principal) return;
    if (Number(req.headers['content-length']) > limit) throw refuse(reply, limit);
  });

  server.addHook('preParsing', async (req, reply, payload) => {
    // A Content-Length at or below the limit is exact (node's parser reads no more than it says).
    if (req.principal || req.headers['content-length'] !== undefined) return payload;
    const capped = new CappedBody(limit);
    capped.once('error', () => {
      payload.unpipe(capped);
      refuse(reply, limit);
    });
    return payload.pipe(capped);
  });
}
