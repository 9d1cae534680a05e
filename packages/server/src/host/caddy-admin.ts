/**
 * quadletman's Caddy, seen from the server: its admin API on a Unix socket (load the whole configuration, read
 * the running one, read the internal CA's root certificate) and requests through the edge the way a browser
 * makes them (the route's host name over TLS, trusting that root).
 * Changes on the machine: the configuration Caddy runs (through its admin API); nothing else.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ProbeResult } from '../core/apply/ports.js';

export class EdgeUnreachableError extends Error {
  override readonly name = 'EdgeUnreachableError';
}

/** One admin API call: JSON in, JSON (or nothing) out. Caddy takes only an empty Host on a Unix socket. */
function admin(socket: string, method: string, path: string, body?: unknown, timeoutMs = 15_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = httpRequest(
      {
        socketPath: socket,
        method,
        path,
        setHost: false,
        headers: {
          Host: '',
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 400) {
            let why = text.trim();
            try {
              why = String((JSON.parse(text) as { error?: string }).error ?? why);
            } catch {}
            reject(new Error(`Caddy's admin API refused ${method} ${path} (HTTP ${res.statusCode}): ${why}`));
            return;
          }
          try {
            resolve(text.trim() === '' ? undefined : JSON.parse(text));
          } catch {
            resolve(text);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`Caddy's admin API did not answer within ${timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'EACCES') {
        reject(new EdgeUnreachableError(`the edge (Caddy) is not reachable on ${socket}: ${e.code}`));
      } else reject(e);
    });
    req.end(payload);
  });
}

export class CaddyAdmin {
  constructor(readonly socket: string) {}

  /** Replaces Caddy's whole configuration; resolves when Caddy runs the new one. */
  async load(config: unknown): Promise<void> {
    await admin(this.socket, 'POST', '/load', config, 60_000);
  }

  /** The configuration Caddy runs (null when it runs none). */
  async config(): Promise<unknown> {
    return (await admin(this.socket, 'GET', '/config/')) ?? null;
  }

  /** The internal CA's root certificate (PEM), or undefined when Caddy has not made its CA yet. */
  async rootCertificate(): Promise<string | undefined> {
    try {
      const ca = (await admin(this.socket, 'GET', '/pki/ca/local')) as { root_certificate?: string } | undefined;
      return ca?.root_certificate || undefined;
    } catch (e) {
      if (e instanceof EdgeUnreachableError) throw e;
      return undefined;
    }
  }
}

/** A GET through the edge as a browser makes it: `https://host:port/path`, to 127.0.0.1, with SNI and Host set to
 * the route's host, trusting `ca`. ok when the app answered: any status but the 502/503/504 Caddy gives when its
 * upstream does not answer. */
export function requestThroughEdge(
  route: { host: string; path: string },
  httpsPort: number,
  ca: string | undefined,
  timeoutMs = 5000,
): Promise<ProbeResult & { status?: number; certificate?: { issuer: string; validTo: string } }> {
  return new Promise((resolve) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: httpsPort,
        servername: route.host,
        path: route.path,
        method: 'GET',
        headers: { Host: httpsPort === 443 ? route.host : `${route.host}:${httpsPort}` },
        ...(ca ? { ca } : {}),
        timeout: timeoutMs,
        agent: false,
      },
      (res) => {
        const cert =
          res.socket && 'getPeerCertificate' in res.socket
            ? (res.socket as import('node:tls').TLSSocket).getPeerCertificate()
            : undefined;
        res.resume();
        const status = res.statusCode ?? 0;
        const upstreamDown = status === 502 || status === 503 || status === 504;
        resolve({
          ok: !upstreamDown,
          detail: `HTTP ${status}${upstreamDown ? ' from the edge: the app did not answer' : ''}`,
          status,
          ...(cert?.issuer
            ? { certificate: { issuer: String(cert.issuer.CN ?? cert.issuer.O ?? ''), validTo: cert.valid_to } }
            : {}),
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ ok: false, detail: e.message }));
    req.end();
  });
}
