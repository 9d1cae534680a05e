/**
 * Connections between compartments in real Chromium, against e2e/serve.mjs's fake API (desktop and phone): the
 * Routes page lists every provided service with who uses it and whether the guard is enforced; a compartment's
 * Routes tab shows the ones it takes part in, and its operator's "Use" form sends the spec with the new `uses:`
 * entry (the answer is the browser's own, since the fake keeps no specs). Screenshots of each.
 */
import { expect, test } from '@playwright/test';
import { login, withFakeApi } from './fake-support';
import { SCREENSHOTS } from './playwright.config';

withFakeApi();

test('connections between compartments: the Routes page and a compartment that uses one', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const shot = (name: string) =>
    page.screenshot({ path: `${SCREENSHOTS}/${name}-${info.project.name}.png`, fullPage: true });

  await login(page, '/routes');
  const all = page.getByRole('table', { name: 'Connections' });
  await expect(all.getByRole('row')).toHaveCount(4);
  await expect(all.getByRole('row').filter({ hasText: 'postgres:5432' })).toContainText('demo (DB_HOST, DB_PORT)');
  await expect(page.getByTestId('guard-state')).toContainText('Guarded');
  await expect(page.getByTestId('guard-state')).toContainText('169.254.1.3:PORT');
  await all.scrollIntoViewIfNeeded();
  await shot('connections');

  await page.goto('/c/demo/routes');
  const mine = page.getByRole('table', { name: 'Connections' });
  // the compartment's own: what it provides, and what it uses; redis's cache is offered in the Use form
  await expect(mine.getByRole('row')).toHaveCount(3);
  const use = page.getByRole('form', { name: "Use another compartment's service" });
  await expect(use.getByLabel('Service', { exact: true })).toHaveValue('redis/cache');
  await expect(use.getByLabel('Environment prefix (as)')).toHaveAttribute('placeholder', 'CACHE');
  await expect(use).toContainText('CACHE_HOST');
  const provide = page.getByRole('form', { name: 'Provide a service' });
  await expect(provide.getByLabel('Unit', { exact: true })).toHaveValue('web');

  // "Use" sends the stored spec with the use added
  let sent: unknown;
  await page.route('**/api/compartments/demo/spec', async (route) => {
    if (route.request().method() !== 'PUT') return route.fallback();
    sent = route.request().postDataJSON();
    await route.fulfill({
      status: 409,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'conflict', message: 'refused by the test' } }),
    });
  });
  await use.getByRole('button', { name: 'Use' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'refused by the test' })).toBeVisible();
  expect(sent).toMatchObject({ spec: { uses: [{ compartment: 'redis', service: 'cache', as: 'CACHE' }] } });
  await shot('compartment-connections');
  expect(errors).toEqual([]);
});

