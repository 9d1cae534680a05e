/**
 * The thin HTTP client: JSON in and out, the server's one error shape (`{error: {code, message, details?}}`),
 * the CSRF token on state-changing requests, and one hook for "the session is gone" (401) so the app can send
 * the user to the login page, keeping where they were.
 */

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

  /** The server has no such route yet (or is not reachable): the UI shows "not available", not a failure. */
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

export interface RequestOptions {
  body?: unknown;
  /** A raw body (a file upload) sent as is. */
  raw?: Blob;
  signal?: AbortSignal;
  query?: Record<string, string | number | boolean | undefined>;
}

export function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
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

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.raw) {
    body = options.raw;
    headers['content-type'] = 'application/octet-stream';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const url = withQuery(path, options.query);
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'unreachable', (e as Error).message);
  }
  if (!res.ok) throw await failure(res, method, path);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('application/json')) return (await res.json()) as T;
  return (await res.text()) as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  del: <T>(path: string) => request<T>('DELETE', path),
};
