/**
 * `GET /api/compartments/:id/logs?unit=|units=a,b&since=&lines=&follow=1`: a compartment's journal as Server-Sent
 * Events.
 * Each line is a `message` whose data is a LogLine and whose id is its journal cursor (a reconnecting client
 * resumes after it with Last-Event-ID). Without `follow` the stream ends with `event: end`; with it, new lines
 * keep coming until the client disconnects (which stops journalctl). A failure after the stream started comes
 * as `event: error`.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isAppError } from '../../core/errors.js';
import type { LogFollow, LogLine, LogQuery } from '../../core/live/ports.js';
import { sseComment, sseFrame } from '../../core/live/sse.js';
import { messageFor } from '../errors.js';
import type { Guard } from '../types.js';
import { lastEventId, type OpenStreams, openSse } from './live-events.js';
import type { LiveRuntime } from './live-runtime.js';
import { IdParams, LogsQuery } from './live-schemas.js';

const frame = (l: LogLine) => sseFrame({ id: l.cursor, data: l });

export async function logsRoutes(
  instance: FastifyInstance,
  rt: LiveRuntime,
  guard: Guard,
  streams: OpenStreams,
): Promise<void> {
  const r = instance.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/compartments/:id/logs',
    {
      schema: {
        tags: ['live'],
        summary: "Server-Sent Events: a compartment's journal (one unit or all), optionally followed",
        params: IdParams,
        querystring: LogsQuery,
      },
      preHandler: guard('viewer'),
    },
    async (req, reply) => {
      const id = rt.compartment(req.params.id);
      const { unit, units, since, lines } = req.query;
      const follow = req.query.follow === '1' || req.query.follow === 'true';
      const q: LogQuery = { lines };
      const asUnit = (u: string) => (/\.[a-z]+$/.test(u) ? u : `${u}.service`);
      if (unit !== undefined) q.unit = asUnit(unit);
      else if (units !== undefined && units.length > 0) q.units = units.map(asUnit);
      if (since !== undefined) q.since = since;
      const after = lastEventId(req);
      if (after !== undefined && /^[A-Za-z0-9=;_.-]+$/.test(after)) q.afterCursor = after;

      let f: LogFollow | undefined;
      let heartbeat: NodeJS.Timeout | undefined;
      const out = openSse(req, reply, streams, () => {
        if (heartbeat) clearInterval(heartbeat);
        void f?.stop();
      });
      out.write(`retry: 2000\n${sseComment('connected')}`);
      const fail = (err: unknown) => {
        const code = isAppError(err) ? err.code : 'internal';
        const message = messageFor(err, req).slice(0, 500);
        req.log.warn({ err }, 'logs stream failed');
        out.write(sseFrame({ event: 'error', data: { code, message } }));
        out.close();
      };
      if (!follow) {
        rt.logs.read(id, q).then((all) => {
          for (const l of all) out.write(frame(l));
          out.write(sseFrame({ event: 'end', data: { lines: all.length } }));
          out.close();
        }, fail);
        return reply;
      }
      f = rt.logs.follow(id, q);
      heartbeat = setInterval(() => out.write(sseComment('ping')), rt.heartbeatMs ?? 15_000);
      heartbeat.unref();
      const stream = f;
      void (async () => {
        try {
          for await (const l of stream.lines) {
            if (out.closed) break;
            out.write(frame(l));
          }
          if (!out.closed) {
            out.write(sseFrame({ event: 'end', data: { reason: 'the journal stream ended' } }));
            out.close();
          }
        } catch (err) {
          if (!out.closed) fail(err);
        }
      })();
      return reply;
    },
  );
}
