/**
 * The catalog and the templates in real Chromium, against e2e/serve.mjs's fake API (desktop and phone): install
 * a catalog app (a pattern error at its field first, then check, then install and apply, the generated token
 * shown once), upgrade the compartment that runs its older version; import a broken template (each problem
 * with its path), create a compartment from a template (check, then create and apply), and on a compartment's
 * page see what it was made from and save it as a template. A screenshot of each step.
 */
import { expect, test } from '@playwright/test';
import { login, withFakeApi } from './fake-support';
import { SCREENSHOTS } from './playwright.config';

withFakeApi();

/** The fake's one generated value (e2e/serve.mjs). */
const GENERATED = 'Vq7RkT2mWx9pLc4VbN8sHd3F';

test('install a catalog app, then upgrade an older install', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const shot = (name: string) =>
    page.screenshot({ path: `${SCREENSHOTS}/${name}-${info.project.name}.png`, fullPage: true });
  const id = `whoami-${info.project.name}`;

  await login(page, '/catalog');
  await expect(page.getByRole('link', { name: 'Catalog' })).toHaveAttribute('aria-current', 'page');
  const card = page.getByRole('list', { name: 'Apps' }).getByRole('listitem').filter({ hasText: 'Whoami' });
  await expect(card).toContainText('tools');
  await expect(card).toContainText('version 1.1.0');
  await expect(card).toContainText(/Installed in \d+ compartment/);
  await expect(page.getByRole('region', { name: 'Entries that cannot be used' })).toContainText('broken-app');
  await shot('catalog-list');

  await card.getByRole('link', { name: 'Whoami' }).click();
  await expect(page).toHaveURL(/\/catalog\/whoami$/);
  await expect(page.getByTestId('markdown').getByRole('heading', { name: 'Whoami' })).toBeVisible();
  await expect(page.getByText('a free TCP port on the host')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Upgrade whoami-old to 1.1.0' })).toBeVisible();
  await shot('catalog-app');

  const install = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Install Whoami' }) });
  await install.getByLabel(/^Compartment name/).fill(id);
  await install.getByLabel(/^port/).fill('18o91');
  await expect(install.locator('[data-parameter="port"]')).toContainText('Does not match the pattern [0-9]{2,5}.');
  await install.getByLabel(/^port/).fill('18091');
  await expect(install.locator('[data-parameter="api_token"] input')).toHaveAttribute('type', 'password');
  await install.getByRole('button', { name: 'Check' }).click();
  await expect(install.getByTestId('check-result')).toContainText(`The compartment ${id} would be created.`);
  await shot('catalog-check');
  await install.getByRole('button', { name: `Install and apply ${id}` }).click();
  const secrets = install.getByTestId('generated-secrets');
  await expect(secrets).toContainText('shown only this once');
  await expect(secrets.getByTestId('secret-api_token')).toHaveText(GENERATED);
  await expect(install.getByTestId('create-result')).toContainText('Applied as revision 1.');
  await secrets.scrollIntoViewIfNeeded();
  await shot('catalog-installed');

  await page.getByRole('button', { name: 'Upgrade whoami-old to 1.1.0' }).click();
  const upgrade = page
    .locator('section')
    .filter({ has: page.getByRole('heading', { name: 'Upgrade whoami-old to 1.1.0' }) });
  await expect(upgrade.getByLabel(/^Compartment name/)).toHaveValue('whoami-old');
  await upgrade.getByRole('button', { name: 'Check' }).click();
  await expect(upgrade.getByTestId('check-result')).toContainText('The compartment whoami-old exists');
  await upgrade.getByRole('button', { name: 'Upgrade and apply whoami-old' }).click();
  await expect(upgrade.getByTestId('create-result')).toContainText('Applied as revision 2.');
  await expect(upgrade.getByTestId('generated-secrets')).toHaveCount(0);
  await upgrade.getByTestId('create-result').scrollIntoViewIfNeeded();
  await shot('catalog-upgraded');
  expect(errors).toEqual([]);
});

test('import a template, create a compartment from one, save a compartment as one', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const shot = (name: string) =>
    page.screenshot({ path: `${SCREENSHOTS}/${name}-${info.project.name}.png`, fullPage: true });
  const id = `blog-${info.project.name}`;

  await login(page, '/templates');
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'blog', exact: true }) });
  await expect(row).toContainText('1.0.0');
  await expect(row).toContainText('admin_email *');
  await expect(row).toContainText('saved from demo');

  await page.getByLabel('Template (YAML or JSON)').fill('name: broken\nunits: {}\n');
  await page.getByRole('button', { name: 'Import' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('template: must be 1 (the template format)');
  await expect(alert).toContainText('spec: must be a compartment spec (a mapping)');
  await shot('templates-list');

  await row.getByRole('link', { name: 'blog', exact: true }).click();
  await expect(page).toHaveURL(/\/templates\/blog$/);
  await expect(page.getByTestId('template-yaml')).toContainText('generate: password');
  const form = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Create a compartment' }) });
  await form.getByLabel(/^Compartment name/).fill(id);
  await form.getByRole('button', { name: 'Check' }).click();
  await expect(form.locator('[data-parameter="admin_email"]')).toContainText('A value is needed.');
  await form.getByLabel(/^admin_email/).fill('ops@example.test');
  await form.getByRole('button', { name: 'Check' }).click();
  const check = form.getByTestId('check-result');
  await expect(check).toContainText('The units pass the linter.');
  await expect(check.getByRole('row').filter({ hasText: 'admin_email' })).toContainText('given');
  await shot('templates-check');
  await form.getByRole('button', { name: `Create and apply ${id}` }).click();
  await expect(form.getByTestId('secret-db_password')).toHaveText(GENERATED);
  await expect(form.getByTestId('create-result')).toContainText(`The compartment ${id} was created.`);
  await form.getByTestId('generated-secrets').scrollIntoViewIfNeeded();
  await shot('templates-created');

  await page.goto('/c/demo');
  await expect(page.getByTestId('origin')).toHaveText('Made from the template blog version 1.0.0');
  await page.getByRole('button', { name: 'Save as template' }).click();
  await page.getByLabel('Template name').fill(`demo-${info.project.name}`);
  await page.getByLabel('Parameter 1: name').fill('port');
  await page.getByLabel('Parameter 1: value').fill('18080');
  await page.getByRole('button', { name: 'Save template' }).click();
  await expect(page.getByText(`Template demo-${info.project.name} saved with 1 parameter(s).`)).toBeVisible();
  await shot('compartment-save-template');
  expect(errors).toEqual([]);
});
