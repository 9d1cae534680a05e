/**
 * Users' roles and API tokens on the admin page against a faked server: a role granted on one compartment (PUT
 * …/grants/:compartment) and revoked after a confirmation (DELETE), each shown in the user's row once the server
 * answers; a refusal (the last global administrator) shown in that row; a token made for one compartment (POST
 * /api/admin/tokens with `compartment`) or for every one, and the list saying which.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient } from '../app/App';
import { type Call, changes, fakeApi } from '../test-support/fake-api';
import { AdminPage } from './Admin';

type Grant = { username: string; compartment: string; role: string; createdAt: string };
const at = '2026-12-04T08:00:00.000Z';
const grant = (username: string, compartment: string, role: string): Grant => ({
  username,
  compartment,
  role,
  createdAt: at,
});
const summary = (id: string) => ({
  id,
  description: '',
  podmanVersion: null,
  createdAt: at,
  updatedAt: at,
  units: 0,
  unitStates: {},
  statusAt: at,
});

let grants: Grant[];
let tokens: Record<string, unknown>[];

beforeEach(() => {
  grants = [grant('ada', '*', 'admin'), grant('bob', '*', 'viewer'), grant('bob', 'shop', 'operator')];
  tokens = [];
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** The admin routes over `grants` and `tokens`, as the server keeps them (the last global admin stays). */
function route(c: Call): [number, unknown?] | undefined {
  const m = /^\/api\/admin\/users\/([^/]+)\/grants\/([^/]+)$/.exec(c.path);
  if (c.path === '/api/compartments') return [200, { compartments: [summary('blog'), summary('shop')] }];
  if (c.path === '/api/admin/users' && c.method === 'GET')
    return [
      200,
      ['ada', 'bob'].map((username) => ({
        username,
        kind: 'local',
        createdAt: at,
        passwordChangedAt: null,
        grants: grants.filter((g) => g.username === username),
      })),
    ];
  if (m) {
    const [username, compartment] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
    const others = grants.filter((g) => !(g.username === username && g.compartment === compartment));
    const role = (c.body as { role?: string } | undefined)?.role;
    if (username === 'ada' && compartment === '*' && role !== 'admin')
      return [
        409,
        {
          error: {
            code: 'conflict',
            message: 'This would leave no global administrator; make someone else admin first.',
          },
        },
      ];
    if (c.method === 'PUT') {
      grants = [...others, grant(username, compartment, role!)];
      return [200, grant(username, compartment, role!)];
    }
    if (c.method === 'DELETE') {
      grants = others;
      return [204];
    }
  }
  if (c.path === '/api/admin/tokens' && c.method === 'GET') return [200, tokens];
  if (c.path === '/api/admin/tokens' && c.method === 'POST') {
    const b = c.body as { name: string; role: string; compartment?: string };
    const id = `t${tokens.length + 1}`;
    tokens.push({
      id,
      name: b.name,
      username: 'ada',
      role: b.role,
      compartment: b.compartment ?? '*',
      createdAt: at,
      lastUsedAt: null,
      revokedAt: null,
    });
    return [201, { id, token: `qm_secret_${id}` }];
  }
  return undefined;
}

