/**
 * The Routes page against a faked server: a reachable edge with its routes (open links in a new tab, the
 * compartment linked, the target, the loopback port, the answer, the certificate), the root certificate and the
 * Caddyfile; an edge that is not reachable; an admin's settings (ACME with its e-mail and staging) saved, and
 * refused with the server's message; the web UI through the edge (proxy self) set, shown and removed; "Load
 * configuration now"; a viewer without the form or the button.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient } from '../app/App';
import { type Answer, type Call, changes, fakeApi, viewerSession } from '../test-support/fake-api';
import { RoutesPage } from './Routes';

const CADDYFILE = `{
\tadmin unix//run/quadletman-edge/admin.sock
}

photos.example.org {
\treverse_proxy 127.0.0.1:20000
}
`;

const route = (over: Record<string, unknown> = {}) => ({
  compartment: 'photos',
  host: 'photos.example.org',
  path: '/',
  to: 'web:8080',
  port: 20000,
  url: 'https://photos.example.org/',
  answer: 'HTTP 200',
  ok: true,
  certificate: { issuer: 'Caddy Local Authority - ECC Intermediate', validTo: '2026-12-11T08:00:00.000Z' },
  ...over,
});

const settings = {
  adminSocket: '/run/quadletman-edge/admin.sock',
  httpPort: 80,
  httpsPort: 443,
  tls: { mode: 'internal' },
};

const status = (over: Record<string, unknown> = {}) => ({
  settings,
  reachable: true,
  inSync: true,
  error: null,
  caddyfile: CADDYFILE,
  hasRootCertificate: true,
  routes: [
    route(),
    route({
      compartment: 'wiki',
      host: 'wiki.example.org',
      path: '/docs',
      to: 'app:3000',
      port: 20001,
      url: 'https://wiki.example.org/docs',
      answer: 'HTTP 502 (wiki: app.service is not running)',
      ok: false,
      certificate: null,
    }),
  ],
  ...over,
});

function serve(edge: unknown = status(), session?: unknown) {
  let current = edge as { settings: unknown };
  const route = (c: Call): Answer => {
    if (c.path === '/api/edge' && c.method === 'GET') return [200, current];
    if (c.path === '/api/edge/settings' && c.method === 'PUT') {
      const body = c.body as { httpPort: number; httpsPort: number };
      if (body.httpPort === body.httpsPort)
        return [400, { error: { code: 'invalid', message: 'The HTTP and HTTPS ports must differ (both are 80).' } }];
      if ((body as { self?: { host: string } | null }).self?.host === 'photos.example.org')
        return [400, { error: { code: 'invalid', message: 'photos routes photos.example.org: not for the UI.' } }];
      // self null removes the UI's route; absent keeps it
      const { self, ...rest } = body as { self?: unknown };
      const kept: Record<string, unknown> = { ...(current.settings as object), ...rest };
      if (self === null) delete kept.self;
      else if (self !== undefined) kept.self = self;
      const next = kept;
      current = { ...current, settings: next };
      return [200, next];
    }
    if (c.path === '/api/edge/sync' && c.method === 'POST') return [200, { outcome: 'loaded' }];
    return undefined;
  };
  return session ? fakeApi(route, session) : fakeApi(route);
}

const renderPage = () =>
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter>
        <RoutesPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );

afterEach(() => vi.unstubAllGlobals());

describe('routes page', () => {
  it('shows a reachable edge, its routes, the root certificate and the Caddyfile', async () => {
    serve();
    renderPage();
    expect((await screen.findByTestId('edge-state')).textContent).toBe('Reachable: runs the stored configuration');
    expect(screen.getByTestId('edge-ports').textContent).toBe('HTTP 80, HTTPS 443');
    expect(screen.getByTestId('edge-tls').textContent).toBe("Internal CA (the edge's own certificates)");
    // how routes are declared, with an example
    expect(screen.getByText('routes:', { selector: 'code' })).toBeTruthy();
    expect(screen.getByTestId('routes-example').textContent).toContain('to: "web:8080"');

    const table = screen.getByRole('table', { name: 'Routes' });
    const photos = within(table).getByText('https://photos.example.org/').closest('tr')!;
    const open = within(photos).getByRole('link', { name: 'open https://photos.example.org/ (in a new tab)' });
    expect(open.getAttribute('href')).toBe('https://photos.example.org/');
    expect(open.getAttribute('target')).toBe('_blank');
    expect(open.getAttribute('rel')).toContain('noopener');
    expect(within(photos).getByRole('link', { name: 'photos' }).getAttribute('href')).toBe('/c/photos');
    expect(within(photos).getByText('web:8080')).toBeTruthy();
    expect(photos.textContent).toContain('20000');
    expect(within(photos).getByText('ok')).toBeTruthy();
    expect(within(photos).getByText('HTTP 200')).toBeTruthy();
    expect(within(photos).getByText('Caddy Local Authority - ECC Intermediate')).toBeTruthy();
    expect(within(photos).getByText(/^valid until /)).toBeTruthy();

    const wiki = within(table).getByText('https://wiki.example.org/docs').closest('tr')!;
    expect(within(wiki).getByText('failed')).toBeTruthy();
    expect(within(wiki).getByText('HTTP 502 (wiki: app.service is not running)')).toBeTruthy();
    expect(within(wiki).getByText('none')).toBeTruthy();

    const download = screen.getByRole('link', { name: 'Download root certificate' });
    expect(download.getAttribute('href')).toBe('/api/edge/ca.crt');
    expect(screen.getByText(/as a certificate authority for websites/)).toBeTruthy();

    const caddyfile = screen.getByTestId('caddyfile');
    expect(caddyfile.textContent).toBe(CADDYFILE);
    expect(caddyfile.closest('details')!.open).toBe(false);
    expect(screen.getByText('Caddyfile', { selector: 'summary' })).toBeTruthy();
  });

  it('says when the edge is not reachable, and why', async () => {
    serve(
      status({
        reachable: false,
        inSync: false,
        error: 'connect ENOENT /run/quadletman-edge/admin.sock',
        caddyfile: '',
        hasRootCertificate: false,
        routes: [route({ answer: 'no answer: connect ECONNREFUSED 127.0.0.1:443', ok: false, certificate: null })],
      }),
    );
    renderPage();
    const state = await screen.findByTestId('edge-state');
    expect(within(state).getByText('Not reachable')).toBeTruthy();
    expect(within(state).getByRole('alert').textContent).toBe('connect ENOENT /run/quadletman-edge/admin.sock');
    expect(screen.getByText('no answer: connect ECONNREFUSED 127.0.0.1:443')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Download root certificate' })).toBeNull();
    expect(screen.queryByTestId('caddyfile')).toBeNull();
  });

  it('says when the edge runs another configuration, and lists no routes', async () => {
    serve(status({ inSync: false, routes: [] }));
    renderPage();
    expect((await screen.findByTestId('edge-state')).textContent).toBe('Reachable, but runs another configuration');
    expect(screen.getByText('No routes yet.')).toBeTruthy();
  });

  it('shows no root certificate with ACME', async () => {
    serve(status({ settings: { ...settings, tls: { mode: 'acme', email: 'ops@example.org', staging: true } } }));
    renderPage();
    expect((await screen.findByTestId('edge-tls')).textContent).toBe(
      "ACME (the CA's staging directory), e-mail ops@example.org",
    );
    expect(screen.queryByRole('link', { name: 'Download root certificate' })).toBeNull();
  });

  it("an admin's edge settings: a refusal shows the server's message, then ACME is saved", async () => {
    const calls = serve();
    renderPage();
    const form = await screen.findByRole('form', { name: 'Edge settings' });
    expect((within(form).getByLabelText('HTTP port') as HTMLInputElement).value).toBe('80');
    expect((within(form).getByLabelText('HTTPS port') as HTMLInputElement).value).toBe('443');
    expect((within(form).getByLabelText('Internal') as HTMLInputElement).checked).toBe(true);
    expect(within(form).queryByLabelText(/^E-mail/)).toBeNull();

    fireEvent.change(within(form).getByLabelText('HTTPS port'), { target: { value: '80' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));
    expect((await within(form).findByRole('alert')).textContent).toBe(
      'The HTTP and HTTPS ports must differ (both are 80).',
    );

    fireEvent.change(within(form).getByLabelText('HTTPS port'), { target: { value: '8443' } });
    fireEvent.click(within(form).getByLabelText('ACME'));
    fireEvent.change(within(form).getByLabelText(/^E-mail/), { target: { value: 'ops@example.org' } });
    fireEvent.click(within(form).getByLabelText(/staging directory/));
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));
    expect((await within(form).findByRole('status')).textContent).toBe('Saved, and the configuration loaded again.');
    expect(within(form).queryByRole('alert')).toBeNull();
    expect(changes(calls).map((c) => c.body)).toEqual([
      { httpPort: 80, httpsPort: 80, tls: { mode: 'internal' } },
      { httpPort: 80, httpsPort: 8443, tls: { mode: 'acme', email: 'ops@example.org', staging: true } },
    ]);
    // the edge is read again: the state shows the new settings
    await waitFor(() => expect(screen.getByTestId('edge-ports').textContent).toBe('HTTP 80, HTTPS 8443'));
    expect(screen.getByTestId('edge-tls').textContent).toBe(
      "ACME (the CA's staging directory), e-mail ops@example.org",
    );
  });

  it('an admin serves the web UI through the edge: host and port saved, the URL shown', async () => {
    const calls = serve();
    renderPage();
    const form = await screen.findByRole('form', { name: 'Edge settings' });
    expect(screen.queryByTestId('edge-self')).toBeNull();
    expect(within(form).getByRole('group', { name: 'The web UI through the edge' })).toBeTruthy();
    const enable = within(form).getByLabelText('Serve the web UI through the edge') as HTMLInputElement;
    expect(enable.checked).toBe(false);
    expect(within(form).queryByLabelText('UI host name')).toBeNull();

    fireEvent.click(enable);
    expect((within(form).getByLabelText('UI port') as HTMLInputElement).value).toBe('8080');
    // a host a compartment routes: the server's message
    fireEvent.change(within(form).getByLabelText('UI host name'), { target: { value: 'photos.example.org' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));
    expect((await within(form).findByRole('alert')).textContent).toBe(
      'photos routes photos.example.org: not for the UI.',
    );

    fireEvent.change(within(form).getByLabelText('UI host name'), { target: { value: 'qm.example.org' } });
    fireEvent.change(within(form).getByLabelText('UI port'), { target: { value: '8081' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));
    expect((await within(form).findByRole('status')).textContent).toBe('Saved, and the configuration loaded again.');
    expect(changes(calls).map((c) => c.body)).toEqual([
      { httpPort: 80, httpsPort: 443, tls: { mode: 'internal' }, self: { host: 'photos.example.org', port: 8080 } },
      { httpPort: 80, httpsPort: 443, tls: { mode: 'internal' }, self: { host: 'qm.example.org', port: 8081 } },
    ]);
    const shown = await screen.findByTestId('edge-self');
    expect(within(shown).getByRole('link', { name: 'https://qm.example.org/' }).getAttribute('href')).toBe(
      'https://qm.example.org/',
    );
    expect(shown.textContent).toContain('--trust-proxy');
  });

  it('shows the UI URL with the HTTPS port, and unchecking removes the UI route (self null)', async () => {
    const calls = serve(
      status({ settings: { ...settings, httpsPort: 8443, self: { host: 'qm.example.org', port: 9000 } } }),
    );
    renderPage();
    const shown = await screen.findByTestId('edge-self');
    expect(within(shown).getByRole('link').textContent).toBe('https://qm.example.org:8443/');
    expect(shown.textContent).toContain('quadletman should run with --trust-proxy behind the edge.');

    const form = screen.getByRole('form', { name: 'Edge settings' });
    const enable = within(form).getByLabelText('Serve the web UI through the edge') as HTMLInputElement;
    expect(enable.checked).toBe(true);
    expect((within(form).getByLabelText('UI host name') as HTMLInputElement).value).toBe('qm.example.org');
    expect((within(form).getByLabelText('UI port') as HTMLInputElement).value).toBe('9000');

    fireEvent.click(enable);
    expect(within(form).queryByLabelText('UI host name')).toBeNull();
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));
    expect((await within(form).findByRole('status')).textContent).toBe('Saved, and the configuration loaded again.');
    expect(changes(calls).map((c) => c.body)).toEqual([
      { httpPort: 80, httpsPort: 8443, tls: { mode: 'internal' }, self: null },
    ]);
    await waitFor(() => expect(screen.queryByTestId('edge-self')).toBeNull());
  });

  it('an admin loads the configuration now and sees the outcome', async () => {
    const calls = serve(status({ inSync: false }));
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: 'Load configuration now' }));
    expect((await screen.findByTestId('sync-outcome')).textContent).toBe(
      'Loaded: the edge runs the stored configuration now.',
    );
    expect(changes(calls)).toEqual([{ method: 'POST', path: '/api/edge/sync' }]);
  });

  it('a viewer sees the routes without the settings form or the load button', async () => {
    const calls = serve(status({ caddyfile: '' }), viewerSession);
    renderPage();
    expect(await screen.findByRole('table', { name: 'Routes' })).toBeTruthy();
    expect(screen.queryByRole('form', { name: 'Edge settings' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Load configuration now' })).toBeNull();
    expect(screen.queryByTestId('caddyfile')).toBeNull();
    // "check again" reads the edge again, and changes nothing
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    await waitFor(() => expect(calls.filter((c) => c.path === '/api/edge').length).toBe(2));
    expect(changes(calls)).toEqual([]);
  });
});
