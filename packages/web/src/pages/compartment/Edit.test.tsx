/**
 * The edit tab's podman command panel against a faked server: it asks POST …/explain for the unit with the whole
 * set it is applied with (the last applied files, the compartment's default network among them, and the
 * drafts), and shows the command lines, the generator's refusal, or that it could not ask.
 */
import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderTab } from '../../test-support/compartment-tab';
import { EditTab } from './Edit';

const WEB = '[Container]\nImage=busybox\nNetwork=blog.network\n';
const Q = '.config/containers/systemd';

function serve(explain: (body: unknown) => Response, lintPodmanVersion: string | null = null) {
  const calls: { path: string; body: unknown }[] = [];
  const json = (status: number, b: unknown) =>
    new Response(JSON.stringify(b), { status, headers: { 'content-type': 'application/json' } });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const path = url.split('?')[0]!;
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ path, body });
      if (path === '/api/auth/session')
        return json(200, { username: 'op', kind: 'session', grants: [{ compartment: '*', role: 'operator' }] });
      if (path === '/api/compartments/blog/spec')
        return json(200, { spec: { compartment: 'blog', units: { 'web.container': { text: WEB } } }, yaml: '' });
      if (path === '/api/compartments/blog/revisions')
        return json(200, { revisions: [{ number: 1, result: 'applied' }] });
      if (path === '/api/compartments/blog/revisions/1')
        return json(200, {
          number: 1,
          result: 'applied',
          spec: null,
          diff: '',
          files: {
            [`${Q}/web.container`]: { text: WEB, mode: 0o644 },
            [`${Q}/blog.network`]: { text: '[Network]\n', mode: 0o644 },
            '.config/systemd/user/backup.timer': { text: '[Timer]\n', mode: 0o644 },
          },
        });
      if (path === '/api/compartments/blog/explain') return explain(body);
      if (path === '/api/compartments/blog')
        return json(200, {
          id: 'blog',
          description: '',
          podmanVersion: null,
          createdAt: '2026-01-01T00:00:00Z',
          updatedAt: '2026-01-01T00:00:00Z',
          units: [],
          history: [],
          lintPodmanVersion,
        });
      return json(404, { error: { code: 'not_found', message: `Route GET:${path} not found` } });
    }),
  );
  return calls;
}

const start = (drafts: Record<string, string | null> = {}) => renderTab('blog', drafts, <EditTab id="blog" />);

const ok = (body: unknown) =>
  new Response(
    JSON.stringify({
      unit: (body as { unit: string }).unit,
      ok: true,
      reason: null,
      service: 'web.service',
      commands: [
        { key: 'ExecStart', value: '/usr/bin/podman run --name systemd-web --network systemd-blog busybox' },
        { key: 'ExecStop', value: '/usr/bin/podman rm -v -f -i systemd-web' },
      ],
    }),
    { status: 200, headers: { 'content-type': 'application/json' } },
  );

