/**
 * The edge's routes in real Chromium, against e2e/serve.mjs's fake API (desktop and phone): the Routes page (the
 * edge's state, the routes with their open links and answers, the root certificate, the Caddyfile), an admin's
 * edge settings (a refusal with the server's message, then ACME saved) and "Load configuration now"; a
 * compartment's Routes tab and the open link of a routed unit. A screenshot of each step (routes.png: the page).
 */
import { expect, test } from '@playwright/test';
import { login, withFakeApi } from './fake-support';
import { SCREENSHOTS } from './playwright.config';

withFakeApi();

test('the routes page: the edge, its routes, its settings', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const shot = (name: string) =>
    page.screenshot({ path: `${SCREENSHOTS}/${name}-${info.project.name}.png`, fullPage: true });

  await login(page, '/routes');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Routes' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await expect(page.getByTestId('edge-state')).toHaveText('Reachable: runs the stored configuration');
  await expect(page.getByTestId('edge-ports')).toHaveText('HTTP 80, HTTPS 443');
  const table = page.getByRole('table', { name: 'Routes' });
  const ok = table.getByRole('row').filter({ hasText: 'https://demo.example.test/admin' });
  await expect(ok).toContainText('failed');
  const open = table.getByRole('link', { name: 'open https://demo.example.test/ (in a new tab)' });
  await expect(open).toHaveAttribute('target', '_blank');
  await expect(table.getByRole('link', { name: 'demo', exact: true }).first()).toHaveAttribute('href', '/c/demo');
  const download = page.getByRole('link', { name: 'Download root certificate' });
  await expect(download).toHaveAttribute('href', '/api/edge/ca.crt');
  const pem = await page.request.get('/api/edge/ca.crt');
  expect(await pem.text()).toContain('BEGIN CERTIFICATE');
  await expect(page.getByTestId('caddyfile')).toBeHidden();
  await page.screenshot({
    path: `${SCREENSHOTS}/${info.project.name === 'desktop' ? 'routes' : `routes-${info.project.name}`}.png`,
    fullPage: true,
  });

  await page.getByText('Caddyfile', { exact: true }).click();
  await expect(page.getByTestId('caddyfile')).toContainText('reverse_proxy 127.0.0.1:20001');

  const form = page.getByRole('form', { name: 'Edge settings' });
  await form.getByLabel('HTTPS port').fill('80');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByRole('alert')).toHaveText('The HTTP and HTTPS ports must differ (both are 80).');
  await form.getByLabel('HTTPS port').fill('8443');
  await form.getByLabel('ACME', { exact: true }).check();
  await form.getByLabel(/^E-mail/).fill('ops@example.org');
  await form.getByLabel(/staging directory/).check();
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByRole('status')).toHaveText('Saved, and the configuration loaded again.');
  await expect(page.getByTestId('edge-ports')).toHaveText('HTTP 80, HTTPS 8443');
  await expect(page.getByTestId('edge-tls')).toHaveText("ACME (the CA's staging directory), e-mail ops@example.org");
  await expect(table.getByRole('link', { name: 'open https://demo.example.test:8443/ (in a new tab)' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Download root certificate' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Load configuration now' }).click();
  await expect(page.getByTestId('sync-outcome')).toHaveText(
    'Nothing to load: the edge already runs the stored configuration.',
  );
  await shot('routes-settings');
  expect(errors).toEqual([]);
});

test("a compartment's routes, and the open link of a routed unit", async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const shot = (name: string) =>
    page.screenshot({ path: `${SCREENSHOTS}/${name}-${info.project.name}.png`, fullPage: true });

  await login(page, '/c/demo/routes');
  await expect(
    page.getByRole('navigation', { name: 'Compartment' }).getByRole('link', { name: 'Routes' }),
  ).toHaveAttribute('aria-current', 'page');
  const table = page.getByRole('table', { name: 'Routes' });
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table.getByRole('columnheader', { name: 'Compartment' })).toHaveCount(0);
  await expect(table.getByRole('row').filter({ hasText: '/admin' })).toContainText('HTTP 502');
  await shot('compartment-routes');

  await page.getByRole('navigation', { name: 'Compartment' }).getByRole('link', { name: 'Units', exact: true }).click();
  const web = page.locator('li[data-unit="web.service"]');
  await expect(web.getByRole('link', { name: 'open https://demo.example.test/ (in a new tab)' })).toHaveAttribute(
    'href',
    'https://demo.example.test/',
  );
  await expect(web.getByTestId('unit-route')).toHaveCount(2);
  await shot('compartment-units-routes');
  expect(errors).toEqual([]);
});
