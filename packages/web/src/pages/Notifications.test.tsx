/**
 * The Notifications page against a faked server: the channel list (kind, scope, events, state, "secret set"),
 * adding a webhook, editing without retyping the secret, "Send test" with its outcome, and the delivery log.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient } from '../app/App';
import { NotificationsPage } from './Notifications';

const channel = (over: Record<string, unknown> = {}) => ({
  name: 'ops',
  kind: 'webhook',
  scope: '*',
  events: 'all',
  enabled: true,
  config: { url: 'https://hooks.example.test/q' },
  secretSet: true,
  createdAt: '2026-12-03T20:00:00.000Z',
  updatedAt: '2026-12-03T20:00:00.000Z',
  ...over,
});

function serve() {
  const channels: ReturnType<typeof channel>[] = [
    channel({
      name: 'pager',
      kind: 'ntfy',
      scope: 'shop',
      events: ['unit-failed'],
      enabled: false,
      secretSet: false,
      config: { url: 'https://ntfy.example.test/t', priority: 5 },
    }),
  ];
  const deliveries = [
    {
      id: 'd1',
      channel: 'pager',
      eventKind: 'unit-failed',
      compartment: 'shop',
      title: 'web.container failed',
      attempts: 3,
      status: 'failed',
      lastError: 'HTTP 503: busy (gave up after 3 attempts)',
      createdAt: '2026-12-03T20:01:00.000Z',
      updatedAt: '2026-12-03T20:05:00.000Z',
      nextAttemptAt: null,
    },
  ];
  const calls: { method: string; path: string; body?: unknown }[] = [];
  let testAnswer: unknown = { delivery: 'd9', status: 'delivered', attempts: 1, error: null };
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const path = url.split('?')[0]!;
      const method = init?.method ?? 'GET';
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method, path, body });
      const json = (status: number, b: unknown) =>
        new Response(JSON.stringify(b), { status, headers: { 'content-type': 'application/json' } });
      if (path === '/api/notifications/channels' && method === 'GET') return json(200, { channels });
      if (path === '/api/notifications/channels' && method === 'POST') {
        if (String(body.url).includes('@'))
          return json(400, { error: { code: 'invalid', message: 'url: must not carry a user name or password' } });
        const { secret: _s, name, kind, scope, events, enabled, url: u } = body;
        const c = channel({ name, kind, scope, events, enabled, config: { url: u }, secretSet: true });
        channels.push(c);
        return json(201, c);
      }
      const m = /^\/api\/notifications\/channels\/([a-z0-9-]+)(\/test)?$/.exec(path);
      if (m?.[2]) return json(200, testAnswer);
      if (m && method === 'PATCH') {
        const c = channels.find((x) => x.name === m[1])!;
        Object.assign(
          c,
          body.enabled !== undefined ? { enabled: body.enabled } : {},
          body.scope ? { scope: body.scope } : {},
        );
        return json(200, c);
      }
      if (path === '/api/notifications/deliveries') return json(200, { deliveries });
      return json(404, { error: { code: 'not_found', message: `Route ${method}:${path} not found` } });
    }),
  );
  return { calls, setTestAnswer: (a: unknown) => (testAnswer = a) };
}

const renderPage = () =>
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter>
        <NotificationsPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );

afterEach(() => vi.unstubAllGlobals());

describe('notifications page', () => {
  it('lists channels with kind, scope, events and state, and the delivery log', async () => {
    serve();
    renderPage();
    const row = await screen.findByTestId('channel-pager');
    expect(within(row).getByText('ntfy topic')).toBeTruthy();
    expect(within(row).getByText('disabled')).toBeTruthy();
    expect(within(row).getByText('shop')).toBeTruthy();
    expect(within(row).getByText(/a unit failed/)).toBeTruthy();
    expect(within(row).queryByText('secret set')).toBeNull();
    expect(within(row).getByRole('button', { name: 'Enable' })).toBeTruthy();
    const log = (await screen.findByText('HTTP 503: busy (gave up after 3 attempts)')).closest('tr')!;
    expect(within(log).getByText('failed')).toBeTruthy();
    expect(within(log).getByText('3')).toBeTruthy();
  });

  it('adds a webhook with its secret; the list shows "secret set"; a refusal shows the server’s message', async () => {
    const { calls } = serve();
    renderPage();
    await screen.findByTestId('channel-pager');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'ops' } });
    fireEvent.change(screen.getByLabelText('URL'), { target: { value: 'https://u:p@hooks.example.test/q' } });
    fireEvent.change(screen.getByLabelText('Signing secret'), { target: { value: 'a-long-enough-secret' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add channel' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/must not carry a user name or password/);

    fireEvent.change(screen.getByLabelText('URL'), { target: { value: 'https://hooks.example.test/q' } });
    fireEvent.click(screen.getByLabelText('All events (including kinds added later)'));
    fireEvent.click(screen.getByLabelText('an apply was refused'));
    fireEvent.click(screen.getByRole('button', { name: 'Add channel' }));
    const row = await screen.findByTestId('channel-ops');
    expect(within(row).getByText('secret set')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST').at(-1)!.body).toEqual({
      name: 'ops',
      kind: 'webhook',
      scope: '*',
      events: ['apply-refused'],
      enabled: true,
      url: 'https://hooks.example.test/q',
      secret: 'a-long-enough-secret',
    });
  });

  it('edits a channel without sending its secret again, and enables it', async () => {
    const { calls } = serve();
    renderPage();
    const row = await screen.findByTestId('channel-pager');
    fireEvent.click(within(row).getByRole('button', { name: 'Edit' }));
    expect(screen.getByRole('heading', { name: 'Edit pager' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Scope'), { target: { value: '*' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(patch.path).toBe('/api/notifications/channels/pager');
    expect(patch.body).toEqual({
      scope: '*',
      events: ['unit-failed'],
      enabled: false,
      url: 'https://ntfy.example.test/t',
      priority: 5,
    });
    fireEvent.click(within(await screen.findByTestId('channel-pager')).getByRole('button', { name: 'Enable' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH').at(-1)!.body).toEqual({ enabled: true }));
  });

  it('"Send test" shows the outcome: delivered, or the error', async () => {
    const { calls, setTestAnswer } = serve();
    renderPage();
    const row = await screen.findByTestId('channel-pager');
    fireEvent.click(within(row).getByRole('button', { name: 'Send test' }));
    expect((await within(row).findByRole('status')).textContent).toBe('Test delivered.');
    expect(calls.some((c) => c.method === 'POST' && c.path === '/api/notifications/channels/pager/test')).toBe(true);
    setTestAnswer({ delivery: 'd10', status: 'failed', attempts: 1, error: 'HTTP 404: no such topic' });
    fireEvent.click(within(row).getByRole('button', { name: 'Send test' }));
    await waitFor(() =>
      expect(within(row).getByRole('status').textContent).toBe('Test failed: HTTP 404: no such topic'),
    );
  });
});