test("a compartment's dependencies: the start order and the graph", async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // a stack with a health-gated database, its volume, the network and a timer job (the graph quadletman's
  // unit-graph.ts made of such a compartment's rendered files), instead of the fake's one unit
  await page.route('**/api/compartments/demo/dependencies', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(STACK) }),
  );
  await login(page, '/c/demo/dependencies');
  await expect(
    page.getByRole('navigation', { name: 'Compartment' }).getByRole('link', { name: 'Dependencies' }),
  ).toHaveAttribute('aria-current', 'page');
  const order = page.getByRole('list', { name: 'Start order' });
  await expect(order.getByRole('listitem').last()).toContainText('web.container');
  await expect(order).toContainText('waits until db.container is healthy');
  await expect(page.getByRole('img', { name: /units by start order/ })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/compartment-dependencies-${info.project.name}.png`, fullPage: true });
  expect(errors).toEqual([]);
});

/** unitGraph() of a blog stack: db (Notify=healthy, data.volume), web after db, a daily backup job. */
const STACK = {
  nodes: [
    {
      id: 'backup.container',
      path: '.config/containers/systemd/backup.container',
      kind: 'container',
      unit: 'backup.service',
    },
    { id: 'backup.timer', path: '.config/systemd/user/backup.timer', kind: 'timer', unit: 'backup.timer' },
    {
      id: 'blog.network',
      path: '.config/containers/systemd/blog.network',
      kind: 'network',
      unit: 'blog-network.service',
    },
    { id: 'blog.target', path: '.config/systemd/user/blog.target', kind: 'target', unit: 'blog.target' },
    { id: 'data.volume', path: '.config/containers/systemd/data.volume', kind: 'volume', unit: 'data-volume.service' },
    {
      id: 'db.container',
      path: '.config/containers/systemd/db.container',
      kind: 'container',
      unit: 'db.service',
      notifyHealthy: true,
    },
    { id: 'web.container', path: '.config/containers/systemd/web.container', kind: 'container', unit: 'web.service' },
  ],
  edges: [
    {
      from: 'backup.container',
      to: 'blog.network',
      kind: 'network',
      key: 'Network',
      order: 'after',
      healthGate: false,
    },
    { from: 'backup.timer', to: 'backup.container', kind: 'triggers', key: 'Unit', order: 'before', healthGate: false },
    { from: 'db.container', to: 'blog.target', kind: 'partOf', key: 'PartOf', order: null, healthGate: false },
    { from: 'blog.target', to: 'db.container', kind: 'wants', key: 'WantedBy', order: 'after', healthGate: true },
    { from: 'db.container', to: 'blog.network', kind: 'network', key: 'Network', order: 'after', healthGate: false },
    { from: 'db.container', to: 'data.volume', kind: 'volume', key: 'Volume', order: 'after', healthGate: false },
    { from: 'web.container', to: 'db.container', kind: 'requires', key: 'Requires', order: null, healthGate: false },
    { from: 'web.container', to: 'blog.target', kind: 'partOf', key: 'PartOf', order: null, healthGate: false },
    { from: 'web.container', to: 'db.container', kind: 'after', key: 'After', order: 'after', healthGate: true },
    { from: 'blog.target', to: 'web.container', kind: 'wants', key: 'WantedBy', order: 'after', healthGate: false },
    { from: 'web.container', to: 'blog.network', kind: 'network', key: 'Network', order: 'after', healthGate: false },
  ],
  order: [
    'backup.timer',
    'blog.network',
    'data.volume',
    'backup.container',
    'db.container',
    'web.container',
    'blog.target',
  ],
  layers: [
    ['backup.timer', 'blog.network', 'data.volume'],
    ['backup.container', 'db.container'],
    ['web.container'],
    ['blog.target'],
  ],
  cycles: [],
  missing: [],
};

test('uploaded certificates: listed with their hosts, and an upload the server refuses says why', async ({
  page,
}, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await login(page, '/routes');
  const list = page.getByRole('list', { name: 'Uploaded certificates' });
  await expect(list).toContainText('app.example.test, *.wild.example.test');
  await expect(list).toContainText('Issued by CN=quadletman test CA');
  let sent: unknown;
  await page.route('**/api/edge/certificates', async (route) => {
    sent = route.request().postDataJSON();
    await route.fulfill({
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'invalid', message: "key: it is not the certificate's key" } }),
    });
  });
  const form = page.getByRole('form', { name: 'Upload a certificate' });
  await form
    .getByLabel('Certificate (PEM, then its chain)', { exact: true })
    .fill('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----');
  await form
    .getByLabel('Private key (PEM, unencrypted)', { exact: true })
    .fill('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----');
  await form.getByRole('button', { name: 'Upload' }).click();
  await expect(form.getByRole('alert')).toContainText("key: it is not the certificate's key");
  expect(sent).toMatchObject({ certificate: expect.stringContaining('BEGIN CERTIFICATE') });
  await form.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOTS}/certificates-${info.project.name}.png`, fullPage: true });
  expect(errors).toEqual([]);
});
