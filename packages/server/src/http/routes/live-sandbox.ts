/**
 * Test support for the live routes on a real host (the sandbox): shared by live.host.test.ts and
 * bench/event-latency.bench.ts. Creates a compartment running a busybox httpd container through the real
 * CompartmentService, and serves the live routes (real watchers, a guard that lets everyone through) on a
 * bare Fastify instance on 127.0.0.1. Changes on the machine: creates and deletes the compartment (its user,
 * units, containers) and the database in the data folder the caller gives (and removes).
 */
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { type AppContext, createApp } from '../../app.js';
import { type CompartmentId, parseCompartmentId } from '../../core/ids.js';
import { SseParser } from '../../core/live/sse.js';
import { importBusyboxImage } from '../../host/busybox-image.js';
import type { CompartmentSession } from '../../host/session.js';
import { errorHandler } from '../errors.js';
import type { AuditEntry, Guard } from '../types.js';
import { makeLiveRoutes } from './live.js';
import { createLiveRuntime, type LiveRuntime } from './live-runtime.js';

export interface LiveSandbox {
  app: AppContext;
  id: CompartmentId;
  session: CompartmentSession;
  rt: LiveRuntime;
  server: FastifyInstance;
  base: string;
  audits: AuditEntry[];
  /** The name podman gives the web container (Quadlet's systemd-<unit>). */
  container: string;
  close(): Promise<void>;
}

export const specText = (id: string, port: number) => `
compartment: ${id}
units:
  web.container:
    container:
      image: localhost/busybox:latest
      exec: [busybox, httpd, -f, -vv, -p, "8080", -h, /www]
      publishPort: ["127.0.0.1:${port}:8080"]
    service: { SuccessExitStatus: "143" }
probes:
  - { name: web, type: http, port: ${port}, path: /, expectStatus: 200, timeoutMs: 2000 }
`;

const allowAll: Guard = () => async () => undefined;

export async function startLiveSandbox(idText: string, port: number, dataDir: string): Promise<LiveSandbox> {
  const id = parseCompartmentId(idText);
  const app = createApp({
    dataDir,
    locksDir: path.join(dataDir, 'locks'),
    engine: { settleMs: 1_000, verifyTimeoutMs: 15_000 },
  });
  await app.host.users.delete(id).catch(() => undefined);
  await app.compartments.create({ id });
  const session = await app.host.users.sessionFor(id);
  await importBusyboxImage(app.host.exec, app.host.podman, session);
  const r = await app.compartments.applySpecText(specText(id, port), 'live sandbox', { actor: 'test', create: false });
  if (r.outcome !== 'applied') throw new Error(`apply: ${r.outcome}: ${r.message}`);
  const ps = await app.host.podman.ps(session);
  const container = ps.find((c) => c.unit === 'web.service')?.name;
  if (!container) throw new Error(`no container of web.service in ${JSON.stringify(ps.map((c) => c.name))}`);

  const rt = createLiveRuntime(app, { syncIntervalMs: 500, heartbeatMs: 5_000 });
  const audits: AuditEntry[] = [];
  const server = Fastify();
  server.setErrorHandler(errorHandler);
  server.addHook('onRequest', async (req) => {
    req.principal = { kind: 'session', username: 'test', address: req.ip };
  });
  await server.register(websocket);
  await server.register(async (i) =>
    makeLiveRoutes(rt)(i, { app, guard: allowAll, audit: (_req, e) => void audits.push(e) }),
  );
  await server.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  await waitWatchersRunning(rt, id);
  return {
    app,
    id,
    session,
    rt,
    server,
    base,
    audits,
    container,
    close: async () => {
      await server.close();
      await rt.close();
      await app.compartments.delete(id).catch(() => undefined);
      await app.host.users.delete(id).catch(() => undefined);
      app.close();
    },
  };
}

/**
 * Waits until the compartment's watching runs (the journal reader knows its UID, and a `podman events` of its
 * event file runs where it has one), then a moment for journalctl to start reading.
 */
export async function waitWatchersRunning(rt: LiveRuntime, id: CompartmentId, settleMs = 1_500): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const st = (rt.watchers?.status() ?? []).filter((s) => s.compartment === id);
    if (st.length >= 1 && st.every((s) => s.state === 'running')) break;
    if (Date.now() - t0 > 30_000) throw new Error(`watchers did not start: ${JSON.stringify(st)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, settleMs));
}

export interface SseMessage {
  event: string;
  id: string | undefined;
  data: string;
  /** performance.now() when it arrived. */
  at: number;
}

/** An SSE client over fetch: messages as they arrive, with their arrival time. */
export async function openSse(url: string, headers: Record<string, string> = {}) {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  if (!res.ok || !res.body) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  const messages: SseMessage[] = [];
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const at = performance.now();
        for (const m of parser.push(decoder.decode(value, { stream: true }))) messages.push({ ...m, at });
      }
    } catch {
      // aborted
    }
  })();
  return {
    messages,
    async waitFor(pred: (m: SseMessage) => boolean, ms: number): Promise<SseMessage> {
      const t0 = Date.now();
      for (;;) {
        const m = messages.find(pred);
        if (m) return m;
        if (Date.now() - t0 > ms) {
          throw new Error(`no matching event within ${ms} ms; got ${JSON.stringify(messages.map((x) => x.data))}`);
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    },
    async close() {
      ac.abort();
      await pump;
    },
  };
}
