/**
 * The HTTP client, typed from the server's own OpenAPI document (openapi.gen.ts, `npm run api:types`): calls go
 * through openapi-fetch, so a path, method, parameter or body the server does not have is a type error, and an
 * answer has the type the server declares. Around it, as before: JSON in and out, the server's one error shape
 * (`{error: {code, message, details?}}`) thrown as ApiError, the CSRF token on state-changing requests, and one
 * hook for "the session is gone" (401) so the app can send the user to the login page, keeping where they were.
 *
 *   const units = await data(api.GET('/api/compartments/{id}/units', { params: { path: { id } } }));
 *
 * A failed call throws (it never resolves with `error`); `data(...)` gives the answer.
 * Streams (SSE, the apply stream) and WebSockets cannot go through openapi-fetch: `url()` builds their URLs from
 * the same typed paths.
 */
import createClient from 'openapi-fetch';
import type { paths } from './openapi.gen';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The server has no such route (or is not reachable): the UI shows "not available", not a failure. */
  get unavailable(): boolean {
    return this.code === 'route_not_found' || this.code === 'unreachable' || this.status === 501;
  }
}

let csrfToken: string | undefined;
let onUnauthorized: (() => void) | undefined;

export const setCsrfToken = (token: string | undefined): void => {
  csrfToken = token;
};

export const getCsrfToken = (): string | undefined => csrfToken;

/** Called on every 401 except from the login and session routes themselves. */
export const setUnauthorizedHandler = (handler: (() => void) | undefined): void => {
  onUnauthorized = handler;
};

const SILENT_401 = ['/api/auth/login', '/api/auth/session', '/api/auth/setup'];

type Query = Record<string, string | number | boolean | undefined>;

/** `path?query`, leaving out empty values. */
export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

type ParamNames<P extends string> = P extends `${string}{${infer N}}${infer R}` ? N | ParamNames<R> : never;
export type PathParams<P extends string> = Record<ParamNames<P>, string | number>;

/** A path with its parameters filled in, each encoded; the wildcard `{*}` (a file path) keeps its slashes. */
export function fillPath(path: string, params: Record<string, unknown> = {}): string {
  return path.replace(/\{([^{}]+)\}/g, (match, name: string) => {
    const v = params[name];
    if (v === undefined || v === null) return match;
    return name === '*' ? String(v).split('/').map(encodeURIComponent).join('/') : encodeURIComponent(String(v));
  });
}

/** Routes the OpenAPI document leaves out: @fastify/websocket hides its routes (api/contract.test.ts checks that
 * the server has each). */
export const WEBSOCKET_PATHS = { terminal: '/api/compartments/{id}/containers/{name}/terminal' } as const;
type RoutePath = (keyof paths & string) | (typeof WEBSOCKET_PATHS)[keyof typeof WEBSOCKET_PATHS];

/** The URL of a route of the server (for an EventSource, a stream read with fetch, a WebSocket, a link). */
export function url<P extends RoutePath>(path: P, params: PathParams<P>, query?: Query): string {
  return withQuery(fillPath(path, params), query);
}

async function errorOf(res: Response, method: string, path: string): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const err = (body as { error?: unknown } | undefined)?.error;
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    const e = err as { code: string; message: string; details?: Record<string, unknown> };
    // Fastify's answer for a route it does not have.
    const missing = res.status === 404 && /^Route \w+:/.test(e.message);
    return new ApiError(res.status, missing ? 'route_not_found' : e.code, e.message, e.details);
  }
  if (res.status === 404) return new ApiError(404, 'route_not_found', `${method} ${path}`);
  // A development proxy with no server behind it answers 502/504 without a JSON body.
  if (res.status === 502 || res.status === 504) return new ApiError(res.status, 'unreachable', `${method} ${path}`);
  return new ApiError(res.status, 'internal', res.statusText || `HTTP ${res.status}`);
}

/** The ApiError of a failed response; a 401 (outside login and session checks) ends the session in the UI. */
export async function failure(res: Response, method: string, path: string): Promise<ApiError> {
  const err = await errorOf(res, method, path);
  if (res.status === 401 && !SILENT_401.includes(path)) onUnauthorized?.();
  return err;
}

/**
 * What openapi-fetch makes of a call, in place of a Request: the URL stays as written (relative, so it is
 * this origin's in the browser and the same string in tests), and `send` hands fetch a URL and an init.
 */
class Outgoing {
  readonly method: string;
  readonly headers: Headers;
  readonly body: BodyInit | null | undefined;
  readonly signal: AbortSignal | null | undefined;
  constructor(
    readonly url: string,
    init: RequestInit = {},
  ) {
    this.method = init.method ?? 'GET';
    this.headers = new Headers(init.headers);
    this.body = init.body;
    this.signal = init.signal;
  }
}

async function send(req: Outgoing): Promise<Response> {
  const headers = Object.fromEntries(req.headers);
  if (req.method !== 'GET' && req.method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers,
      credentials: 'same-origin',
      ...(req.body !== undefined && req.body !== null ? { body: req.body } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'unreachable', (e as Error).message);
  }
  if (!res.ok) throw await failure(res, req.method, req.url.split('?')[0]!);
  return res;
}

const client = createClient<paths>({
  Request: Outgoing as unknown as typeof Request,
  fetch: send as unknown as (input: Request) => Promise<Response>,
  headers: { accept: 'application/json' },
  pathSerializer: fillPath,
  querySerializer: (query) => withQuery('', query as Query).slice(1),
});

/** The API, typed from the server's OpenAPI document: `api.GET(path, init)`, `api.POST(path, { body })`, …. */
export const api = client;

/** The answer of a call (a call that failed has thrown its ApiError). */
export async function data<D>(call: Promise<{ data?: D }>): Promise<D> {
  return (await call).data as D;
}
