/**
 * The Catalog page against a faked server: the app cards (and the entries that cannot be used), an app's README read as text (no HTML of it ever
 * runs), what it needs and how its volumes are backed up, install (check, then install and apply), and the
 * Upgrade button only for compartments that run another version — which checks and applies with `upgrade`.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CatalogAppDetail, CreateResult } from '../api/types';
import { makeQueryClient } from '../app/App';
import { changes, fakeApi, viewerSession } from '../test-support/fake-api';
import { CatalogPage } from './Catalog';

const APP: CatalogAppDetail = {
  name: 'gitea',
  title: 'Gitea',
  version: '1.22.3',
  category: 'development',
  description: 'A self-hosted Git service.',
  parameters: [
    { name: 'http_port', default: '3000', pattern: '[0-9]{2,5}', description: 'The web port on the host' },
    { name: 'db_password', generate: 'password', secret: 'gitea-db' },
  ],
  units: ['gitea.container', 'gitea-db.container'],
  backup: { 'gitea-data': 'files', 'gitea-db': 'stop', cache: 'skip' },
  requires: ['a free TCP port for the web page'],
  installed: [
    { compartment: 'git-old', version: '1.21.0' },
    { compartment: 'git-now', version: '1.22.3' },
    { compartment: 'git-unknown', version: null },
  ],
  readme:
    '# Gitea\n\nRun **Gitea** with `postgres`.\n\n<script>window.pwned = 1</script>\n\n- [docs](https://docs.gitea.com)\n- [bad](javascript:alert(1))\n\n```\npodman ps\n```\n',
  yaml: 'template: 1\nname: gitea\n',
};

const OTHER = { ...APP, name: 'whoami', title: 'Whoami', category: 'tools', installed: [] };

const result = (compartment: string, apply: boolean): CreateResult => ({
  compartment,
  created: compartment === 'git-new',
  spec: { units: { 'gitea.container': {}, 'gitea-db.container': {} } },
  values: [
    { name: 'http_port', value: '3000', source: 'default' },
    { name: 'db_password', value: '', source: 'generated', secret: 'gitea-db' },
  ],
  secrets: { made: [], kept: apply && compartment !== 'git-new' ? ['gitea-db'] : [] },
  lint: [],
  lintErrors: 0,
  ...(compartment !== 'git-new'
    ? {
        plan: {
          changes: [{ path: 'gitea.container', kind: 'changed', diff: '-Image=gitea:1.21.0\n+Image=gitea:1.22.3' }],
          unchanged: [],
          units: { start: [], restart: ['gitea.service'], stop: [] },
          reload: true,
          noop: false,
        },
      }
    : {}),
  ...(apply
    ? {
        apply: {
          outcome: 'applied',
          revision: 4,
          message: '',
          plan: { changes: [], unchanged: [], units: { start: [], restart: [], stop: [] }, reload: true, noop: false },
          diagnostics: [],
          dryRun: [],
          units: [],
        },
      }
    : {}),
});

function serve(session?: unknown) {
  return fakeApi((c) => {
    if (c.path === '/api/catalog') {
      const strip = ({ readme: _r, yaml: _y, ...a }: CatalogAppDetail) => a;
      return [
        200,
        {
          apps: [strip(APP), strip(OTHER)],
          problems: { broken: 'catalog/broken/template.yaml: spec.units: must be a mapping' },
        },
      ];
    }
    if (c.path === '/api/catalog/gitea') return [200, APP];
    if (c.path === '/api/catalog/gitea/install') {
      const b = c.body as { compartment: string; apply?: boolean };
      return [200, result(b.compartment, !!b.apply)];
    }
    return undefined;
  }, session);
}

function start(path: string) {
  return render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/catalog/*" element={<CatalogPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('catalog', () => {
  it('shows an app card per app: title, category, version, description, installed count', async () => {
    serve();
    start('/catalog');
    const cards = within(await screen.findByRole('list', { name: 'Apps' })).getAllByRole('listitem');
    expect(cards.map((c) => c.textContent)).toEqual([
      'Giteaversion 1.22.3developmentA self-hosted Git service.Installed in 3 compartment(s)',
      'Whoamiversion 1.22.3toolsA self-hosted Git service.Not installed.',
    ]);
    expect(within(cards[0]!).getByRole('link', { name: 'Gitea' }).getAttribute('href')).toBe('/catalog/gitea');
    const broken = screen.getByRole('region', { name: 'Entries that cannot be used' });
    expect(broken.textContent).toContain('broken: catalog/broken/template.yaml: spec.units: must be a mapping');
  });

  it('reads the README as text: headings, code, lists and http links, never its HTML', async () => {
    serve();
    start('/catalog/gitea');
    const readme = await screen.findByTestId('markdown');
    expect(within(readme).getByRole('heading', { name: 'Gitea' })).toBeTruthy();
    expect(readme.querySelector('strong')?.textContent).toBe('Gitea');
    expect(readme.querySelector('code')?.textContent).toBe('postgres');
    expect(readme.textContent).toContain('<script>window.pwned = 1</script>');
    expect(readme.querySelector('script')).toBeNull();
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
    const links = within(readme).getAllByRole('link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://docs.gitea.com']);
    expect(links[0]!.getAttribute('rel')).toBe('noopener noreferrer');
    expect(readme.textContent).toContain('bad (javascript:alert(1))');
    expect(readme.querySelector('pre')?.textContent).toBe('podman ps');
    expect(screen.getByText('a free TCP port for the web page')).toBeTruthy();
    expect(screen.getByText('copied with the app stopped')).toBeTruthy();
    expect(screen.getByText('gitea-db.container')).toBeTruthy();
  });

  it('offers an upgrade only to compartments running another version', async () => {
    serve();
    start('/catalog/gitea');
    const installed = await screen.findByRole('list', { name: 'Installed in' });
    const buttons = within(installed)
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(buttons).toEqual(['Upgrade git-old to 1.22.3', 'Upgrade git-unknown to 1.22.3']);
    const now = within(installed).getByRole('link', { name: 'git-now' }).closest('li')!;
    expect(now.textContent).toContain('current');
  });

  it('offers a viewer no upgrade and no install', async () => {
    serve(viewerSession);
    start('/catalog/gitea');
    const installed = await screen.findByRole('list', { name: 'Installed in' });
    expect(within(installed).queryAllByRole('button')).toEqual([]);
    expect(screen.getByText('Installing an app needs an administrator.')).toBeTruthy();
  });

  it('upgrades a compartment: check (with upgrade, values kept), then apply', async () => {
    const calls = serve();
    start('/catalog/gitea');
    fireEvent.click(await screen.findByRole('button', { name: 'Upgrade git-old to 1.22.3' }));
    const card = screen.getByRole('heading', { name: 'Upgrade git-old to 1.22.3' }).closest('section')!;
    const id = within(card).getByLabelText(/^Compartment name/) as HTMLInputElement;
    expect(id.value).toBe('git-old');
    expect(id.readOnly).toBe(true);
    expect(card.textContent).toContain('Left empty: the value used before is kept.');
    fireEvent.click(within(card).getByRole('button', { name: 'Check' }));
    const check = await within(card).findByTestId('check-result');
    expect(check.textContent).toContain('The compartment git-old exists; this is what would change.');
    expect(check.textContent).toContain('+Image=gitea:1.22.3');
    fireEvent.click(within(card).getByRole('button', { name: 'Upgrade and apply git-old' }));
    expect(await within(card).findByText('Applied as revision 4.')).toBeTruthy();
    expect(within(card).queryByTestId('generated-secrets')).toBeNull();
    expect(changes(calls).map((c) => c.body)).toEqual([
      { compartment: 'git-old', values: {}, upgrade: true },
      { compartment: 'git-old', values: {}, apply: true, upgrade: true },
    ]);
  });

  it('installs: check, then install and apply, into a new compartment', async () => {
    const calls = serve();
    start('/catalog/gitea');
    const card = (await screen.findByRole('heading', { name: 'Install Gitea' })).closest('section')!;
    fireEvent.change(within(card).getByLabelText(/^Compartment name/), { target: { value: 'git-new' } });
    fireEvent.change(within(card).getByLabelText(/^http_port/), { target: { value: 'web' } });
    expect(card.textContent).toContain('Does not match the pattern [0-9]{2,5}.');
    fireEvent.change(within(card).getByLabelText(/^http_port/), { target: { value: '3001' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Check' }));
    expect((await within(card).findByTestId('check-result')).textContent).toContain(
      'The compartment git-new would be created.',
    );
    fireEvent.click(within(card).getByRole('button', { name: 'Install and apply git-new' }));
    expect(await within(card).findByText('Applied as revision 4.')).toBeTruthy();
    expect(changes(calls).map((c) => c.body)).toEqual([
      { compartment: 'git-new', values: { http_port: '3001' } },
      { compartment: 'git-new', values: { http_port: '3001' }, apply: true },
    ]);
  });
});
