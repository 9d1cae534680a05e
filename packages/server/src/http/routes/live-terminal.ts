/**
 * `GET /api/compartments/:id/containers/:name/terminal` (WebSocket, operator): a shell in a running container.
 * Server → client: binary frames of terminal output; a text frame `{"type":"exit","exitCode":N}` when the shell
 * ends (the socket then closes). Client → server: binary frames (or `{"type":"input","data":"…"}`) are typed
 * into the terminal; `{"type":"resize","cols":C,"rows":R}` resizes it. Closing the socket kills the pty.
 * Cross-site WebSocket hijacking is refused: an Origin header must match the Host.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { inCompartment } from '../../core/audit-target.js';
import { ForbiddenError, isAppError } from '../../core/errors.js';
import type { TerminalSession } from '../../core/live/ports.js';
import { messageFor } from '../errors.js';
import type { Audit, Guard } from '../types.js';
import type { LiveRuntime } from './live-runtime.js';
import { TerminalMessage, TerminalParams, TerminalQuery } from './live-schemas.js';

/** The part of a `ws` WebSocket this module uses (the package has no bundled types here). */
export interface TerminalSocket {
  readonly readyState: number;
  readonly OPEN: number;
  send(data: string | Buffer, options?: { binary: boolean }): void;
  close(code?: number, reason?: string): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): void;
  on(event: 'close', listener: () => void): void;
}

const asText = (data: Buffer | ArrayBuffer | Buffer[]): string =>
  Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Buffer.from(data).toString('utf8');

/** True when the request has no Origin (not a browser) or one whose host is the request's Host. */
export function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export async function terminalRoutes(
  instance: FastifyInstance,
  rt: LiveRuntime,
  guard: Guard,
  audit: Audit,
): Promise<void> {
  const r = instance.withTypeProvider<ZodTypeProvider>();
  const originCheck = async (req: FastifyRequest) => {
    if (!sameOrigin(req)) throw new ForbiddenError('A terminal may only be opened from this server’s own pages.');
  };
  r.get(
    '/api/compartments/:id/containers/:name/terminal',
    {
      websocket: true,
      schema: {
        tags: ['live'],
        summary: 'WebSocket: an interactive shell (podman exec -it … sh) in a running container',
        params: TerminalParams,
        querystring: TerminalQuery,
      },
      preHandler: [guard('operator'), originCheck],
    },
    async (socket: TerminalSocket, req) => {
      const { id, name } = req.params;
      const target = inCompartment(id, 'container', name);
      let term: TerminalSession | undefined;
      let closed = false;
      socket.on('close', () => {
        closed = true;
        term?.kill();
      });
      // input and a resize that arrive while the pty starts are kept, not lost
      const pending: string[] = [];
      let pendingSize: { cols: number; rows: number } | undefined;
      socket.on('message', (data, isBinary) => {
        let text: string;
        if (isBinary) text = asText(data);
        else {
          let msg: unknown;
          try {
            msg = JSON.parse(asText(data));
          } catch {
            return;
          }
          const m = TerminalMessage.safeParse(msg);
          if (!m.success) return;
          if (m.data.type === 'resize') {
            const size = { cols: m.data.cols, rows: m.data.rows };
            if (term) term.resize(size);
            else pendingSize = size;
            return;
          }
          text = m.data.data;
        }
        if (term) term.write(text);
        else pending.push(text);
      });
      try {
        const cid = rt.compartment(id);
        term = await rt.terminal.open(cid, name, { cols: req.query.cols, rows: req.query.rows });
      } catch (err) {
        audit(req, {
          action: 'container.terminal',
          target,
          result: 'failed',
          details: { container: name, error: isAppError(err) ? err.code : 'internal' },
        });
        if (!closed) {
          const message = messageFor(err, req).slice(0, 300);
          socket.send(JSON.stringify({ type: 'error', message }));
          socket.close(1011, 'terminal failed');
        }
        return;
      }
      audit(req, { action: 'container.terminal', target, result: 'ok', details: { container: name } });
      if (closed) {
        term.kill();
        return;
      }
      const t = term;
      t.onData((d) => {
        if (socket.readyState === socket.OPEN) socket.send(Buffer.from(d, 'utf8'), { binary: true });
      });
      t.onExit(({ exitCode }) => {
        if (socket.readyState === socket.OPEN) {
          socket.send(JSON.stringify({ type: 'exit', exitCode }));
          socket.close(1000, 'shell ended');
        }
      });
      if (pendingSize) t.resize(pendingSize);
      for (const p of pending.splice(0)) t.write(p);
    },
  );
}
