/**
 * Import, adopt and export against a faked server, on the routes the server has: a bundle file is checked
 * (POST …/import without apply: nothing changes), then created and applied; lint errors block the apply; adopt
 * checks a host folder, says what to do about the old units, then applies; export saves the `.quadlets` text
 * itself (not the JSON answer it comes in) and shows the export's warnings. Import and adopt are for admins.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient } from '../app/App';
import { type Answer, type Call, changes, fakeApi, viewerSession } from '../test-support/fake-api';
import { ImportExportPage, idFromFileName } from './ImportExport';

const BUNDLE =
  '# quadletman.bundle: {"version":1,"compartment":"shop","description":"","podmanVersion":null,"volumesRoot":"/var/lib/quadletman/volumes"}\n# quadletman.end\n# FileName=web\n[Container]\nImage=localhost/web:1\n';

const PLAN = { changes: [], unchanged: [], units: { start: [], restart: [], stop: [] }, reload: true, noop: false };
const APPLIED = {
  outcome: 'applied',
  revision: 1,
  message: 'Revision 1 applied.',
  plan: PLAN,
  diagnostics: [],
  dryRun: [],
  units: [],
};

const prepared = (id: string, over: Record<string, unknown> = {}) => ({
  compartment: id,
  created: true,
  spec: {},
  units: ['web.container'],
  files: [],
  lint: [],
  lintErrors: 0,
  warnings: [],
  ...over,
});

function serve(route: (c: Call) => Answer = () => undefined, session?: unknown) {
  return fakeApi((c) => {
    if (c.path === '/api/compartments' && c.method === 'GET')
      return [200, { compartments: [{ id: 'shop', description: '' }] }];
    return route(c);
  }, session);
}

function start() {
  return render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter initialEntries={['/import']}>
        <Routes>
          <Route path="/import" element={<ImportExportPage />} />
          <Route path="/c/:id/*" element={<p>compartment page</p>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

const choose = async (label: string, file: File) =>
  fireEvent.change(await screen.findByLabelText(label), { target: { files: [file] } });

describe('import a bundle', () => {
  it('names the compartment after the file, checks first (nothing applied), then creates and applies', async () => {
    const calls = serve((c) => {
      if (c.path !== '/api/compartments/blog/import') return undefined;
      const b = c.body as { apply?: boolean };
      return [200, prepared('blog', { from: 'shop', diagnostics: [], ...(b.apply ? { apply: APPLIED } : {}) })];
    });
    start();
    // the intros' code words are code, not backticks
    expect(await screen.findByText('.quadlets', { selector: 'code' })).toBeTruthy();
    expect(screen.getByText('~/.config/containers/systemd', { selector: 'code' })).toBeTruthy();
    expect(document.body.textContent).not.toContain('`');
    await choose('.quadlets bundle', new File([BUNDLE], 'shop.quadlets'));
    const name = (await screen.findByDisplayValue('shop')) as HTMLInputElement;
    fireEvent.change(name, { target: { value: 'blog' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Check' })[0]!);
    await screen.findByText('A new compartment blog: applying creates it. Nothing was changed yet.');
    expect(screen.getByText('Exported from shop.')).toBeTruthy();
    expect(screen.getByText('web.container')).toBeTruthy();
    expect(changes(calls)).toEqual([
      {
        method: 'POST',
        path: '/api/compartments/blog/import',
        body: { text: BUNDLE, source: 'shop.quadlets' },
      },
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Create and apply' }));
    await screen.findByText('Revision 1 applied.');
    expect(changes(calls).at(-1)).toEqual({
      method: 'POST',
      path: '/api/compartments/blog/import',
      body: { text: BUNDLE, source: 'shop.quadlets', apply: true },
    });
    fireEvent.click(screen.getByRole('link', { name: 'Open blog' }));
    await screen.findByText('compartment page');
  });

  it('shows the lint errors and the warnings, and offers no apply while there are errors', async () => {
    serve((c) =>
      c.path === '/api/compartments/shop/import'
        ? [
            200,
            prepared('shop', {
              from: 'shop',
              diagnostics: [],
              warnings: ['shop.json is the JSON answer of an export; the bundle was read from its "text".'],
              lintErrors: 1,
              lint: [
                {
                  path: '.config/containers/systemd/web.container',
                  diagnostics: [{ severity: 'error', code: 'unknown-key', message: 'Imagee is no key', line: 2 }],
                },
              ],
            }),
          ]
        : undefined,
    );
    start();
    await choose('.quadlets bundle', new File([JSON.stringify({ compartment: 'shop', text: BUNDLE })], 'shop.json'));
    await screen.findByDisplayValue('shop');
    fireEvent.click(screen.getAllByRole('button', { name: 'Check' })[0]!);
    await screen.findByText('1 lint errors: fix them before applying.');
    expect(
      screen.getByText('shop.json is the JSON answer of an export; the bundle was read from its "text".'),
    ).toBeTruthy();
    expect(screen.getByText('.config/containers/systemd/web.container:2: Imagee is no key [unknown-key]')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Create and apply' })).toBeNull();
  });

  it("shows the server's refusal (a compartment that has units)", async () => {
    serve((c) =>
      c.path === '/api/compartments/shop/import'
        ? [409, { error: { code: 'conflict', message: "Compartment 'shop' exists and has units" } }]
        : undefined,
    );
    start();
    await choose('.quadlets bundle', new File([BUNDLE], 'Shop.quadlets'));
    await screen.findByDisplayValue('shop');
    fireEvent.click(screen.getAllByRole('button', { name: 'Check' })[0]!);
    await screen.findByText("Compartment 'shop' exists and has units");
  });
});

describe('adopt', () => {
  it('checks a folder of the host, says what to do about the old units, then applies', async () => {
    const dir = '/home/alice/.config/containers/systemd';
    const calls = serve((c) => {
      if (c.path !== '/api/compartments/web/adopt') return undefined;
      const b = c.body as { apply?: boolean };
      return [
        200,
        prepared('web', {
          source: { dir, owner: { uid: 1000, name: 'alice' } },
          sourceServices: ['web.service'],
          sourceAdvice: 'As alice: systemctl --user stop web.service',
          ...(b.apply ? { apply: APPLIED } : {}),
        }),
      ];
    });
    start();
    fireEvent.change(await screen.findByLabelText('Directory'), { target: { value: dir } });
    fireEvent.change(document.getElementById('adopt-name')!, { target: { value: 'web' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Check' })[1]!);
    await screen.findByText(`From ${dir} (owner alice).`);
    expect(screen.getByText('As alice: systemctl --user stop web.service')).toBeTruthy();
    expect(changes(calls)).toEqual([{ method: 'POST', path: '/api/compartments/web/adopt', body: { dir } }]);
    fireEvent.click(screen.getByRole('button', { name: 'Create and apply' }));
    await screen.findByText('Revision 1 applied.');
    expect(changes(calls).at(-1)).toEqual({
      method: 'POST',
      path: '/api/compartments/web/adopt',
      body: { dir, apply: true },
    });
  });
});

describe('export', () => {
  it('saves the .quadlets text itself as <id>.quadlets, and shows the warnings', async () => {
    const saved: { name: string; blob: Blob }[] = [];
    let blob: Blob | undefined;
    const createObjectURL = (b: Blob) => {
      blob = b;
      return 'blob:x';
    };
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL: () => {} }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, blob: blob! });
    });
    serve((c) =>
      c.path === '/api/compartments/shop/export'
        ? [
            200,
            {
              compartment: 'shop',
              text: BUNDLE,
              units: ['web.container'],
              extension: { files: [], timers: [], volumes: [], probes: [] },
              warnings: ['Secrets are exported by name only; create them in the target.'],
            },
          ]
        : undefined,
    );
    start();
    fireEvent.click(await screen.findByRole('button', { name: 'Download shop.quadlets' }));
    await screen.findByText('Secrets are exported by name only; create them in the target.');
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.name).toBe('shop.quadlets');
    expect(await saved[0]!.blob.text()).toBe(BUNDLE);
    click.mockRestore();
  });
});

describe('who sees what', () => {
  it('import and adopt are for admins; a viewer can export', async () => {
    serve(undefined, viewerSession);
    start();
    await screen.findByRole('button', { name: 'Download shop.quadlets' });
    expect(screen.queryByRole('heading', { name: 'Import a bundle' })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Adopt a directory' })).toBeNull();
  });

  it('makes a compartment id of a file name', () => {
    expect(idFromFileName('shop.quadlets')).toBe('shop');
    expect(idFromFileName('My Shop.quadlets.json')).toBe('my-shop');
    expect(idFromFileName('2024_backup.quadlets')).toBe('backup');
  });
});