function start(path: string) {
  const calls = fakeApi(route);
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/admin/*" element={<AdminPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return calls;
}

/** The list item of a user (its rows of roles inside). */
const userRow = async (name: string) => {
  const label = await screen.findByText(name, { selector: 'span' });
  return label.closest('li')!;
};

describe('roles on one compartment', () => {
  it('shows the roles a user holds on single compartments, each with Revoke', async () => {
    start('/admin');
    const bob = await userRow('bob');
    const list = within(bob).getByRole('list', { name: 'Roles of bob on single compartments' });
    expect(list.textContent).toContain('shop');
    expect(list.textContent).toContain('operator');
    expect(within(list).getByRole('button', { name: 'Revoke operator on shop' })).toBeTruthy();
    expect((within(bob).getByLabelText('Role of bob') as HTMLSelectElement).value).toBe('viewer');
  });

  it('grants a role on a compartment: the request, then the new role in the row', async () => {
    const calls = start('/admin');
    const bob = await userRow('bob');
    const form = within(bob).getByRole('group', { name: 'Grant bob a role on a compartment' });
    await waitFor(() => expect(within(form).getAllByRole('option', { name: 'blog' })).toHaveLength(1));
    fireEvent.change(within(form).getByLabelText('Compartment'), { target: { value: 'blog' } });
    fireEvent.change(within(form).getByLabelText('Role'), { target: { value: 'admin' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Grant' }));
    expect(await within(bob).findByRole('status')).toHaveProperty('textContent', 'bob is now admin on blog.');
    expect(changes(calls)).toEqual([
      { method: 'PUT', path: '/api/admin/users/bob/grants/blog', body: { role: 'admin' } },
    ]);
    expect(await within(bob).findByRole('button', { name: 'Revoke admin on blog' })).toBeTruthy();
  });

  it('revokes a role on a compartment after asking', async () => {
    const confirm = vi.spyOn(window, 'confirm').mockReturnValueOnce(false).mockReturnValueOnce(true);
    const calls = start('/admin');
    const bob = await userRow('bob');
    const revoke = within(bob).getByRole('button', { name: 'Revoke operator on shop' });
    fireEvent.click(revoke);
    expect(confirm).toHaveBeenLastCalledWith('Revoke the role operator of bob on shop?');
    expect(changes(calls)).toEqual([]);
    fireEvent.click(revoke);
    await within(bob).findByText('Revoked: bob is no longer operator on shop.');
    expect(changes(calls)).toEqual([{ method: 'DELETE', path: '/api/admin/users/bob/grants/shop' }]);
    await waitFor(() => expect(within(bob).queryByRole('button', { name: /^Revoke operator/ })).toBeNull());
  });

  it('takes the global role away after asking, keeping the roles on single compartments', async () => {
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    const calls = start('/admin');
    const bob = await userRow('bob');
    fireEvent.change(within(bob).getByLabelText('Role of bob'), { target: { value: '' } });
    await waitFor(() => expect(changes(calls)).toEqual([{ method: 'DELETE', path: '/api/admin/users/bob/grants/*' }]));
    await waitFor(() => expect((within(bob).getByLabelText('Role of bob') as HTMLSelectElement).value).toBe(''));
    expect(within(bob).getByRole('button', { name: 'Revoke operator on shop' })).toBeTruthy();
  });

  it("shows the server's refusal in the user's row", async () => {
    start('/admin');
    const ada = await userRow('ada');
    fireEvent.change(within(ada).getByLabelText('Role of ada'), { target: { value: 'viewer' } });
    const alert = await within(ada).findByRole('alert');
    expect(alert.textContent).toBe('This would leave no global administrator; make someone else admin first.');
    // the row still says admin: nothing changed
    expect((within(ada).getByLabelText('Role of ada') as HTMLSelectElement).value).toBe('admin');
  });
});

describe('tokens', () => {
  it('makes a token for one compartment, and the list says where it acts', async () => {
    const calls = start('/admin/tokens');
    await screen.findByText('No API tokens.');
    await screen.findByRole('option', { name: 'shop' });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'ci' } });
    fireEvent.change(screen.getByLabelText('Compartment'), { target: { value: 'shop' } });
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'operator' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByText('qm_secret_t1')).toBeTruthy();
    const row = (await screen.findByText('ci', { selector: 'span' })).closest('li')!;
    expect(row.textContent).toContain('operator');
    expect(row.textContent).toContain('only compartment shop');

    // and one for every compartment: no compartment in the request
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'backup' } });
    fireEvent.change(screen.getByLabelText('Compartment'), { target: { value: '*' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    const all = (await screen.findByText('backup', { selector: 'span' })).closest('li')!;
    expect(all.textContent).toContain('every compartment');
    expect(changes(calls)).toEqual([
      { method: 'POST', path: '/api/admin/tokens', body: { name: 'ci', role: 'operator', compartment: 'shop' } },
      { method: 'POST', path: '/api/admin/tokens', body: { name: 'backup', role: 'operator' } },
    ]);
  });
});
