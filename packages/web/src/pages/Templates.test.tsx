/**
 * The Templates page against a faked server: the list, the parameter form made from a template's parameters
 * (required marker, defaults as placeholders, generated and secret fields, pattern errors at the field), check
 * then create and apply (nothing applied before the check, the check tied to the values checked), the generated
 * secret shown once with a copy button, lint errors blocking the apply, the server's problems at their field,
 * import errors with their path, and delete after a confirmation.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CreateResult, TemplateDetail } from '../api/types';
import { makeQueryClient } from '../app/App';
import { type Call, changes, fakeApi, viewerSession } from '../test-support/fake-api';
import { TemplatesPage } from './Templates';

const NOW = '2026-12-04T08:00:00.000Z';
const BLOG: TemplateDetail = {
  name: 'blog',
  description: 'nginx and postgres',
  version: '1.2.0',
  parameters: [
    { name: 'port', description: "The page's port", default: '8080', pattern: '[0-9]{2,5}' },
    { name: 'admin_email', description: 'Who gets the alerts' },
    { name: 'db_password', generate: 'password', secret: 'db-password' },
  ],
  units: ['web.container', 'db.container'],
  createdBy: 'ada',
  source: 'shop',
  createdAt: NOW,
  updatedAt: NOW,
  yaml: 'template: 1\nname: blog\n',
};
const SPEC = { units: { 'web.container': {}, 'db.container': {} } };
const PASSWORD = 'Zq7RkT2mWx9pLc4VbN8sHd3F';

const result = (over: Partial<CreateResult> = {}): CreateResult => ({
  compartment: 'blog1',
  created: true,
  spec: SPEC,
  values: [
    { name: 'port', value: '8080', source: 'default' },
    { name: 'admin_email', value: 'ops@example.test', source: 'given' },
    { name: 'db_password', value: '', source: 'generated', secret: 'db-password' },
  ],
  secrets: { made: [], kept: [] },
  lint: [],
  lintErrors: 0,
  ...over,
});

const APPLIED: Partial<CreateResult> = {
  values: [
    { name: 'port', value: '8080', source: 'default' },
    { name: 'admin_email', value: 'ops@example.test', source: 'given' },
    { name: 'db_password', value: PASSWORD, source: 'generated', secret: 'db-password' },
  ],
  secrets: { made: ['db-password'], kept: [] },
  apply: {
    outcome: 'applied',
    revision: 1,
    message: 'Revision 1 applied.',
    plan: { changes: [], unchanged: [], units: { start: [], restart: [], stop: [] }, reload: true, noop: false },
    diagnostics: [],
    dryRun: [],
    units: [],
  },
};

function serve(over: { create?: (c: Call) => [number, unknown]; session?: unknown } = {}) {
  return fakeApi((c) => {
    if (c.path === '/api/templates' && c.method === 'GET') {
      const { yaml: _y, ...info } = BLOG;
      return [200, { templates: [info] }];
    }
    if (c.path === '/api/templates/blog' && c.method === 'GET') return [200, BLOG];
    if (c.path === '/api/templates/blog' && c.method === 'DELETE') return [204];
    if (c.path === '/api/templates/blog/create') {
      if (over.create) return over.create(c);
      const body = c.body as { apply?: boolean };
      return [200, result(body.apply ? APPLIED : {})];
    }
    if (c.path === '/api/templates' && c.method === 'POST') {
      const text = (c.body as { text: string }).text;
      if (text.includes('exists')) return [409, { error: { code: 'conflict', message: "A template 'blog' exists" } }];
      if (text.includes('Bad'))
        return [
          400,
          {
            error: {
              code: 'invalid',
              message:
                'invalid template request body:\nparameters[0].name: a parameter name is a lower-case letter or _\nspec.units: must be a mapping',
              details: {
                issues: [
                  { path: 'parameters[0].name', message: 'a parameter name is a lower-case letter or _' },
                  { path: 'spec.units', message: 'must be a mapping' },
                ],
              },
            },
          },
        ];
      return [201, { ...BLOG, name: 'notes', yaml: undefined }];
    }
    return undefined;
  }, over.session);
}

function start(path = '/templates') {
  return render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/templates/*" element={<TemplatesPage />} />
          <Route path="/c/:id/*" element={<p>compartment page</p>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

const field = (name: string) => screen.getByLabelText(new RegExp(`^${name}`)) as HTMLInputElement;
const fieldBox = (name: string) => document.querySelector(`[data-parameter="${name}"]`) as HTMLElement;

async function openForm() {
  start('/templates/blog');
  await screen.findByRole('heading', { name: 'Create a compartment' });
}

function fill() {
  fireEvent.change(field('Compartment name'), { target: { value: 'blog1' } });
  fireEvent.change(field('admin_email'), { target: { value: 'ops@example.test' } });
}

describe('templates', () => {
  it('lists the templates with version, parameters, units and where they came from', async () => {
    serve();
    start();
    const row = (await screen.findByRole('link', { name: 'blog' })).closest('tr')!;
    expect(row.textContent).toContain('1.2.0');
    expect(row.textContent).toContain('port=8080');
    expect(row.textContent).toContain('admin_email *');
    expect(row.textContent).toContain('db_password (a password)');
    expect(row.textContent).toContain('web.container');
    expect(row.textContent).toContain('saved from shop');
    expect(row.textContent).toContain('nginx and postgres');
  });

  it('makes one field per parameter: label, help, default, required marker, generated and secret fields', async () => {
    serve();
    await openForm();
    const port = field('port');
    expect(port.placeholder).toBe('8080');
    expect(port.type).toBe('text');
    expect(fieldBox('port').textContent).toContain("The page's port");
    expect(fieldBox('port').textContent).toContain('Must match [0-9]{2,5}.');
    expect(fieldBox('port').textContent).not.toContain('(required)');
    expect(fieldBox('admin_email').textContent).toContain('(required)');
    expect(fieldBox('admin_email').textContent).toContain('Who gets the alerts');
    const pw = field('db_password');
    expect(pw.type).toBe('password');
    expect(pw.placeholder).toBe('generated if left empty');
    expect(fieldBox('db_password').textContent).toContain('Generated (a password) if left empty.');
    expect(fieldBox('db_password').textContent).toContain('Also becomes the secret db-password.');
    expect(fieldBox('db_password').textContent).not.toContain('(required)');
    expect(screen.getByRole('textbox', { name: /^Compartment name/ })).toBeTruthy();
    expect(screen.getByTestId('template-yaml').textContent).toBe(BLOG.yaml);
  });

  it('checks a value against the pattern (a full match) at its field, and sends nothing while one is wrong', async () => {
    const calls = serve();
    await openForm();
    fill();
    fireEvent.change(field('port'), { target: { value: '80a' } });
    expect(fieldBox('port').textContent).toContain('Does not match the pattern [0-9]{2,5}.');
    expect(field('port').getAttribute('aria-invalid')).toBe('true');
    // a partial match is not enough
    fireEvent.change(field('port'), { target: { value: '123456' } });
    expect(fieldBox('port').textContent).toContain('Does not match the pattern');
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(changes(calls)).toEqual([]);
    fireEvent.change(field('port'), { target: { value: '8081' } });
    expect(fieldBox('port').textContent).not.toContain('Does not match');
    expect(field('port').getAttribute('aria-invalid')).toBe('false');
  });

  it('says which required value is missing only after a first try', async () => {
    const calls = serve();
    await openForm();
    expect(fieldBox('admin_email').textContent).not.toContain('A value is needed.');
    fireEvent.change(field('Compartment name'), { target: { value: 'Blog_1' } });
    expect(screen.getByText(/Start with a letter; use a-z, 0-9/)).toBeTruthy();
    fireEvent.change(field('Compartment name'), { target: { value: 'blog1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(fieldBox('admin_email').textContent).toContain('A value is needed.');
    expect(changes(calls)).toEqual([]);
  });

  it('checks first (nothing applied), then creates and applies exactly what was checked', async () => {
    const calls = serve();
    await openForm();
    fill();
    const apply = screen.getByRole('button', { name: 'Create and apply blog1' }) as HTMLButtonElement;
    expect(apply.disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    const check = await screen.findByTestId('check-result');
    expect(check.textContent).toContain('The compartment blog1 would be created. Nothing has been made yet.');
    expect(check.textContent).toContain('The units pass the linter.');
    const rows = within(check)
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.textContent);
    expect(rows).toEqual([
      'port8080default',
      'admin_emailops@example.testgiven',
      'db_passwordsecret db-password: generated when applied, and shown once thengenerated',
    ]);
    expect(check.textContent).toContain('Units (2)');
    expect(changes(calls).map((c) => c.body)).toEqual([
      { compartment: 'blog1', values: { admin_email: 'ops@example.test' } },
    ]);
    // a value changed after the check: check again before applying
    fireEvent.change(field('port'), { target: { value: '9090' } });
    expect(apply.disabled).toBe(true);
    expect(screen.queryByTestId('check-result')).toBeNull();
    fireEvent.change(field('port'), { target: { value: '' } });
    expect(apply.disabled).toBe(false);
    fireEvent.click(apply);
    const done = await screen.findByTestId('create-result');
    expect(done.textContent).toContain('The compartment blog1 was created.');
    expect(done.textContent).toContain('Applied as revision 1.');
    expect(done.textContent).toContain('Secrets made: db-password.');
    expect(changes(calls).map((c) => c.body)).toEqual([
      { compartment: 'blog1', values: { admin_email: 'ops@example.test' } },
      { compartment: 'blog1', values: { admin_email: 'ops@example.test' }, apply: true },
    ]);
    expect(screen.getByRole('link', { name: 'Open blog1' }).getAttribute('href')).toBe('/c/blog1');
  });

  it('shows a generated secret once, prominently, with a copy button and a warning', async () => {
    serve();
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    await openForm();
    fill();
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    await screen.findByTestId('check-result');
    expect(screen.queryByTestId('generated-secrets')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Create and apply blog1' }));
    const panel = await screen.findByTestId('generated-secrets');
    expect(panel.textContent).toContain('they are shown only this once and never again');
    expect(within(panel).getByTestId('secret-db_password').textContent).toBe(PASSWORD);
    // only in the panel: the values table points at it
    expect(screen.getAllByText(PASSWORD)).toHaveLength(1);
    expect(screen.getByText('secret db-password: shown once, under "Generated secret values"')).toBeTruthy();
    fireEvent.click(within(panel).getByRole('button', { name: 'Copy the value of db_password' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(PASSWORD));
    // the button says so once the clipboard's promise has settled (a later render than the call)
    await waitFor(() =>
      expect(within(panel).getByRole('button', { name: 'Copy the value of db_password' }).textContent).toBe('Copied'),
    );
    fireEvent.click(within(panel).getByRole('button', { name: 'I have copied them: hide' }));
    expect(screen.queryByText(PASSWORD)).toBeNull();
    expect(panel.textContent).toContain('The values cannot be shown again.');
  });

  it('does not offer to apply what has lint errors', async () => {
    serve({
      create: () => [
        200,
        result({
          lint: [
            {
              path: 'web.container',
              diagnostics: [{ severity: 'error', line: 3, code: 'bad-port', message: 'PublishPort=x is not a port' }],
            },
          ],
          lintErrors: 1,
        }),
      ],
    });
    await openForm();
    fill();
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    const check = await screen.findByTestId('check-result');
    expect(within(check).getByRole('alert').textContent).toContain('1 lint error(s): applying would be refused.');
    expect(check.textContent).toContain('web.container:3: PublishPort=x is not a port');
    expect((screen.getByRole('button', { name: 'Create and apply blog1' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("shows the server's problem with a value at its field", async () => {
    serve({
      create: () => [
        400,
        {
          error: {
            code: 'invalid',
            message: 'invalid template blog:\nvalues.admin_email: "x" does not match .+@.+',
            details: { issues: [{ path: 'values.admin_email', message: '"x" does not match .+@.+' }] },
          },
        },
      ],
    });
    await openForm();
    fill();
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    await waitFor(() => expect(fieldBox('admin_email').textContent).toContain('"x" does not match .+@.+'));
    expect(screen.getByRole('alert').textContent).toContain('invalid template blog:');
  });

  it('imports a pasted template, and lists every problem of a bad one with its path', async () => {
    const calls = serve();
    start();
    await screen.findByRole('link', { name: 'blog' });
    const text = screen.getByLabelText('Template (YAML or JSON)');
    fireEvent.change(text, { target: { value: 'template: 1\nname: Bad\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('invalid template request body:');
    expect(
      within(alert)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['parameters[0].name: a parameter name is a lower-case letter or _', 'spec.units: must be a mapping']);
    fireEvent.change(text, { target: { value: 'template: 1\nname: exists\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText(/A template of that name exists/)).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Replace a template of the same name'));
    fireEvent.change(text, { target: { value: 'template: 1\nname: notes\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText('Template notes imported.')).toBeTruthy();
    expect(changes(calls).at(-1)?.body).toEqual({ text: 'template: 1\nname: notes\n', replace: true });
  });

  it('deletes a template only after a confirmation', async () => {
    const calls = serve();
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    start('/templates/blog');
    fireEvent.click(await screen.findByRole('button', { name: 'Delete template' }));
    expect(confirm).toHaveBeenCalledWith('Delete the template blog? Compartments made from it are not changed.');
    expect(changes(calls)).toEqual([]);
    confirm.mockReturnValue(true);
    fireEvent.click(screen.getByRole('button', { name: 'Delete template' }));
    await waitFor(() => expect(changes(calls)).toEqual([{ method: 'DELETE', path: '/api/templates/blog' }]));
    expect(await screen.findByRole('heading', { name: 'Templates' })).toBeTruthy();
  });

  it('offers a viewer no import, delete or create', async () => {
    serve({ session: viewerSession });
    start('/templates/blog');
    expect(await screen.findByTestId('template-yaml')).toBeTruthy();
    expect(screen.getByText('Creating a compartment from a template needs an administrator.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Delete template' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Check' })).toBeNull();
  });
});
