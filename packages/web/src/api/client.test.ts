/**
 * The API client: the server's error shape, "not available" for routes the server lacks, the CSRF header,
 * the 401 hook, and the apply stream's SSE framing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseSse } from './apply';
import { ApiError, api, setCsrfToken, setUnauthorizedHandler } from './client';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthorizedHandler(undefined);
  setCsrfToken(undefined);
});

describe('request', () => {
  it('reads the error shape', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(409, { error: { code: 'conflict', message: 'busy' } })),
    );
    const e = await api.get('/api/x').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('conflict');
    expect((e as ApiError).unavailable).toBe(false);
  });

  it("calls a route Fastify does not have 'not available'", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(404, { error: { code: 'not_found', message: 'Route GET:/api/import not found' } })),
    );
    const e = (await api.get('/api/import').catch((x: unknown) => x)) as ApiError;
    expect(e.unavailable).toBe(true);
  });

  it('keeps a real 404 (a missing compartment) an error', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(404, { error: { code: 'not_found', message: 'No compartment x' } })),
    );
    const e = (await api.get('/api/compartments/x').catch((x: unknown) => x)) as ApiError;
    expect(e.unavailable).toBe(false);
    expect(e.message).toBe('No compartment x');
  });

  it('sends the CSRF token on changes only', async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => json(200, {}));
    vi.stubGlobal('fetch', fetch);
    setCsrfToken('tok');
    await api.get('/api/a');
    await api.post('/api/b', { x: 1 });
    const headers = (i: number) => fetch.mock.calls[i]![1]!.headers as Record<string, string>;
    expect(headers(0)['x-csrf-token']).toBeUndefined();
    expect(headers(1)['x-csrf-token']).toBe('tok');
  });

  it('calls the 401 hook, except for the login and session routes', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(401, { error: { code: 'unauthorized', message: 'no' } })),
    );
    const hook = vi.fn();
    setUnauthorizedHandler(hook);
    await api.get('/api/compartments').catch(() => {});
    expect(hook).toHaveBeenCalledTimes(1);
    await api.get('/api/auth/session').catch(() => {});
    await api.post('/api/auth/login', {}).catch(() => {});
    expect(hook).toHaveBeenCalledTimes(1);
  });
});

describe('parseSse', () => {
  it('splits events and keeps an unfinished one', () => {
    const { events, rest } = parseSse(
      ': apply\n\nevent: progress\ndata: {"step":"write"}\n\nevent: result\ndata: {"a":\ndata: 1}\n\nevent: prog',
    );
    expect(events).toEqual([
      { type: 'progress', data: '{"step":"write"}' },
      { type: 'result', data: '{"a":\n1}' },
    ]);
    expect(rest).toBe('event: prog');
  });
});