afterEach(() => {
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe('the podman command panel', () => {
  it('shows the command lines the generator makes of the unit, asked with the whole applied set', async () => {
    const calls = serve(ok);
    start();
    const panel = await screen.findByTestId('explain');
    await within(panel).findByText(/ExecStart=\/usr\/bin\/podman run --name systemd-web/);
    expect(within(panel).getByText(/ExecStop=\/usr\/bin\/podman rm/)).toBeTruthy();
    const explains = calls.filter((c) => c.path === '/api/compartments/blog/explain');
    // never asked before the applied files were known (the network reference would not resolve)
    expect(explains.every((c) => 'blog.network' in (c.body as { files: object }).files)).toBe(true);
    const asked = explains.at(-1);
    // the default network comes from the applied files; files that are no Quadlet units stay out
    expect(asked?.body).toEqual({
      unit: 'web.container',
      files: { 'web.container': WEB, 'blog.network': '[Network]\n' },
    });
  });

  it('asks with the drafts in, and leaves out a unit the drafts remove', async () => {
    const draft = '[Container]\nImage=busybox:2\n';
    const calls = serve(ok);
    start({ 'web.container': draft, 'blog.network': null });
    await within(await screen.findByTestId('explain')).findByText(/ExecStart=/);
    const asked = calls.filter((c) => c.path === '/api/compartments/blog/explain').at(-1);
    expect(asked?.body).toEqual({ unit: 'web.container', files: { 'web.container': draft } });
  });

  it('says why when the generator makes no service of the unit', async () => {
    serve(
      (body) =>
        new Response(
          JSON.stringify({
            unit: (body as { unit: string }).unit,
            ok: false,
            reason: 'requested Quadlet source other.network was not found',
            service: null,
            commands: [],
          }),
          { status: 200, headers: { 'content-type': 'application/json' } },
        ),
    );
    start();
    const panel = await screen.findByTestId('explain');
    await within(panel).findByText(/makes no service of this unit: requested Quadlet source other\.network/);
  });

  it('says the command line is not available when the server cannot ask its generator', async () => {
    serve(
      () =>
        new Response(JSON.stringify({ error: { code: 'not_found', message: 'no Quadlet generator found' } }), {
          status: 404,
          headers: { 'content-type': 'application/json' },
        }),
    );
    start();
    const panel = await screen.findByTestId('explain');
    await within(panel).findByText(/not available/);
  });
});

describe('the version the editor lints against', () => {
  it("is the compartment's (the host's Podman): a key newer than it is flagged, and the editor says which", async () => {
    serve(ok, '5.4');
    start({ 'web.container': `${WEB}Memory=512m\n` });
    expect((await screen.findByTestId('lint-version')).textContent).toMatch(/Podman 5\.4/);
    expect((await screen.findAllByText(/'Memory' needs Podman 5\.5 or newer/)).length).toBeGreaterThan(0);
  });

  it('is the newest known when the server knows no version, and then the key passes', async () => {
    serve(ok, null);
    start({ 'web.container': `${WEB}Memory=512m\n` });
    expect((await screen.findByTestId('lint-version')).textContent).toMatch(/newest Podman/);
    expect(screen.queryByText(/'Memory' needs Podman/)).toBeNull();
  });
});

describe('new systemd units', () => {
  it('offers timers, sockets, services and targets beside the Quadlet types, each with its starter text', async () => {
    serve(ok);
    start();
    await screen.findByRole('button', { name: 'web.container' });
    const kind = screen.getByLabelText('Type') as HTMLSelectElement;
    const groups = [...kind.querySelectorAll('optgroup')].map((g) => [
      g.label,
      [...g.querySelectorAll('option')].map((o) => o.textContent),
    ]);
    expect(groups[1]).toEqual(['systemd units', ['.timer', '.socket', '.service', '.target']]);
    expect(groups[0]?.[0]).toBe('Quadlet units');
    fireEvent.change(screen.getByLabelText('New unit name'), { target: { value: 'nightly' } });
    fireEvent.change(kind, { target: { value: 'timer' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create unit' }));
    // the new timer is chosen, in its form, and the list says what it starts
    const item = await screen.findByRole('button', { name: /nightly\.timer/ });
    expect(item.getAttribute('aria-current')).toBe('true');
    expect(within(item).getByTestId('file-activates').textContent).toBe('starts nightly.service');
    expect(screen.getByTestId('guided-form')).toBeTruthy();
    expect((screen.getByLabelText('Starts') as HTMLSelectElement).value).toBe('nightly.service');
    fireEvent.change(screen.getByLabelText('Starts'), { target: { value: 'web.service' } });
    expect(within(item).getByTestId('file-activates').textContent).toBe('starts web.service');
    const drafts = JSON.parse(sessionStorage.getItem('quadletman.drafts.blog') ?? '{}');
    expect(drafts['nightly.timer']).toBe(
      '[Unit]\nDescription=nightly\n\n[Timer]\nOnCalendar=daily\nPersistent=true\nUnit=web.service\n\n[Install]\nWantedBy=timers.target\n',
    );

    fireEvent.change(screen.getByLabelText('New unit name'), { target: { value: 'web' } });
    fireEvent.change(kind, { target: { value: 'socket' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create unit' }));
    await screen.findByRole('button', { name: /web\.socket/ });
    // a socket activates a container's service: Podman hands the socket on
    expect((screen.getByLabelText('Activates') as HTMLSelectElement).value).toBe('web.service');
    expect(screen.getByRole('option', { name: 'web.service (from web.container)' })).toBeTruthy();
  });

  it("refuses the name of the compartment's own target", async () => {
    serve(ok);
    start();
    await screen.findByRole('button', { name: 'web.container' });
    fireEvent.change(screen.getByLabelText('New unit name'), { target: { value: 'blog' } });
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'target' } });
    expect(screen.getByText("That is the name of the compartment's own target.")).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Create unit' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('drafts', () => {
  it('say they are kept in this browser tab and not yet applied (not "unsaved"), and can be discarded', async () => {
    serve(ok);
    start({ 'web.container': `${WEB}Memory=512m\n`, 'db.container': '[Container]\nImage=postgres\n' });
    const note = await screen.findByTestId('drafts-note');
    expect(note.textContent).toMatch(/2 drafts kept in this browser tab, not yet applied/);
    expect(document.body.textContent).not.toMatch(/unsaved/i);
    const header = screen.getByRole('heading', { name: 'web.container' }).parentElement as HTMLElement;
    expect(within(header).getByText('Draft kept in this browser tab, not yet applied')).toBeTruthy();

    // one file's draft
    fireEvent.click(within(header).getByRole('button', { name: 'Discard this draft' }));
    expect(JSON.parse(sessionStorage.getItem('quadletman.drafts.blog') ?? '{}')).toEqual({
      'db.container': '[Container]\nImage=postgres\n',
    });
    expect(note.textContent).toMatch(/1 draft kept in this browser tab/);

    // all of them, after asking
    const confirm = vi.fn(() => true);
    vi.stubGlobal('confirm', confirm);
    fireEvent.click(within(note).getByRole('button', { name: 'Discard all drafts' }));
    expect(confirm).toHaveBeenCalledOnce();
    expect(sessionStorage.getItem('quadletman.drafts.blog')).toBeNull();
    expect(screen.queryByTestId('drafts-note')).toBeNull();
    expect(screen.queryByRole('button', { name: 'db.container' })).toBeNull();
  });
});
