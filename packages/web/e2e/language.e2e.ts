/**
 * The language of the UI in real Chromium, against e2e/serve.mjs's fake API (desktop and phone): a Finnish
 * browser gets the Finnish UI and <html lang="fi">, the picker switches to English in place, and the choice
 * outlives a reload; help texts show their code as <code>. Screenshots of the Finnish dashboard and import page.
 */
import { expect, test } from '@playwright/test';
import { SCREENSHOTS } from './playwright.config';

test.skip(!!process.env.E2E_BASE_URL, 'needs the fake API of e2e/serve.mjs');
test.use({ locale: 'fi-FI' });

test('a Finnish browser gets the Finnish UI; English is one pick away and stays picked', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Kirjaudu sisään' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fi');
  await page.getByLabel('Käyttäjätunnus').fill('demo');
  await page.getByLabel('Salasana').fill('demo');
  await page.getByRole('button', { name: 'Kirjaudu', exact: true }).click();

  await expect(page.getByRole('heading', { name: 'Lokerot', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Yleiskatsaus' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Kirjaudu ulos' })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/dashboard-fi-${info.project.name}.png`, fullPage: true });

  await page.getByRole('link', { name: 'Tuonti ja vienti' }).click();
  await expect(page.getByRole('heading', { name: 'Tuonti ja vienti', level: 1 })).toBeVisible();
  const runHint = page.locator('p', { hasText: 'Komentojen mainitsemia tiedostoja' });
  await expect(runHint.locator('code')).toHaveText(['$NAME', '$(…)', ';', '--env-file']);
  await page.screenshot({ path: `${SCREENSHOTS}/import-fi-${info.project.name}.png`, fullPage: true });
  await page.getByRole('link', { name: 'Yleiskatsaus' }).click();

  await page.getByLabel('Kieli').selectOption('en');
  await expect(page.getByRole('heading', { name: 'Compartments', level: 1 })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page).toHaveURL(/\/$/);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Compartments', level: 1 })).toBeVisible();
  await expect(page.getByLabel('Language')).toHaveValue('en');
  expect(errors).toEqual([]);
});
