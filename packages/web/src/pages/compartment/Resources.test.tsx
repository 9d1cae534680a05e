/**
 * The Resources tab against a faked server: declaring a volume (the PUT it sends, the apply result, the list
 * after it), the unit line each volume, secret and config file needs, what the presence badges mean, and "Use
 * in unit": the line goes into the chosen container unit as a draft (other drafts kept) and the plan opens.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderTab } from '../../test-support/compartment-tab';
import { type Call, changes, fakeApi, viewerSession } from '../../test-support/fake-api';
import { ResourcesTab } from './Resources';

const Q = '.config/containers/systemd';
const WEB =
  '[Unit]\nDescription=web\n\n[Container]\nImage=localhost/web:1\n# keep this comment\n\n[Install]\nWantedBy=default.target\n';
const DB = '[Container]\nImage=localhost/db:16\n';
const operatorSession = { username: 'olga', kind: 'session', grants: [{ compartment: 'shop', role: 'operator' }] };

const volume = (v: Record<string, unknown>) => ({ owner: null, sizeBytes: null, exists: true, declared: true, ...v });
const DATA = volume({
  name: 'data',
  kind: 'host',
  path: '/srv/vol/shop/data',
  declaredAs: 'data',
  mountSource: '/srv/vol/shop/data',
});
const CACHE = volume({
  name: 'systemd-cache',
  kind: 'podman',
  path: null,
  exists: false,
  declaredAs: 'cache',
  mountSource: 'cache.volume',
});
const applyResult = {
  outcome: 'applied',
  revision: 2,
  message: 'Applied.',
  plan: { changes: [], units: { start: [], restart: [], stop: [] }, reload: false, noop: false },
  diagnostics: [],
  units: [],
};

function serve(session: unknown = operatorSession) {
  let volumes = [DATA];
  return fakeApi((c: Call) => {
    if (c.path === '/api/compartments/shop/volumes') return [200, { volumes }];
    if (c.method === 'PUT' && c.path === '/api/compartments/shop/volumes/cache') {
      volumes = [CACHE, DATA];
      return [200, applyResult];
    }
    if (c.method === 'PUT' && c.path === '/api/compartments/shop/volumes/uploads')
      return [200, { ...applyResult, outcome: 'noop', revision: null, plan: { ...applyResult.plan, noop: true } }];
    if (c.path === '/api/compartments/shop/secrets')
      return [
        200,
        {
          secrets: [
            { name: 'db-password', declared: true, exists: true },
            { name: 'api-token', declared: false, exists: true },
          ],
        },
      ];
    if (c.path === '/api/compartments/shop/registries') return [200, { registries: [] }];
    if (c.path === '/api/compartments/shop/files')
      return [200, { files: [{ path: 'app.env', in: 'files', mode: 0o600, size: 4 }] }];
    if (c.path === '/api/compartments/shop/spec')
      return [200, { spec: { compartment: 'shop', units: { 'web.container': { text: WEB }, 'db.container': {} } } }];
    if (c.path === '/api/compartments/shop/revisions') return [200, { revisions: [{ number: 1, result: 'applied' }] }];
    if (c.path === '/api/compartments/shop/revisions/1')
      return [
        200,
        { number: 1, result: 'applied', spec: null, diff: '', files: { [`${Q}/db.container`]: { text: DB } } },
      ];
    return undefined;
  }, session);
}

afterEach(() => {
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

const start = (drafts: Record<string, string | null> = {}) =>
  renderTab(
    'shop',
    drafts,
    <Routes>
      <Route path="/" element={<ResourcesTab id="shop" />} />
      <Route path="/c/:id/plan" element={<p>the plan page</p>} />
    </Routes>,
  );

const drafts = () => JSON.parse(sessionStorage.getItem('quadletman.drafts.shop') ?? '{}');

describe('resources tab', () => {
  it('declares a Podman volume with its options, shows the apply result, then lists it with its unit line', async () => {
    const calls = serve();
    start();
    const form = await screen.findByRole('form', { name: 'Declare a volume' });
    fireEvent.change(within(form).getByLabelText(/Volume name/), { target: { value: 'cache' } });
    fireEvent.click(within(form).getByRole('radio', { name: /Podman volume/ }));
    fireEvent.change(within(form).getByLabelText('Driver (Driver=)'), { target: { value: 'local' } });
    fireEvent.change(within(form).getByLabelText('Labels (Label=)'), { target: { value: 'app=shop\n\nteam = ops' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Declare and apply' }));
    expect(await within(form).findByText('Applied as revision 2.')).toBeTruthy();
    expect(changes(calls)).toEqual([
      {
        method: 'PUT',
        path: '/api/compartments/shop/volumes/cache',
        body: { kind: 'podman', options: { driver: 'local', label: { app: 'shop', team: 'ops' } } },
      },
    ]);
    const row = (await screen.findByText('systemd-cache')).closest('tr')!;
    expect(within(row).getByTestId('unit-line').textContent).toBe('Volume=cache.volume:/cache');
    const host = screen.getByText('data', { selector: 'td' }).closest('tr')!;
    expect(within(host).getByTestId('unit-line').textContent).toBe('Volume=/srv/vol/shop/data:/data:Z');
  });

  it('declares a host folder (no options sent) and says when its folder is made', async () => {
    const calls = serve();
    start();
    const form = await screen.findByRole('form', { name: 'Declare a volume' });
    fireEvent.change(within(form).getByLabelText(/Volume name/), { target: { value: 'uploads' } });
    expect(within(form).queryByLabelText('Driver (Driver=)')).toBeNull();
    fireEvent.click(within(form).getByRole('button', { name: 'Declare and apply' }));
    expect(await within(form).findByText('Nothing to do: the host already matches.')).toBeTruthy();
    expect(within(form).getByText(/its folder is made \(given to its owner\)/)).toBeTruthy();
    expect(changes(calls)).toEqual([
      { method: 'PUT', path: '/api/compartments/shop/volumes/uploads', body: { kind: 'host' } },
    ]);
    fireEvent.change(within(form).getByLabelText(/Volume name/), { target: { value: 'www' } });
    fireEvent.change(within(form).getByLabelText(/Owner inside the container/), { target: { value: '70000' } });
    expect(within(form).getByText('A UID is a whole number from 0 to 65535.')).toBeTruthy();
    expect(within(form).getByRole('button', { name: 'Declare and apply' })).toHaveProperty('disabled', true);
    fireEvent.change(within(form).getByLabelText(/Owner inside the container/), { target: { value: '33' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Declare and apply' }));
    await waitFor(() => expect(changes(calls)).toHaveLength(2));
    expect(changes(calls)[1]).toEqual({
      method: 'PUT',
      path: '/api/compartments/shop/volumes/www',
      body: { kind: 'host', owner: 33 },
    });
  });

  it('refuses a bad volume name or label line before sending anything', async () => {
    const calls = serve();
    start();
    const form = await screen.findByRole('form', { name: 'Declare a volume' });
    fireEvent.change(within(form).getByLabelText(/Volume name/), { target: { value: '-rf' } });
    expect(within(form).getByRole('button', { name: 'Declare and apply' })).toHaveProperty('disabled', true);
    fireEvent.change(within(form).getByLabelText(/Volume name/), { target: { value: 'ok' } });
    fireEvent.click(within(form).getByRole('radio', { name: /Podman volume/ }));
    fireEvent.change(within(form).getByLabelText('Labels (Label=)'), { target: { value: 'no-equals' } });
    expect(within(form).getByText('Line 1 is not key=value.')).toBeTruthy();
    expect(within(form).getByRole('button', { name: 'Declare and apply' })).toHaveProperty('disabled', true);
    expect(changes(calls)).toEqual([]);
  });

  it('says what "not in the desired state" means, and the line a unit uses a secret or a config file with', async () => {
    serve();
    start();
    const legend = await screen.findByTestId('secret-legend');
    expect(legend.textContent).toContain('exists in the compartment');
    expect(legend.textContent).toContain('the desired state does not list it');
    const lines = (await screen.findAllByTestId('unit-line')).map((l) => l.textContent);
    expect(lines).toContain('Secret=db-password,type=env,target=DB_PASSWORD');
    expect(lines).toContain('Volume=%h/.config/quadletman/files/app.env:/etc/config/app.env:ro,Z');
  });

  it('"Use in unit" adds exactly the line to the chosen unit as a draft, keeps other drafts, opens the plan', async () => {
    serve();
    start({ 'other.container': '[Container]\nImage=x\n' });
    fireEvent.click(await screen.findByRole('button', { name: 'Use db-password in a unit' }));
    fireEvent.change(screen.getByLabelText('How'), { target: { value: '1' } });
    expect(screen.getByText('The container reads it at /run/secrets/db-password.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('How'), { target: { value: '0' } });
    fireEvent.change(screen.getByLabelText('Environment variable'), { target: { value: 'PGPASSWORD' } });
    const unit = await screen.findByLabelText('Container unit');
    await waitFor(() =>
      expect(
        within(unit)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toHaveLength(3),
    );
    fireEvent.change(unit, { target: { value: 'web.container' } });
    fireEvent.click(screen.getByRole('button', { name: /Add the line for db-password to web.container/ }));
    expect(await screen.findByText('the plan page')).toBeTruthy();
    expect(drafts()).toEqual({
      'other.container': '[Container]\nImage=x\n',
      'web.container': WEB.replace(
        'Image=localhost/web:1\n',
        'Image=localhost/web:1\nSecret=db-password,type=env,target=PGPASSWORD\n',
      ),
    });
  });

  it('mounts a config file into a typed unit (its applied text)', async () => {
    serve();
    start();
    fireEvent.click(await screen.findByRole('button', { name: 'Use app.env in a unit' }));
    const unit = await screen.findByLabelText('Container unit');
    await waitFor(() =>
      expect(
        within(unit)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['db.container', 'web.container']),
    );
    fireEvent.click(screen.getByRole('button', { name: /Add the line for app.env to db.container/ }));
    expect(await screen.findByText('the plan page')).toBeTruthy();
    expect(drafts()).toEqual({
      'db.container': `${DB}Volume=%h/.config/quadletman/files/app.env:/etc/config/app.env:ro,Z\n`,
    });
  });

  it('says when the unit already has the line, and adds nothing', async () => {
    const line = 'Volume=%h/.config/quadletman/files/app.env:/etc/config/app.env:ro,Z';
    serve();
    start({ 'db.container': `${DB}${line}\n` });
    fireEvent.click(await screen.findByRole('button', { name: 'Use app.env in a unit' }));
    expect(await screen.findByText('db.container already has this line.')).toBeTruthy();
    expect(screen.getByRole('button', { name: /Add the line for app.env to db.container/ })).toHaveProperty(
      'disabled',
      true,
    );
  });

  it('a viewer sees the lines but neither the declare form nor "Use in unit"', async () => {
    serve(viewerSession);
    start();
    expect(await screen.findByText('Volume=/srv/vol/shop/data:/data:Z')).toBeTruthy();
    expect(screen.queryByRole('form', { name: 'Declare a volume' })).toBeNull();
    expect(screen.queryByRole('button', { name: /in a unit$/ })).toBeNull();
  });
});
