/**
 * The API client: the server's error shape, "not available" for routes the server lacks, the CSRF header,
 * the 401 hook, paths and queries as the server reads them, and the apply stream's SSE framing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseSse } from './apply';
import { ApiError, api, data, setCsrfToken, setUnauthorizedHandler, url } from './client';

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
    const e = await api.GET('/api/compartments').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('conflict');
    expect((e as ApiError).unavailable).toBe(false);
  });

  it("calls a route Fastify does not have 'not available'", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(404, { error: { code: 'not_found', message: 'Route GET:/api/audit/verify not found' } })),
    );
    const e = (await api.GET('/api/audit/verify').catch((x: unknown) => x)) as ApiError;
    expect(e.unavailable).toBe(true);
  });

  it('keeps a real 404 (a missing compartment) an error', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(404, { error: { code: 'not_found', message: 'No compartment x' } })),
    );
    const e = (await api
      .GET('/api/compartments/{id}', { params: { path: { id: 'x' } } })
      .catch((x: unknown) => x)) as ApiError;
    expect(e.unavailable).toBe(false);
    expect(e.message).toBe('No compartment x');
  });

  it('sends the CSRF token on changes only', async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => json(200, {}));
    vi.stubGlobal('fetch', fetch);
    setCsrfToken('tok');
    await api.GET('/api/compartments');
    await api.POST('/api/compartments', { body: { id: 'x' } });
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
    await api.GET('/api/compartments').catch(() => {});
    expect(hook).toHaveBeenCalledTimes(1);
    await api.GET('/api/auth/session').catch(() => {});
    await api.POST('/api/auth/login', { body: { username: 'a', password: 'b' } }).catch(() => {});
    expect(hook).toHaveBeenCalledTimes(1);
  });
});

describe('calls', () => {
  it('fills path parameters (a file path keeps its slashes), leaves empty query values out, sends JSON, gives the answer', async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) =>
      json(200, { content: 'x', mode: 420, in: 'files' }),
    );
    vi.stubGlobal('fetch', fetch);
    const file = await data(
      api.GET('/api/compartments/{id}/files/{*}', { params: { path: { id: 'web', '*': 'conf d/a b.conf' } } }),
    );
    expect(file).toEqual({ content: 'x', mode: 420, in: 'files' });
    expect(fetch.mock.calls[0]![0]).toBe('/api/compartments/web/files/conf%20d/a%20b.conf');
    await api.GET('/api/audit', { params: { query: { actor: 'ada', action: '', limit: 5 } } });
    expect(fetch.mock.calls[1]![0]).toBe('/api/audit?actor=ada&limit=5');
    await api.POST('/api/compartments/{id}/units/{action}', {
      params: { path: { id: 'a/b', action: 'stop' } },
      body: { units: ['web.service'] },
    });
    const [u, init] = fetch.mock.calls[2]!;
    expect(u).toBe('/api/compartments/a%2Fb/units/stop');
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"units":["web.service"]}' });
    expect(init!.headers).toMatchObject({ 'content-type': 'application/json', accept: 'application/json' });
  });

  it('answers nothing for a 204, and says "unreachable" when there is no server', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(null, { status: 204 })),
    );
    expect(await data(api.DELETE('/api/templates/{name}', { params: { path: { name: 'x' } } }))).toBeUndefined();
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('fetch failed');
      }),
    );
    const e = (await api.GET('/api/compartments').catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe('unreachable');
    expect(e.unavailable).toBe(true);
  });

  it('builds stream and link URLs from the same paths', () => {
    expect(url('/api/compartments/{id}/logs', { id: 'web' }, { unit: 'a', since: '', lines: 5 })).toBe(
      '/api/compartments/web/logs?unit=a&lines=5',
    );
    expect(url('/api/events', {}, { compartment: undefined })).toBe('/api/events');
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
