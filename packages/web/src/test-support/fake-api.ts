/**
 * A faked server for component tests: `fetch` answers from a route function, and every call is recorded
 * (method, path, JSON body). A route answers `[status, body]`, or undefined for "no such route" (404 as Fastify
 * says it).
 */
import { vi } from 'vitest';

export interface Call {
  method: string;
  path: string;
  body?: unknown;
}

export type Answer = [status: number, body?: unknown] | undefined;

export const adminSession = { username: 'ada', kind: 'session', grants: [{ compartment: '*', role: 'admin' }] };
export const viewerSession = { username: 'vic', kind: 'session', grants: [{ compartment: '*', role: 'viewer' }] };

/** `route` is given each call, and its URL's query (`new URLSearchParams`), for routes that read one. */
export function fakeApi(
  route: (call: Call, query: URLSearchParams) => Answer,
  session: unknown = adminSession,
): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const path = url.split('?')[0]!;
      const method = init?.method ?? 'GET';
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      const call: Call = { method, path, ...(body !== undefined ? { body } : {}) };
      calls.push(call);
      const json = (status: number, b?: unknown) =>
        b === undefined
          ? new Response(null, { status })
          : new Response(JSON.stringify(b), { status, headers: { 'content-type': 'application/json' } });
      if (path === '/api/auth/session') return json(200, session);
      const answer = route(call, new URLSearchParams(url.split('?')[1] ?? ''));
      if (!answer) return json(404, { error: { code: 'not_found', message: `Route ${method}:${path} not found` } });
      return json(answer[0], answer[1]);
    }),
  );
  return calls;
}

/** The calls that change something (not GET). */
export const changes = (calls: readonly Call[]) => calls.filter((c) => c.method !== 'GET');
