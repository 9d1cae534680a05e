/**
 * `GET /api/events`: Server-Sent Events of container and unit state changes in every compartment the principal
 * may view (or one: `?compartment=`). Each event is a default `message` whose data is a LiveEvent and whose id
 * is `<epoch>-<seq>`; a client reconnecting with `Last-Event-ID` gets what it missed from the hub's ring
 * buffer, or an `event: reset` when it cannot (another server run, or too old: reload the state). A comment
 * every `heartbeatMs` keeps the connection alive; closing the connection ends the subscription.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ForbiddenError } from '../../core/errors.js';
import type { CompartmentId } from '../../core/ids.js';
import type { LiveFilter, LiveRecord } from '../../core/live/hub.js';
import { SSE_HEADERS, sseComment, sseFrame } from '../../core/live/sse.js';
import { errorBody } from '../errors.js';
import type { Guard } from '../types.js';
import { guardAllows, viewable } from './live-access.js';
import type { LiveRuntime } from './live-runtime.js';
import { EventsQuery } from './live-schemas.js';

/** A client that lets this much pile up unread is cut off; it reconnects with Last-Event-ID. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * The open streams of a server: ended when it closes (an open event stream would otherwise keep
 * `server.close()` waiting for its connection forever).
 */
export class OpenStreams {
  private readonly closers = new Set<() => void>();
  add(close: () => void): () => void {
    this.closers.add(close);
    return () => void this.closers.delete(close);
  }
  closeAll(): void {
    for (const c of [...this.closers]) c();
  }
  get size(): number {
    return this.closers.size;
  }
}

/**
 * Opens an SSE response on `reply` and returns a writer. `onClose` runs once when the client goes away or the
 * server ends the stream.
 */
export function openSse(req: FastifyRequest, reply: FastifyReply, streams: OpenStreams, onClose: () => void) {
  const stream = new PassThrough();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    forget();
    onClose();
    stream.end();
  };
  const forget = streams.add(close);
  req.raw.on('close', close);
  reply.raw.on('close', close);
  stream.on('error', close);
  void reply.headers(SSE_HEADERS).send(stream);
  return {
    /** Writes a frame; ends the stream when the client falls too far behind. */
    write(text: string): void {
      if (closed) return;
      stream.write(text);
      if (stream.writableLength + (reply.raw.writableLength ?? 0) > MAX_BUFFERED_BYTES) close();
    },
    close,
    get closed() {
      return closed;
    },
  };
}

export function lastEventId(req: FastifyRequest): string | undefined {
  const h = req.headers['last-event-id'];
  const v = Array.isArray(h) ? h[0] : h;
  return v && v.length <= 100 ? v : undefined;
}

export async function eventsRoutes(
  instance: FastifyInstance,
  rt: LiveRuntime,
  guard: Guard,
  streams: OpenStreams,
): Promise<void> {
  const r = instance.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/events',
    {
      schema: {
        tags: ['live'],
        summary: 'Server-Sent Events: container and unit state changes (all viewable compartments, or one)',
        querystring: EventsQuery,
      },
    },
    async (req, reply) => {
      if (!req.principal) return reply.status(401).send(errorBody('unauthorized', 'Log in first.'));
      const only = req.query.compartment;
      let filter: LiveFilter;
      if (only !== undefined) {
        if (!(await guardAllows(instance, guard, req, 'viewer', only))) {
          throw new ForbiddenError(`You may not view compartment '${only}'.`);
        }
        rt.compartment(only); // 404 when it does not exist
        filter = (e) => e.compartment === only;
      } else {
        const v = await viewable(instance, guard, req, rt.compartments());
        filter = v === 'all' ? () => true : (e) => v.has(e.compartment as CompartmentId);
      }
      let heartbeat: NodeJS.Timeout | undefined;
      let sub: { close(): void } | undefined;
      const out = openSse(req, reply, streams, () => {
        if (heartbeat) clearInterval(heartbeat);
        sub?.close();
      });
      const send = (rec: LiveRecord) => out.write(sseFrame({ id: rec.id, data: rec.event }));
      const s = rt.hub.subscribe(send, { filter, after: lastEventId(req) });
      sub = s;
      // the first bytes flush the headers: the client knows it is connected
      out.write(`retry: 2000\n${sseComment('connected')}`);
      if (s.gap) {
        const reason = 'events may have been missed since Last-Event-ID; reload the state';
        out.write(sseFrame({ event: 'reset', ...(rt.hub.lastId ? { id: rt.hub.lastId } : {}), data: { reason } }));
      }
      for (const rec of s.replay) send(rec);
      heartbeat = setInterval(() => out.write(sseComment('ping')), rt.heartbeatMs ?? 15_000);
      heartbeat.unref();
      if (out.closed) {
        clearInterval(heartbeat);
        s.close();
      }
      return reply;
    },
  );
}
